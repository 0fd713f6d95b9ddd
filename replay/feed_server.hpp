#pragma once
// The upstream feed server and its client sessions: serves a recording
// (replay/recording.hpp) over WebSocket, as a live timing system would. Used
// by `splitstream sim --serve` and by the live player `splitstream replay
// FILE --serve` (replay/live_player.hpp); any feed consumer can connect.
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
// Faults (for testing consumers, replay/fault_injection.hpp) fire once per
// frame: on the first send of that frame to any client. A resend (after
// `since`, or to another client) is clean, so a consumer that resumes can
// recover everything.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "base/net.hpp"
#include "replay/fault_injection.hpp"
#include "replay/recording.hpp"

namespace spdlog {
class logger;
}

namespace splitstream::replay {

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

}  // namespace splitstream::replay
