#pragma once
// Applies a recorded feed (JSON Lines) to an engine the way the daemon
// applies a live one: parse, drop repeated seqs, apply, report. Used by
// `splitstream process` and the offline player; no I/O of its own.

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "feed/engine.hpp"
#include "ingest/frame_parser.hpp"

namespace splitstream::ingest {

struct line_report {
    std::uint64_t line = 0;            // 1-based line number
    std::string_view text;             // the line itself
    std::optional<std::uint64_t> seq;  // when readable
    std::optional<feed::rejection> rejected;
    bool duplicate = false;  // seq already applied in this epoch
};

struct processing_totals {
    std::uint64_t lines = 0;
    std::uint64_t applied = 0;
    std::uint64_t duplicates = 0;
    std::uint64_t rejected = 0;
    std::array<std::uint64_t, feed::reject_reason_count> rejected_by_reason{};
    std::array<std::uint64_t, feed::event_type_count> derived_by_type{};
};

class file_processor {
public:
    // `on_event` gets every derived event in order; `on_problem` every
    // rejected or duplicate line.
    file_processor(feed::engine& engine, std::function<void(const feed::derived_event&)> on_event,
                   std::function<void(const line_report&)> on_problem);

    // One line of the feed, without its newline. Blank lines are skipped.
    void process_line(std::string_view line);
    // Lines of the feed in order, as process_line would take them one by
    // one, with the same results. They are parsed in batches and each batch
    // is then applied: the parser's code, then the engine's, stay in the
    // instruction cache, which the two together overflow line by line
    // (docs/benchmarks.md, Pipeline).
    void process_lines(std::span<const std::string_view> lines);
    static constexpr std::size_t batch_lines = 64;

    const processing_totals& totals() const { return totals_; }
    // The summary printed at the end of `process` and `replay`.
    std::string summary() const;

private:
    feed::engine& engine_;
    frame_parser parser_;
    void apply_parsed(std::string_view line, parse_outcome& outcome);

    // Reused for every batch so that neither parsing nor applying allocates
    // per message once warm.
    std::vector<parse_outcome> outcomes_;
    feed::apply_result result_;
    std::function<void(const feed::derived_event&)> on_event_;
    std::function<void(const line_report&)> on_problem_;
    processing_totals totals_;
    std::string epoch_;
    std::uint64_t last_seq_ = 0;
};

}  // namespace splitstream::ingest
