#pragma once
// The publish server: the subscriber stream (`/v1/stream`), the HTTP API,
// health, metrics and static pages on one listening socket.
//
// Threading: everything runs on the one io_context passed in, which must be
// run by exactly one thread (the daemon's loop, shared with ingest and the
// engine). No locks; every call must be made on that thread. With
// server_options::threads > 1 the server also runs threads-1 threads of
// its own for the plain subscribers (publish/shard.hpp), fed from this one.
//
// Lifetime: call stop(), then let the io_context run until its work is done
// (sessions finish their close handshakes within close_timeout), then
// destroy the server. The provider and the registry must outlive every
// session.

#include <spdlog/logger.h>

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "base/metrics.hpp"
#include "base/net.hpp"
#include "feed/derived_event.hpp"
#include "publish/history.hpp"
#include "publish/server_options.hpp"
#include "publish/state_provider.hpp"

namespace boost::asio::ssl {
class context;
}

namespace splitstream::publish {

class hub;
class listener;
class publish_shard;

class server {
public:
    server(net::io_context& ioc, server_options options, state_provider& provider, metrics_registry& registry,
           std::shared_ptr<spdlog::logger> log);
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    // Loads TLS files when configured, binds and starts accepting. Throws
    // std::runtime_error naming the address (or the file) on failure.
    void start();

    // Publishes one derived event, in seq order: frames it once, retains it
    // for resume, and fans it out to matching subscribers at the end of this
    // loop turn. `received_mono_ns` is when the feed frame that caused it
    // arrived (std::chrono::steady_clock, ns); it feeds the end-to-end
    // latency histogram. The first overload uses "now".
    void publish(const feed::derived_event& ev);
    void publish(const feed::derived_event& ev, std::int64_t received_mono_ns);

    // The provider's epoch changed between events (not at one): drops the
    // history and closes the subscribers of the old epoch at once, so the
    // first event of the new one does not close those who joined it.
    void follow_epoch();

    // A node starting from another's saved state (docs/scale-out.md,
    // Snapshots): the derived events that node retained, oldest first, and
    // the head they lead to. Their subscribers resume from them as from
    // events published here.
    std::vector<history_entry> retained_events() const;
    void restore_history(std::span<const restored_event> events, std::uint64_t head);

    // Stops accepting, closes subscribers with 1001 "going away" and HTTP
    // connections. Idempotent.
    void stop();

    // The bound port (useful with listen_port 0). Valid after start().
    std::uint16_t port() const;
    std::size_t subscribers() const;
    // Open connections of every kind: 0 once everything has closed.
    std::size_t connections() const;

private:
    net::io_context& ioc_;
    std::shared_ptr<hub> hub_;
    std::unique_ptr<net::ssl::context> tls_;
    std::shared_ptr<listener> listener_;
    std::vector<std::unique_ptr<publish_shard>> shards_;
    std::uint16_t port_ = 0;
    bool stopped_ = false;
};

}  // namespace splitstream::publish
