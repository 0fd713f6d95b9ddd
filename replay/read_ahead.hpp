#pragma once
// Reads and parses journal records on a second thread, batches ahead of the
// caller, who applies them to the engine in order. Parsing is about half of
// replaying a record, so on a machine with two cores recovery and offline
// replay run nearly twice as fast; the engine still sees every record in
// journal order, on one thread, so the output is the same byte for byte.

#include <condition_variable>
#include <cstddef>
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

class read_ahead {
public:
    // `reader` and `parser` are used by the worker thread only, until
    // destruction; neither may be touched meanwhile.
    read_ahead(journal_reader& reader, ingest::frame_parser& parser);
    ~read_ahead();
    read_ahead(const read_ahead&) = delete;
    read_ahead& operator=(const read_ahead&) = delete;

    // The next records in journal order; empty once the reader stopped
    // (then reader.end() says why). Valid until the next call.
    std::span<parsed_record> next();

private:
    static constexpr std::size_t batch_records = 256;
    static constexpr std::size_t ring_batches = 4;

    void produce();

    journal_reader& reader_;
    ingest::frame_parser& parser_;
    std::vector<std::vector<parsed_record>> ring_;
    std::vector<std::size_t> filled_;  // records in each ring slot

    std::mutex mutex_;
    std::condition_variable changed_;
    std::size_t produced_ = 0;  // batches filled, ever
    std::size_t taken_ = 0;     // batches handed to the caller, ever
    std::size_t released_ = 0;  // batches the caller is done with, ever
    bool done_ = false;         // the producer made its last batch
    bool stopping_ = false;     // destruction: the producer must quit
    std::thread worker_;
};

}  // namespace splitstream::replay
