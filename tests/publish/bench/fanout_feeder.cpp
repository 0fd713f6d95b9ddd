// Feeds the publish server straight from a fanout-bench `ws-listen://`
// publisher, for fan-out benchmarks before the daemon is wired: every text
// frame received becomes one derived event (its JSON is the frame, so the
// harness's timestamp key travels through), published with its receive
// time. Not a test; built by hand (see docs/benchmarks.md, "Fan-out").
//
//   fanout_feeder UPSTREAM_PORT LISTEN_PORT [QUEUE_MAX_BYTES]

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#include <iostream>

#include "base/metrics.hpp"
#include "base/net.hpp"
#include "publish/server.hpp"

namespace {

using namespace splitstream;

class bench_provider : public publish::state_provider {
public:
    std::uint64_t seq = 0;
    std::string epoch() const override { return "bench"; }
    std::uint64_t head() const override { return seq; }
    std::vector<std::string> event_ids() const override { return {}; }
    std::optional<std::string> snapshot_json(std::string_view) const override { return std::nullopt; }
    std::string events_json() const override { return "[]"; }
    bool ready() const override { return true; }
};

class upstream : public std::enable_shared_from_this<upstream> {
public:
    upstream(net::io_context& ioc, std::uint16_t port, publish::server& srv, bench_provider& p)
        : ioc_(ioc), port_(port), srv_(srv), provider_(p), retry_(ioc) {}

    void connect() {
        ws_ = std::make_unique<websocket::stream<beast::tcp_stream>>(ioc_);
        beast::get_lowest_layer(*ws_).async_connect(
            tcp::endpoint(net::ip::make_address("127.0.0.1"), port_),
            [self = shared_from_this()](beast::error_code ec) {
                if (ec) return self->retry();
                self->ws_->async_handshake("127.0.0.1", "/feed", [self](beast::error_code ec) {
                    if (ec) return self->retry();
                    std::cerr << "feeder: upstream connected\n";
                    self->read();
                });
            });
    }

private:
    void retry() {
        beast::error_code ignored;
        beast::get_lowest_layer(*ws_).socket().close(ignored);
        retry_.expires_after(std::chrono::milliseconds(200));
        retry_.async_wait([self = shared_from_this()](beast::error_code) { self->connect(); });
    }
    void read() {
        ws_->async_read(buf_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) {
                std::cerr << "feeder: upstream ended: " << ec.message() << "\n";
                return;
            }
            const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                 std::chrono::steady_clock::now().time_since_epoch())
                                 .count();
            feed::derived_event ev;
            ev.seq = ++self->provider_.seq;
            ev.type = feed::event_type::split;
            ev.event = "M1500-F";
            ev.json = beast::buffers_to_string(self->buf_.data());
            self->buf_.consume(self->buf_.size());
            self->srv_.publish(ev, now);
            self->read();
        });
    }

    net::io_context& ioc_;
    std::uint16_t port_;
    publish::server& srv_;
    bench_provider& provider_;
    std::unique_ptr<websocket::stream<beast::tcp_stream>> ws_;
    net::steady_timer retry_;
    beast::flat_buffer buf_;
};

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::cerr << "usage: fanout_feeder UPSTREAM_PORT LISTEN_PORT [QUEUE_MAX_BYTES]\n";
        return 2;
    }
    net::io_context ioc(1);
    bench_provider provider;
    metrics_registry registry;
    auto log = spdlog::stderr_color_mt("publish");
    log->set_level(spdlog::level::warn);
    publish::server_options opts{.listen_address = "127.0.0.1",
                                 .listen_port = static_cast<std::uint16_t>(std::atoi(argv[2])),
                                 .max_connections = 20'000};
    if (argc > 3) opts.queue_max_bytes = std::strtoull(argv[3], nullptr, 10);
    publish::server srv(ioc, opts, provider, registry, log);
    srv.start();
    auto up = std::make_shared<upstream>(ioc, static_cast<std::uint16_t>(std::atoi(argv[1])), srv, provider);
    up->connect();
    net::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](beast::error_code, int) {
        srv.stop();
        std::cerr << registry.render();
        ioc.stop();
    });
    ioc.run();
    return 0;
}
