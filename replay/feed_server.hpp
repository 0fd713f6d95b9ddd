#pragma once
// The upstream feed server: serves a timed list of timing-feed frames
// (PROTOCOL.md §1) over WebSocket, as a live timing system would. Used by
// `splitstream sim --serve` and by the live player `splitstream replay FILE
// --serve`; any feed consumer can connect to it.
//
// Clock: one shared clock. The recording plays out on a single timeline
// that starts when the server starts, scaled by the speed factor; every
// client gets each frame when its time comes. A client that connects late
// first gets, at once, what was already played in the current loop (or,
// with `?since=N`, everything after N), then the live frames as they fall
// due. Each client keeps its own position, so a slow or resuming client
// never holds up the others.
//
// Protocol: on every connection the server first sends `hello` with its
// feed name and epoch, with `seq` = the last seq before the first frame it
// will send (so it never counts as a gap or a duplicate). Hello frames in
// the recording are replaced by that. `?since=N` (optional `&epoch=E`)
// resumes after N. Idle connections get a `heartbeat` every
// heartbeat_interval with the seq of the last frame sent. With loop, every
// pass is a new epoch (`<epoch>.2`, `.3`, ...) and seq starts again.
//
// Faults (for testing consumers) fire once per frame: on the first send of
// that frame to any client. A resend (after `since`, or to another client)
// is clean, so a consumer that resumes can recover everything.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/net.hpp"

namespace spdlog {
class logger;
}

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
recording_result parse_jsonl_recording(std::string_view text, std::size_t max_frame_bytes = 1 << 20);

// Keeps the frames with from_ms <= offset <= to_ms and shifts them to start
// at 0. Startlists, statuses and hellos before from_ms are kept (at offset
// 0) so that a consumer joining mid-race knows the events and their state.
feed_recording cut_recording(const feed_recording& rec, std::optional<std::int64_t> from_ms,
                             std::optional<std::int64_t> to_ms);

// Rewrites the first `"seq":N` of a frame.
std::string with_seq(std::string_view text, std::uint64_t seq);

struct silence_fault {
    std::uint64_t seq = 0;
    std::chrono::milliseconds duration{0};
};

// Which faults to inject. Rates are per frame, decided by a hash of
// (seed, seq, fault) so the same options fault the same frames every run.
struct fault_options {
    double drop_rate = 0;
    double dup_rate = 0;
    double reorder_rate = 0;
    double corrupt_rate = 0;
    std::vector<std::uint64_t> drop_at;
    std::vector<std::uint64_t> dup_at;
    std::vector<std::uint64_t> reorder_at;         // send this frame after the next one
    std::vector<std::uint64_t> corrupt_at;         // send invalid JSON instead
    std::vector<std::uint64_t> oversize_at;        // send it padded past 1 MiB instead
    std::vector<std::uint64_t> disconnect_at;      // drop the connection before it
    std::vector<silence_fault> silence_at;         // send nothing at all, heartbeats included
    std::optional<std::uint64_t> epoch_change_at;  // a new epoch starts here, seq from 1
    std::uint64_t seed = 1;

    bool any() const;
};

// The faults for the frame with this (original) seq.
struct fault_decision {
    bool drop = false;
    bool duplicate = false;
    bool reorder = false;
    bool corrupt = false;
    bool oversize = false;
    bool disconnect = false;
    std::chrono::milliseconds silence{0};
};
fault_decision decide_faults(const fault_options& f, std::uint64_t seq);

// Size of an oversized frame: just over ingest's 1 MiB limit.
inline constexpr std::size_t oversize_frame_bytes = (1u << 20) + 4096;

struct feed_server_options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;  // 0: any free port (see local_endpoint)
    double speed = 1.0;      // 0: as fast as possible
    bool loop = false;
    std::chrono::milliseconds loop_pause{2000};  // between passes when looping
    std::chrono::milliseconds heartbeat_interval{1000};
    // How long before a frame is due the server stops sleeping and watches
    // the clock, keeping one core busy for that stretch: a timer alone wakes
    // the thread late now and then (on a VM, by 7 ms and more at p99).
    // 0: timers only.
    std::chrono::microseconds spin_before_due{0};
    std::chrono::milliseconds handshake_timeout{5000};
    std::size_t max_clients = 256;
    fault_options faults;
};

// What the server did, for logs and tests. Read on the server's executor.
struct feed_server_stats {
    std::uint64_t connections = 0;
    std::uint64_t frames_sent = 0;
    std::uint64_t heartbeats_sent = 0;
    std::uint64_t faults_fired = 0;
};

// Owns the listening socket; sessions are owned by their pending operations.
// All work runs on the io_context given (one thread).
class feed_server {
public:
    feed_server(net::io_context& ioc, feed_recording recording, feed_server_options options,
                std::shared_ptr<spdlog::logger> log);
    ~feed_server();
    feed_server(const feed_server&) = delete;
    feed_server& operator=(const feed_server&) = delete;

    // Binds, listens and starts the clock. Errors (bad address, port in use)
    // come back as values.
    beast::error_code start();
    tcp::endpoint local_endpoint() const;
    // Stops accepting and closes every client ("going away").
    void stop();

    feed_server_stats stats() const;

    struct state;

private:
    std::shared_ptr<state> state_;
};

// The live player (`splitstream replay FILE --serve HOST:PORT`).
struct live_player_options {
    std::string path;  // JSON Lines feed or journal
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    double speed = 1.0;  // 0: max
    bool loop = false;
    // See feed_server_options: what holds the gaps to the recording's
    // within a few milliseconds at p99 (docs/benchmarks.md, Live player).
    std::chrono::microseconds spin_before_due{5000};
    std::optional<std::int64_t> from_ms;  // offset into the recording
    std::optional<std::int64_t> to_ms;
    fault_options faults;
    std::shared_ptr<spdlog::logger> log;  // null: a stderr logger named "replay"
};

// Loads the recording and serves it until SIGINT/SIGTERM (or, without loop,
// forever after the last frame, sending heartbeats). Returns the exit code:
// 0 after a signal, 1 when the file cannot be read or the address bound.
int run_live_player(const live_player_options& options);

// Serves a recording until SIGINT/SIGTERM; prints the URL on the logger.
int serve_until_signal(feed_recording recording, feed_server_options options,
                       std::shared_ptr<spdlog::logger> log);

// Parses a time for --from/--to: an offset ("90", "90.5", "1:30",
// "1:02:03") or an ISO 8601 UTC time, made relative to `first_unix_ms`.
std::optional<std::int64_t> parse_play_time(std::string_view text, std::optional<std::int64_t> first_unix_ms);

}  // namespace splitstream::replay
