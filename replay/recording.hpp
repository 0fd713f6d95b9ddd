#pragma once
// A recording: a timed list of timing-feed frames (PROTOCOL.md §1), what the
// feed server plays and the simulator generates. Also its loader (from JSON
// Lines or a journal) and the --from/--to cut. No Asio here: the simulator,
// which is pure, builds recordings with these types.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace splitstream::replay {

struct feed_frame {
    std::uint64_t seq = 0;
    std::int64_t offset_ms = 0;  // from the start of the recording, non-decreasing
    std::string type;
    std::string text;  // one JSON message, no newline
};

struct feed_recording {
    std::string feed = "splitstream";
    std::string epoch = "1";
    std::vector<feed_frame> frames;             // ascending seq
    std::optional<std::int64_t> first_unix_ms;  // wall clock of offset 0, when known
};

struct recording_result {
    std::optional<feed_recording> recording;
    std::string error;  // set when recording is empty
};

// Reads a recording from JSON Lines (one feed message per line; offsets from
// each line's `ts`) or from a journal (frames the daemon applied or recorded;
// offsets from their receive time). `feed` and `epoch` come from the first
// hello when there is one. Lines over max_frame_bytes, blank lines and lines
// that are not JSON objects with a `seq` are skipped and counted in `error`
// only when nothing usable remains.
recording_result load_recording(const std::string& path, std::size_t max_frame_bytes = 1 << 20);

// Keeps the frames with from_ms <= offset <= to_ms and shifts them to start
// at 0. Startlists, statuses and hellos before from_ms are kept (at offset
// 0) so that a consumer joining mid-race knows the events and their state.
feed_recording cut_recording(const feed_recording& rec, std::optional<std::int64_t> from_ms,
                             std::optional<std::int64_t> to_ms);

}  // namespace splitstream::replay
