#include "ingest/file_processor.hpp"

#include <algorithm>

namespace splitstream::ingest {

file_processor::file_processor(feed::engine& engine, std::function<void(const feed::derived_event&)> on_event,
                               std::function<void(const line_report&)> on_problem)
    : engine_(engine),
      outcomes_(batch_lines, parse_outcome{feed::rejection{}, std::nullopt}),
      on_event_(std::move(on_event)),
      on_problem_(std::move(on_problem)) {}

namespace {

bool blank(std::string_view line) {
    return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

}  // namespace

void file_processor::process_line(std::string_view line) {
    process_lines(std::span(&line, 1));
}

void file_processor::process_lines(std::span<const std::string_view> lines) {
    while (!lines.empty()) {
        const auto batch = lines.first(std::min(lines.size(), batch_lines));
        for (std::size_t k = 0; k < batch.size(); ++k)
            if (!blank(batch[k])) parser_.parse(batch[k], outcomes_[k]);
        for (std::size_t k = 0; k < batch.size(); ++k) {
            ++totals_.lines;
            if (!blank(batch[k])) apply_parsed(batch[k], outcomes_[k]);
        }
        lines = lines.subspan(batch.size());
    }
}

void file_processor::apply_parsed(std::string_view line, parse_outcome& outcome) {
    line_report report;
    report.line = totals_.lines;
    report.text = line;
    report.seq = outcome.seq;
    if (!outcome.ok()) {
        ++totals_.rejected;
        ++totals_.rejected_by_reason[static_cast<std::size_t>(outcome.rejected().reason)];
        report.rejected = outcome.rejected();
        on_problem_(report);
        return;
    }
    const auto& msg = outcome.message();
    // A recorded feed may carry the same message twice (an upstream that
    // resent after a reconnect); seq decides, as it does live. A hello
    // with a new epoch restarts the count; heartbeats repeat the last seq.
    if (msg.type() == feed::message_type::hello) {
        const auto& hello = std::get<feed::hello_msg>(msg.body);
        if (hello.epoch != epoch_) {
            epoch_ = hello.epoch;
            last_seq_ = 0;
        }
    } else if (msg.type() != feed::message_type::heartbeat) {
        if (msg.seq <= last_seq_) {
            ++totals_.duplicates;
            report.duplicate = true;
            on_problem_(report);
            return;
        }
        last_seq_ = msg.seq;
    }
    auto& result = result_;
    engine_.apply(msg, result);
    if (result.rejected) {
        ++totals_.rejected;
        ++totals_.rejected_by_reason[static_cast<std::size_t>(result.rejected->reason)];
        report.rejected = result.rejected;
        on_problem_(report);
    } else {
        ++totals_.applied;
    }
    for (const auto& e : result.events) {
        ++totals_.derived_by_type[static_cast<std::size_t>(e.type)];
        on_event_(e);
    }
}

std::string file_processor::summary() const {
    std::string out = "lines " + std::to_string(totals_.lines) + ", applied " +
                      std::to_string(totals_.applied) + ", duplicates " + std::to_string(totals_.duplicates) +
                      ", rejected " + std::to_string(totals_.rejected);
    for (int r = 0; r < feed::reject_reason_count; ++r)
        if (auto n = totals_.rejected_by_reason[static_cast<std::size_t>(r)])
            out += "\n  rejected " + std::string(feed::to_string(static_cast<feed::reject_reason>(r))) +
                   ": " + std::to_string(n);
    std::uint64_t derived = 0;
    for (auto n : totals_.derived_by_type) derived += n;
    out += "\nderived " + std::to_string(derived);
    for (int t = 0; t < feed::event_type_count; ++t)
        if (auto n = totals_.derived_by_type[static_cast<std::size_t>(t)])
            out += "\n  " + std::string(feed::to_string(static_cast<feed::event_type>(t))) + ": " +
                   std::to_string(n);
    return out;
}

}  // namespace splitstream::ingest
