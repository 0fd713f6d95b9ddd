// Push ingest against a hostile or careless timing system, over real
// sockets on 127.0.0.1: frames that lie about their seq, refused upgrades
// that carry the token, idle sockets that take the slots. Whatever such a
// client does, the real feed is applied in order, health tells the truth,
// and the log neither floods nor shows a credential. Every wait is bounded.

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/metrics.hpp"
#include "base/net.hpp"
#include "ingest/feed_ingest.hpp"
#include "tests/test_paths.hpp"

namespace splitstream::ingest {
namespace {

using namespace std::chrono_literals;

constexpr std::uint64_t last_seq = 185;
constexpr auto feed_lines = &test_paths::reference_feed_lines;
const std::string token = "s3cret-feed-token";

std::vector<std::uint64_t> clean_seqs(std::uint64_t from = 1, std::uint64_t to = last_seq) {
    std::vector<std::uint64_t> out;
    for (auto s = from; s <= to; ++s) out.push_back(s);
    return out;
}

// Frames `from`..`to` (1-based seqs) of the reference feed.
std::vector<std::string> feed_frames(std::uint64_t from, std::uint64_t to) {
    return {feed_lines().begin() + static_cast<std::ptrdiff_t>(from - 1),
            feed_lines().begin() + static_cast<std::ptrdiff_t>(to)};
}

// A valid frame of the feed with its seq replaced.
std::string with_seq(std::uint64_t seq_in_feed, std::uint64_t new_seq) {
    auto line = feed_lines()[seq_in_feed - 1];
    const auto old = "\"seq\":" + std::to_string(seq_in_feed);
    return line.replace(line.find(old), old.size(), "\"seq\":" + std::to_string(new_seq));
}

struct recording_sink final : feed_sink {
    std::vector<std::uint64_t> applied;  // seqs of data messages and hellos, in order
    int rejected = 0;
    int disconnected = 0;

    void on_message(const received_frame&, const feed::feed_message& msg) override {
        if (msg.type() != feed::message_type::heartbeat) applied.push_back(msg.seq);
    }
    void on_rejected(const received_frame&, const feed::rejection&, std::optional<std::uint64_t>) override {
        ++rejected;
    }
    void on_notice(const feed::feed_notice& n) override { disconnected += n.state == "disconnected"; }
};

struct captured_log {
    std::ostringstream text;
    std::shared_ptr<spdlog::logger> logger = std::make_shared<spdlog::logger>(
        "ingest", std::make_shared<spdlog::sinks::ostream_sink_mt>(text, /*force_flush=*/true));

    int lines_with(std::string_view needle) const {
        std::istringstream in(text.str());
        int n = 0;
        for (std::string line; std::getline(in, line);) n += line.find(needle) != std::string::npos;
        return n;
    }
};

template <class Pred>
void run_until(net::io_context& ioc, Pred done, std::chrono::milliseconds bound = 5s) {
    const auto end = std::chrono::steady_clock::now() + bound;
    while (!done() && std::chrono::steady_clock::now() < end) ioc.run_for(5ms);
}

bool renders(const metrics_registry& m, const std::string& line) {
    return m.render().find(line + "\n") != std::string::npos;
}

// A push ingest on a free port with the tests' fast gap timings.
struct push_ingest {
    explicit push_ingest(listen_options listen = {}, std::chrono::milliseconds stall_after = 5s)
        : ingest(ioc.get_executor(),
                 ingest_options{
                     .listen = with_token(std::move(listen)),
                     .sequencing = {.hold_max = 1000, .gap_timeout = 50ms, .gap_retries = 3},
                     .stall_after = stall_after,
                 },
                 sink, metrics, log.logger) {
        EXPECT_EQ(ingest.start(), std::nullopt);
        at = *ingest.listen_endpoint();
    }

    static listen_options with_token(listen_options l) {
        l.address = "127.0.0.1";
        l.port = 0;
        l.token = token;
        return l;
    }

    net::io_context ioc;
    recording_sink sink;
    metrics_registry metrics;
    captured_log log;
    feed_ingest ingest;
    tcp::endpoint at;
};

// Pushes `batches` on one authenticated connection, pausing `pause` between
// batches, then closes.
net::awaitable<void> push_batches(tcp::endpoint at, std::vector<std::vector<std::string>> batches,
                                  std::chrono::milliseconds pause) {
    websocket::stream<beast::tcp_stream> ws(co_await net::this_coro::executor);
    beast::get_lowest_layer(ws).expires_after(2s);
    co_await beast::get_lowest_layer(ws).async_connect(at, net::use_awaitable);
    ws.set_option(websocket::stream_base::decorator(
        [](websocket::request_type& req) { req.set(http::field::authorization, "Bearer " + token); }));
    co_await ws.async_handshake("127.0.0.1", "/feed", net::use_awaitable);
    beast::get_lowest_layer(ws).expires_never();
    net::steady_timer timer(co_await net::this_coro::executor);
    for (std::size_t b = 0; b < batches.size(); ++b) {
        if (b > 0) {
            timer.expires_after(pause);
            co_await timer.async_wait(net::use_awaitable);
        }
        for (const auto& frame : batches[b]) co_await ws.async_write(net::buffer(frame), net::use_awaitable);
    }
    co_await ws.async_close(websocket::close_code::normal, net::use_awaitable);
}

// ---------------------------------------------------------------- sequencing

TEST(PushHostile, OneFrameWithAFarSeqDoesNotStallTheFeed) {
    push_ingest p;
    // The probe: a frame that is not a valid message but names a far seq,
    // and a valid one that jumps far ahead. Then a pause longer than every
    // gap timeout and retry, then the rest of the real feed.
    auto first = feed_frames(1, 50);
    first.push_back(R"({"seq":1000000000000})");
    first.push_back(with_seq(51, 1'000'000'000'000));
    std::exception_ptr failed;
    bool done = false;
    net::co_spawn(p.ioc, push_batches(p.at, {first, feed_frames(51, last_seq)}, 400ms),
                  [&](std::exception_ptr e) { failed = e, done = true; });
    run_until(p.ioc, [&] { return done && p.sink.disconnected == 1; });
    EXPECT_EQ(failed, nullptr);
    EXPECT_EQ(p.sink.applied, clean_seqs());
    EXPECT_EQ(p.sink.rejected, 1) << "the invalid frame is still reported";
    EXPECT_TRUE(renders(p.metrics, "ingest_seq_too_far_total 1"));
    EXPECT_TRUE(renders(p.metrics, "ingest_gaps_total 0"));
    EXPECT_TRUE(renders(p.metrics, "ingest_gaps_skipped_total 0"));
    EXPECT_EQ(p.log.lines_with("is more than 10000 ahead of seq 50: refused"), 1) << p.log.text.str();
    EXPECT_NE(p.ingest.health_json().find("\"feed_stalled\":false"), std::string::npos);
}

TEST(PushHostile, AFeedThatOnlyJumpsIsReportedStalledAndLoggedOncePerBurst) {
    push_ingest p({}, 200ms);
    std::vector<std::string> far;
    for (int i = 0; i < 30; ++i) far.push_back(with_seq(11, 50'000 + i));
    bool done = false;
    // 1..10, then 30 far frames spread over ~300 ms: longer than stall_after.
    std::vector<std::vector<std::string>> batches{feed_frames(1, 10)};
    for (const auto& f : far) batches.push_back({f});
    net::co_spawn(p.ioc, push_batches(p.at, batches, 10ms), [&](std::exception_ptr) { done = true; });
    run_until(p.ioc, [&] { return done && p.sink.disconnected == 1; });
    EXPECT_EQ(p.sink.applied, clean_seqs(1, 10));
    EXPECT_TRUE(renders(p.metrics, "ingest_seq_too_far_total 30"));
    EXPECT_NE(p.ingest.health_json().find("\"feed_stalled\":true"), std::string::npos)
        << p.ingest.health_json();
    EXPECT_EQ(p.log.lines_with("ahead of seq 10: refused"), 1) << "one line per burst: " << p.log.text.str();

    // The real feed going on ends the stall.
    done = false;
    net::co_spawn(p.ioc, push_batches(p.at, {feed_frames(11, 20)}, 0ms),
                  [&](std::exception_ptr) { done = true; });
    run_until(p.ioc, [&] { return done && p.sink.disconnected == 2; });
    EXPECT_EQ(p.sink.applied, clean_seqs(1, 20));
    EXPECT_NE(p.ingest.health_json().find("\"feed_stalled\":false"), std::string::npos)
        << p.ingest.health_json();
}

// Sends one raw HTTP request and reads the status line of the answer.
net::awaitable<void> raw_request(tcp::endpoint at, std::string request, unsigned& status) {
    beast::tcp_stream stream(co_await net::this_coro::executor);
    stream.expires_after(2s);
    co_await stream.async_connect(at, net::use_awaitable);
    co_await net::async_write(stream, net::buffer(request), net::use_awaitable);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    co_await http::async_read(stream, buffer, res, net::use_awaitable);
    status = res.result_int();
}

std::string upgrade_request(std::string_view target, std::string_view extra_headers = {}) {
    return "GET " + std::string(target) +
           " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
           "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
           std::string(extra_headers) + "\r\n";
}

// ---------------------------------------------------------------- slots

// Opens `n` sockets that send nothing, and keeps them open.
std::vector<std::unique_ptr<tcp::socket>> idle_sockets(net::io_context& ioc, tcp::endpoint at, int n) {
    std::vector<std::unique_ptr<tcp::socket>> out;
    for (int i = 0; i < n; ++i) {
        auto s = std::make_unique<tcp::socket>(ioc);
        s->connect(at);
        out.push_back(std::move(s));
    }
    ioc.run_for(50ms);  // the listener accepts them
    return out;
}

TEST(PushHostile, IdleUnauthenticatedSocketsDoNotKeepThePusherOut) {
    push_ingest p(listen_options{.max_connections = 4, .max_pending = 8});
    // More idle sockets than slots, and more than the pending bound.
    auto idle = idle_sockets(p.ioc, p.at, 20);
    std::exception_ptr failed;
    bool done = false;
    net::co_spawn(p.ioc, push_batches(p.at, {feed_frames(1, last_seq)}, 0ms),
                  [&](std::exception_ptr e) { failed = e, done = true; });
    run_until(
        p.ioc, [&] { return done && p.sink.disconnected == 1; }, 3s);
    EXPECT_EQ(failed, nullptr) << "the pusher was refused while idle sockets were open";
    EXPECT_EQ(p.sink.applied, clean_seqs());
}

TEST(PushHostile, SlotsAreCountedForAuthenticatedPushersOnly) {
    push_ingest p(listen_options{.max_connections = 1});
    // One authenticated pusher holds the only slot.
    websocket::stream<beast::tcp_stream> holder(p.ioc);
    bool held = false;
    auto hold = [&]() -> net::awaitable<void> {
        co_await beast::get_lowest_layer(holder).async_connect(p.at, net::use_awaitable);
        co_await holder.async_handshake("127.0.0.1", "/feed?token=" + token, net::use_awaitable);
        co_await holder.async_write(net::buffer(feed_lines()[0]), net::use_awaitable);
        held = true;
    };
    net::co_spawn(p.ioc, hold(), [](std::exception_ptr) {});
    run_until(p.ioc, [&] { return held; });
    ASSERT_TRUE(held);

    // A second authenticated pusher is refused 503; an unauthenticated one 401.
    unsigned second = 0, stranger = 0;
    int done = 0;
    net::co_spawn(p.ioc, raw_request(p.at, upgrade_request("/feed?token=" + token), second),
                  [&](std::exception_ptr) { ++done; });
    net::co_spawn(p.ioc, raw_request(p.at, upgrade_request("/feed?token=nope"), stranger),
                  [&](std::exception_ptr) { ++done; });
    run_until(p.ioc, [&] { return done == 2; });
    EXPECT_EQ(second, 503u);
    EXPECT_EQ(stranger, 401u);

    // Once the holder leaves, its slot is free again.
    beast::get_lowest_layer(holder).close();
    run_until(p.ioc, [&] { return p.sink.disconnected == 1; });
    bool pushed = false;
    std::exception_ptr failed;
    net::co_spawn(p.ioc, push_batches(p.at, {feed_frames(1, last_seq)}, 0ms),
                  [&](std::exception_ptr e) { failed = e, pushed = true; });
    run_until(p.ioc, [&] { return pushed && p.sink.disconnected == 2; });
    EXPECT_EQ(failed, nullptr);
    EXPECT_EQ(p.sink.applied, clean_seqs());
}

// ---------------------------------------------------------------- the log

TEST(PushHostile, RefusedRequestsNeverLogATokenAndLogOncePerBurst) {
    push_ingest p;
    std::vector<std::string> requests;
    // Wrong tokens of every form, and the right token on a request that is
    // not a WebSocket upgrade (refused 426): none may reach the log.
    for (int i = 0; i < 100; ++i)
        requests.push_back(upgrade_request("/feed?token=guess-" + std::to_string(i)));
    for (int i = 0; i < 50; ++i)
        requests.push_back(upgrade_request("/feed?x=1&access_token=guess-at-" + std::to_string(i)));
    for (int i = 0; i < 49; ++i)
        requests.push_back(
            upgrade_request("/feed", "Authorization: Bearer guess-hdr-" + std::to_string(i) + "\r\n"));
    requests.push_back("GET /feed?token=" + token + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    std::vector<unsigned> status(requests.size());
    std::size_t done = 0;
    for (std::size_t i = 0; i < requests.size(); ++i)
        net::co_spawn(p.ioc, raw_request(p.at, requests[i], status[i]), [&](std::exception_ptr) { ++done; });
    run_until(p.ioc, [&] { return done == requests.size(); });
    EXPECT_EQ(std::count(status.begin(), status.end(), 401u), 199);
    EXPECT_EQ(status.back(), 426u);
    const auto text = p.log.text.str();
    EXPECT_EQ(text.find("guess"), std::string::npos) << text;
    EXPECT_EQ(text.find(token), std::string::npos) << text;
    EXPECT_LE(p.log.lines_with("refused ("), 2) << "one line per burst, not one per request: " << text;
    EXPECT_GE(p.log.lines_with("refused ("), 1);
    // Logged or not, every refusal is counted.
    EXPECT_TRUE(renders(p.metrics, "ingest_push_refused_total{reason=\"unauthorized\"} 199"));
    EXPECT_TRUE(renders(p.metrics, "ingest_push_refused_total{reason=\"not_websocket\"} 1"));

    // After the interval the next refusal is logged with the count of those
    // that were not.
    std::this_thread::sleep_for(1100ms);
    unsigned last = 0;
    done = 0;
    net::co_spawn(p.ioc, raw_request(p.at, upgrade_request("/feed?token=guess-late"), last),
                  [&](std::exception_ptr) { ++done; });
    run_until(p.ioc, [&] { return done == 1; });
    EXPECT_EQ(last, 401u);
    EXPECT_NE(p.log.text.str().find("more refused since the last line)"), std::string::npos)
        << p.log.text.str();
    EXPECT_NE(p.log.text.str().find("/feed?token=***"), std::string::npos) << p.log.text.str();
}

}  // namespace
}  // namespace splitstream::ingest
