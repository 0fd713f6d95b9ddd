#pragma once
// Reads and parses journal records on a second thread, batches ahead of the
// caller, who applies them to the engine in order. Parsing costs more than
// applying, so the caller does not just wait for the worker: when the batch
// it needs is not parsed yet, it parses the next batch that nobody has
// claimed, with a parser of its own. Both cores of a two-core machine stay
// busy, and the engine still sees every record in journal order, on one
// thread, so the output is the same byte for byte.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "ingest/frame_parser.hpp"
#include "replay/journal_reader.hpp"

namespace splitstream::replay {

struct parsed_record {
    journal_record record;
    // Set for the frame records whose bytes the caller needs parsed.
    bool parsed_here = false;
    ingest::parse_outcome parsed{feed::rejection{}, std::nullopt};
};

// Which records get parsed ahead: every frame record the engine may apply,
// and the refused ones the engine refused (their seq still counts).
bool needs_parse(const journal_record& r);

struct read_ahead_options {
    // Whether the worker parses too. With one core it only reads ahead: the
    // caller parses every batch, and the two threads do not take turns at
    // the parsing on the same core.
    bool worker_parses = std::thread::hardware_concurrency() != 1;
};

class read_ahead {
public:
    // `reader` and `parser` are used by the worker thread only, until
    // destruction; neither may be touched meanwhile. The caller's share of
    // the parsing uses a second parser with the same options.
    read_ahead(journal_reader& reader, ingest::frame_parser& parser, read_ahead_options options = {});
    ~read_ahead();
    read_ahead(const read_ahead&) = delete;
    read_ahead& operator=(const read_ahead&) = delete;

    // The next records in journal order; empty once the reader stopped
    // (then reader.end() says why). Valid until the next call.
    std::span<parsed_record> next();

    // Batches the caller parsed itself while it would have waited.
    std::uint64_t batches_parsed_by_caller() const { return caller_parsed_; }

private:
    static constexpr std::size_t batch_records = 256;
    static constexpr std::size_t ring_batches = 8;
    // Batches read but not yet claimed by a parser that the worker keeps in
    // hand, so that a waiting caller finds one to parse.
    static constexpr std::size_t unclaimed_goal = 2;

    // Of the batches in [taken_, produced_); a slot outside that range is
    // the caller's or being filled, and its state is not looked at.
    enum class slot_state : std::uint8_t { read, parsing, parsed };

    void produce();
    bool read_batch(std::size_t slot);  // false at the reader's end
    static void parse_batch(std::vector<parsed_record>& batch, std::size_t n, ingest::frame_parser& parser);
    // The oldest batch read but not claimed, or produced_ if none; called
    // under mutex_.
    std::size_t oldest_unclaimed() const;
    // Claims that batch and parses it with `parser`, the lock released
    // meanwhile; false when there was none.
    bool parse_unclaimed(std::unique_lock<std::mutex>& lock, ingest::frame_parser& parser);

    journal_reader& reader_;
    ingest::frame_parser& parser_;
    const read_ahead_options options_;
    ingest::frame_parser caller_parser_;
    std::vector<std::vector<parsed_record>> ring_;
    std::vector<std::size_t> filled_;  // records in each ring slot
    std::vector<slot_state> state_;

    std::mutex mutex_;
    std::condition_variable changed_;
    std::size_t produced_ = 0;  // batches read, ever
    std::size_t taken_ = 0;     // batches handed to the caller, ever
    std::size_t released_ = 0;  // batches the caller is done with, ever
    bool done_ = false;         // the reader gave its last batch
    bool stopping_ = false;     // destruction: the worker must quit
    std::uint64_t caller_parsed_ = 0;
    std::thread worker_;
};

}  // namespace splitstream::replay
