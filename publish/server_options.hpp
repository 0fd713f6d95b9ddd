#pragma once
// Everything the publish server can be told, with its defaults. Parsed and
// validated in main (CLI flags and config file), passed in whole.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace splitstream::publish {

inline constexpr std::size_t mib = 1024 * 1024;

struct server_options {
    std::string listen_address = "127.0.0.1";
    std::uint16_t listen_port = 8080;  // 0: any free port (see server::port())

    // Retained history for `since=` resume: whichever limit is hit first.
    std::size_t history_max_events = 100'000;
    std::size_t history_max_bytes = 64 * mib;

    // Per subscriber: frames queued and not yet written. Over either limit
    // the subscriber is closed with 4008 (slow consumer).
    std::size_t queue_max_bytes = 8 * mib;
    std::size_t queue_max_messages = 65'536;

    // Corking: a fan-out starts no sooner than its predecessor's duration
    // after that one ended (so fan-out takes at most about half the loop),
    // and never later than this after the first event waiting for it. Under
    // light load every event goes out at once; under heavy load each
    // subscriber gets several frames per write instead of one syscall each.
    std::chrono::microseconds fanout_max_delay{20'000};
    // A fan-out's writes to plain subscribers go to the kernel in one
    // io_uring submission instead of one sendmsg each, where the kernel
    // allows io_uring (publish/send_ring.hpp). Off: one sendmsg each.
    bool fanout_io_uring = true;

    // Publish threads, the daemon's loop included: with more than one,
    // every plain live subscriber is served by one of threads-1 threads of
    // the server's own (publish/shard.hpp); TLS, delayed and overlay
    // subscribers stay on the loop. 1: everything on the loop.
    std::size_t threads = 1;

    // Broadcast delay: the longest `delay=` a subscriber may ask for (0: no
    // delayed subscribers). While delayed subscribers exist, the history
    // keeps at least this much time of events (within history_max_bytes),
    // and the snapshot timeline keeps checkpoints this far back.
    std::chrono::milliseconds max_delay{120'000};

    // Connections of every kind (HTTP and WebSocket); requests beyond get 503.
    std::size_t max_connections = 10'000;
    // Open connections from one remote address; requests beyond get 503.
    // 0: no limit (the default, since a reverse proxy is one address).
    std::size_t max_connections_per_address = 0;

    // WebSocket: a subscriber that sends nothing (not even a pong) for
    // idle_timeout is closed; the server pings every ping_interval.
    std::chrono::milliseconds idle_timeout{60'000};
    std::chrono::milliseconds ping_interval{20'000};
    // How long a closing subscriber gets to complete the close handshake.
    std::chrono::milliseconds close_timeout{2'000};
    // Largest message a subscriber may send.
    std::size_t read_message_max = 64 * 1024;
    // Most entries `events=`/`types=` (query or subscribe op) may name.
    std::size_t max_filter_entries = 1000;

    // HTTP: a whole request (headers and body) must arrive within
    // request_timeout, which also bounds keep-alive idleness; a response
    // must be written within write_timeout. Headers over request_header_max
    // get 431, a body over request_body_max 413.
    std::chrono::milliseconds request_timeout{10'000};
    std::chrono::milliseconds write_timeout{10'000};
    std::size_t request_header_max = 8 * 1024;
    std::size_t request_body_max = 16 * 1024;

    // Browser Origins allowed to open the stream and read the API; empty:
    // any. Requests without an Origin header (non-browser) are allowed.
    std::vector<std::string> allowed_origins{};

    // HS256 secret for subscriber tokens; empty: no token required.
    std::string jwt_secret{};

    // PEM files: both set turns on TLS (wss://, https://) for every connection.
    std::string tls_cert_file{};
    std::string tls_key_file{};

    // Static web pages (index.html, ticker.html, graphics.html, js/, css/);
    // empty: none served.
    std::string web_dir{};

    // SO_SNDBUF for subscriber sockets in bytes; 0 keeps the kernel's
    // auto-tuning. Smaller values make backpressure reach the queue sooner.
    int socket_send_buffer = 0;
};

}  // namespace splitstream::publish
