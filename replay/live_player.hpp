#pragma once
// The live players: a recording served by replay::feed_server on its own
// io_context until SIGINT/SIGTERM. `splitstream replay FILE --serve` plays a
// loaded recording with its original timing; `splitstream sim --serve`
// serves a generated one, with faults.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "replay/feed_server.hpp"
#include "replay/recording.hpp"

namespace spdlog {
class logger;
}

namespace splitstream::replay {

// The live player (`splitstream replay FILE --serve HOST:PORT`).
struct live_player_options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    double speed = 1.0;  // 0: max
    bool loop = false;
    // See feed_server_options: what holds the gaps to the recording's
    // within a few milliseconds at p99 (docs/benchmarks.md, Live player).
    std::chrono::microseconds spin_before_due{5000};
    std::optional<std::int64_t> from_ms;  // offset into the recording
    std::optional<std::int64_t> to_ms;
    std::shared_ptr<spdlog::logger> log;  // null: a stderr logger named "replay"
};

// Cuts the recording to from_ms..to_ms and serves it until SIGINT/SIGTERM
// (or, without loop, forever after the last frame, sending heartbeats).
// Returns the exit code: 0 after a signal, 1 when the address cannot be
// bound.
int run_live_player(const feed_recording& recording, const live_player_options& options);

// Serves a recording until SIGINT/SIGTERM; prints the URL on the logger.
int serve_until_signal(feed_recording recording, feed_server_options options,
                       std::shared_ptr<spdlog::logger> log);

// A stderr logger named "replay", as the live player logs when given none.
std::shared_ptr<spdlog::logger> make_live_player_logger();

}  // namespace splitstream::replay
