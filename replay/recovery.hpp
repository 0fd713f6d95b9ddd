#pragma once
// Crash recovery: rebuilds the engine's state and the derived-event history
// from a journal, so a restarted daemon continues the same stream (same
// epoch, same derived seqs) and resumes its upstream where it left off.
//
// The daemon journals each frame after the engine decided on it (applied or
// rejected) and each upstream-health notice when the engine sequenced it, in
// that order. Replaying those decisions through a fresh engine reproduces
// the same derived events, byte for byte, because the engine is pure.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "feed/derived_event.hpp"
#include "feed/engine.hpp"
#include "ingest/frame_parser.hpp"
#include "replay/journal_reader.hpp"

namespace splitstream::replay {

struct recovery_options {
    // Keep at most this many of the newest derived events (the size of the
    // daemon's history ring); 0 keeps all of them.
    std::size_t history_limit = 0;
};

struct recovery_counts {
    std::uint64_t applied = 0;     // frame_applied and frame_received records applied
    std::uint64_t rejected = 0;    // frame_rejected records, skipped
    std::uint64_t duplicates = 0;  // frame_duplicate records, skipped
    std::uint64_t notices = 0;     // notices reissued
    std::uint64_t inputs = 0;      // adapter_input records: audit only, nothing to apply
    // Frames journalled as applied that now fail to parse or are refused
    // by the engine: the journal and this build disagree. Never expected.
    std::uint64_t diverged = 0;
    // frame_received records the parser or engine refused (a recording
    // made with `splitstream record` is not filtered when written).
    std::uint64_t refused_received = 0;
};

struct recovery_result {
    std::string epoch;                        // the derived stream's epoch (journal header)
    std::vector<feed::derived_event> events;  // rebuilt history, oldest first
    std::uint64_t head = 0;                   // seq of the last derived event, 0 when none
    // Where to resume the upstream: the last applied feed seq and the feed
    // epoch of the last `hello` (ingest asks for `?since=<last_feed_seq>`).
    std::optional<std::uint64_t> last_feed_seq;
    std::string feed_epoch;
    recovery_counts counts;
    read_end end;  // where reading stopped: a torn tail is reported, not an error
    std::chrono::nanoseconds elapsed{0};
};

// Called for each derived event as it is rebuilt, before it is retained.
using derived_callback = std::function<void(const feed::derived_event&)>;
// Called for each frame record that is not applied: rejected, duplicate, or
// refused (received frames the parser or engine refused, diverged frames).
struct skipped_frame {
    const journal_record& record;
    std::optional<feed::rejection> refused;  // set when this replay refused it
};
using skipped_callback = std::function<void(const skipped_frame&)>;

struct replay_callbacks {
    derived_callback on_event;
    skipped_callback on_skipped;
};

// Re-applies the journal at `path` (with its rotated segments) to `engine`,
// which must be fresh (constructed with the options the daemon uses).
// Fails only when the journal cannot be opened; a torn or corrupt tail ends
// the replay there and is reported in `end`.
recovery_result recover(const std::filesystem::path& path, feed::engine& engine, ingest::frame_parser& parser,
                        const recovery_options& options, std::error_code& ec);

// The same replay, streaming: events go to the callbacks and none are
// retained (`events` stays empty). The offline player uses it.
recovery_result replay_journal(const std::filesystem::path& path, feed::engine& engine,
                               ingest::frame_parser& parser, const replay_callbacks& callbacks,
                               std::error_code& ec);

}  // namespace splitstream::replay
