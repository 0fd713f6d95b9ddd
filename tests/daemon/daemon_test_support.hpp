#pragma once
// What the daemon tests share: a service started on the test's io_context
// (quiet loggers, ephemeral ports, stopped and drained when dropped), a
// timing system that pushes frames, a minimal upstream that serves them,
// and the race events a bare engine makes of the same frames. The
// subscriber side is the publish tests' ws_client.

#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "daemon/service.hpp"
#include "feed/engine.hpp"
#include "ingest/frame_parser.hpp"
#include "tests/publish/test_support.hpp"
#include "tests/test_paths.hpp"

namespace splitstream::daemon::testing {

using namespace std::chrono_literals;
using publish::testing::http_get;
using publish::testing::run_until;
using publish::testing::ws_client;

inline constexpr const char* feed_token = "s3cret";

inline service_logs quiet_logs() {
    auto make = [](const char* name) {
        return std::make_shared<spdlog::logger>(name, std::make_shared<spdlog::sinks::null_sink_mt>());
    };
    return {make("main"), make("ingest"), make("publish"), make("replay")};
}

// Push ingest on 127.0.0.1 (any port), subscribers on 127.0.0.1 (any port),
// no pages, no journal; quick to stop.
inline service_options push_options() {
    service_options o;
    o.ingest.listen = ingest::listen_options{.address = "127.0.0.1", .port = 0, .token = feed_token};
    o.publish.listen_port = 0;
    o.publish.close_timeout = 500ms;
    return o;
}

// A service on `ioc`, started; stopped and drained (bounded) when dropped.
class running_service {
public:
    running_service(net::io_context& ioc, service_options options)
        : ioc_(ioc), service_(std::make_unique<service>(ioc, std::move(options), quiet_logs())) {
        const auto error = service_->start();
        EXPECT_EQ(error, std::nullopt) << *error;
    }
    ~running_service() { stop(); }
    running_service(const running_service&) = delete;
    running_service& operator=(const running_service&) = delete;

    void stop() {
        if (!service_) return;
        service_->stop();
        run_until(
            ioc_, [&] { return service_->connections() == 0; }, 3000ms);
        service_.reset();
    }
    service* operator->() const { return service_.get(); }
    tcp::endpoint feed_endpoint() const { return service_->feed_endpoint().value_or(tcp::endpoint{}); }

private:
    net::io_context& ioc_;
    std::unique_ptr<service> service_;
};

// The reference race's frames [from, to) (seq = index + 1).
inline std::vector<std::string> reference_frames(std::size_t from = 0, std::size_t to = SIZE_MAX) {
    const auto& all = test_paths::reference_feed_lines();
    to = std::min(to, all.size());
    return {all.begin() + static_cast<std::ptrdiff_t>(from), all.begin() + static_cast<std::ptrdiff_t>(to)};
}

// A derived event's JSON without its stream seq: what the same frames make
// in any stream, whatever feed events come between.
inline std::string without_seq(const std::string& json) {
    if (!json.starts_with("{\"seq\":")) return json;
    return "{" + json.substr(json.find(',') + 1);
}

// The race events a fresh engine derives from `frames`, without seqs.
inline std::vector<std::string> race_events(const std::vector<std::string>& frames) {
    ingest::frame_parser parser;
    feed::engine engine;
    std::vector<std::string> out;
    for (const auto& f : frames) {
        auto parsed = parser.parse(f);
        if (!parsed.ok()) continue;
        for (const auto& e : engine.apply(parsed.message()).events) out.push_back(without_seq(e.json));
    }
    return out;
}

// What a subscriber got of the race (not the feed-health events), without seqs.
inline std::vector<std::string> race_events_received(const ws_client& client) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < client.messages.size(); ++i) {
        const auto& type = client.parsed()[i].type;
        if (publish::testing::is_derived_type(type) && type != "feed")
            out.push_back(without_seq(client.messages[i]));
    }
    return out;
}

// A timing system that connects to the push listener and sends `frames`,
// then closes; `done` is set when it has (`failed` when it could not).
struct push_result {
    bool done = false;
    std::exception_ptr failed;
};

// With a `gap`, one frame every `gap`, as a race runs.
inline net::awaitable<void> push_frames(tcp::endpoint at, std::vector<std::string> frames,
                                        std::chrono::milliseconds gap = std::chrono::milliseconds(0)) {
    websocket::stream<beast::tcp_stream> ws(co_await net::this_coro::executor);
    beast::get_lowest_layer(ws).expires_after(2s);
    co_await beast::get_lowest_layer(ws).async_connect(at, net::use_awaitable);
    ws.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
        req.set(http::field::authorization, std::string("Bearer ") + feed_token);
    }));
    co_await ws.async_handshake("127.0.0.1", "/feed", net::use_awaitable);
    net::steady_timer timer(co_await net::this_coro::executor);
    for (const auto& f : frames) {
        beast::get_lowest_layer(ws).expires_after(10s);
        co_await ws.async_write(net::buffer(f), net::use_awaitable);
        if (gap.count() == 0) continue;
        timer.expires_after(gap);
        co_await timer.async_wait(net::use_awaitable);
    }
    co_await ws.async_close(websocket::close_code::normal, net::use_awaitable);
}

inline std::shared_ptr<push_result> push(net::io_context& ioc, tcp::endpoint at,
                                         std::vector<std::string> frames,
                                         std::chrono::milliseconds gap = std::chrono::milliseconds(0)) {
    auto result = std::make_shared<push_result>();
    net::co_spawn(ioc, push_frames(at, std::move(frames), gap), [result](std::exception_ptr e) {
        result->failed = e;
        result->done = true;
    });
    return result;
}

// A minimal upstream timing feed on 127.0.0.1: each connection gets the
// hello, then the frames after the `since=` it asked for, and is kept open
// until the client closes it.
class fake_upstream {
public:
    fake_upstream(net::io_context& ioc, std::vector<std::string> frames)
        : state_(std::make_shared<state>(ioc, std::move(frames))) {
        net::co_spawn(ioc, accept_loop(state_), net::detached);
    }
    ~fake_upstream() {
        beast::error_code ignored;
        state_->acceptor.close(ignored);
    }
    std::string url() const {
        return "ws://127.0.0.1:" + std::to_string(state_->acceptor.local_endpoint().port()) + "/feed";
    }
    const std::vector<std::string>& targets() const { return state_->targets; }

private:
    struct state {
        state(net::io_context& ioc, std::vector<std::string> f)
            : acceptor(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)), frames(std::move(f)) {}
        tcp::acceptor acceptor;
        std::vector<std::string> frames;  // frames[0] is the hello; frames[i] has seq i + 1
        std::vector<std::string> targets;
    };

    static net::awaitable<void> accept_loop(std::shared_ptr<state> s) {
        for (;;) {
            auto socket = co_await s->acceptor.async_accept(net::use_awaitable);
            net::co_spawn(s->acceptor.get_executor(), serve(s, std::move(socket)), net::detached);
        }
    }

    static net::awaitable<void> serve(std::shared_ptr<state> s, tcp::socket socket) {
        websocket::stream<beast::tcp_stream> ws(std::move(socket));
        beast::flat_buffer buffer;
        http::request<http::empty_body> req;
        co_await http::async_read(ws.next_layer(), buffer, req, net::use_awaitable);
        const std::string target(req.target());
        s->targets.push_back(target);
        std::size_t since = 0;
        if (auto at = target.find("since="); at != std::string::npos)
            since = std::stoull(target.substr(at + 6));
        co_await ws.async_accept(req, net::use_awaitable);
        co_await ws.async_write(net::buffer(s->frames.front()), net::use_awaitable);
        for (std::size_t i = std::max<std::size_t>(since, 1); i < s->frames.size(); ++i)
            co_await ws.async_write(net::buffer(s->frames[i]), net::use_awaitable);
        for (;;) {  // until the client closes
            beast::flat_buffer in;
            co_await ws.async_read(in, net::use_awaitable);
        }
    }

    std::shared_ptr<state> state_;
};

}  // namespace splitstream::daemon::testing
