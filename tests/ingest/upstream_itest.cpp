// feed_ingest over real sockets on 127.0.0.1: a test upstream (written
// below, on the same io_context) serves the Budapest 1500 m feed, honours
// `?since=`, and injects faults. Whatever the fault, the messages the sink
// gets are the clean feed, in order, each seq once.

#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
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

const std::string& line_of(std::uint64_t seq) {
    return feed_lines().at(seq - 1);
}

std::vector<std::uint64_t> clean_seqs(std::uint64_t from = 1, std::uint64_t to = last_seq) {
    std::vector<std::uint64_t> out;
    for (auto s = from; s <= to; ++s) out.push_back(s);
    return out;
}

// ---------------------------------------------------------------- test upstream

struct upstream_conn {
    explicit upstream_conn(tcp::socket socket) : ws(std::move(socket)) {}

    websocket::stream<beast::tcp_stream> ws;
    int index = 0;                       // 0 for the first connection, 1 for the next, ...
    std::optional<std::uint64_t> since;  // from the handshake's query

    net::awaitable<void> send(std::string text) {
        co_await ws.async_write(net::buffer(text), net::use_awaitable);
    }
    // The hello, then seqs from..to except those `skip` names.
    net::awaitable<void> send_range(std::uint64_t from, std::uint64_t to,
                                    std::function<bool(std::uint64_t)> skip = {}) {
        for (auto seq = from; seq <= to; ++seq)
            if (!skip || !skip(seq)) co_await send(line_of(seq));
    }
    // What an upstream that honours since sends on a new connection.
    net::awaitable<void> serve_rest(std::function<bool(std::uint64_t)> skip = {}) {
        co_await send(line_of(1));
        co_await send_range(since ? *since + 1 : 2, last_seq, std::move(skip));
    }
    // Reads until the client goes away; the close code it sent, if any.
    net::awaitable<std::optional<std::uint16_t>> wait_closed() {
        beast::flat_buffer buffer;
        for (;;) {
            beast::error_code ec;
            co_await ws.async_read(buffer, net::redirect_error(net::use_awaitable, ec));
            if (ec) {
                // The code of a close frame received, even when answering it
                // failed because the peer had already gone.
                if (ws.reason().code != websocket::close_code::none) co_return ws.reason().code;
                co_return std::nullopt;
            }
            buffer.clear();
        }
    }
    void drop() {
        beast::error_code ignored;
        beast::get_lowest_layer(ws).socket().close(ignored);
    }
};

using script = std::function<net::awaitable<void>(std::shared_ptr<upstream_conn>)>;

class test_upstream {
public:
    test_upstream(net::io_context& ioc, script s) : state_(std::make_shared<state>(ioc, std::move(s))) {
        net::co_spawn(ioc, accept_loop(state_), net::detached);
    }
    ~test_upstream() {
        beast::error_code ignored;
        state_->acceptor.close(ignored);
    }
    std::string url() const {
        return "ws://127.0.0.1:" + std::to_string(state_->acceptor.local_endpoint().port()) + "/feed";
    }
    const std::vector<std::string>& targets() const { return state_->targets; }
    const std::vector<std::chrono::steady_clock::time_point>& accept_times() const {
        return state_->accepted;
    }
    // Handshake requests refused before the WebSocket upgrade (first n).
    void refuse_first(int n) { state_->refuse = n; }
    std::string authorization(std::size_t i) const { return state_->authorizations.at(i); }

private:
    struct state {
        state(net::io_context& ioc, script s)
            : acceptor(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)), run(std::move(s)) {}
        tcp::acceptor acceptor;
        script run;
        std::vector<std::string> targets;
        std::vector<std::string> authorizations;
        std::vector<std::chrono::steady_clock::time_point> accepted;
        int refuse = 0;
    };

    static net::awaitable<void> accept_loop(std::shared_ptr<state> s) {
        for (;;) {
            auto socket = co_await s->acceptor.async_accept(net::use_awaitable);
            s->accepted.push_back(std::chrono::steady_clock::now());
            net::co_spawn(s->acceptor.get_executor(), serve(s, std::move(socket)), net::detached);
        }
    }

    static net::awaitable<void> serve(std::shared_ptr<state> s, tcp::socket socket) {
        const int index = static_cast<int>(s->accepted.size()) - 1;
        if (index < s->refuse) {
            socket.close();  // before any handshake: the client backs off
            co_return;
        }
        auto conn = std::make_shared<upstream_conn>(std::move(socket));
        conn->index = index - s->refuse;
        beast::flat_buffer buffer;
        http::request<http::empty_body> req;
        co_await http::async_read(conn->ws.next_layer(), buffer, req, net::use_awaitable);
        const std::string target(req.target());
        s->targets.push_back(target);
        s->authorizations.emplace_back(req[http::field::authorization]);
        if (auto at = target.find("since="); at != std::string::npos)
            conn->since = std::stoull(target.substr(at + 6));
        co_await conn->ws.async_accept(req, net::use_awaitable);
        co_await s->run(conn);
    }

    std::shared_ptr<state> state_;
};

// ---------------------------------------------------------------- recording sink

struct recording_sink final : feed_sink {
    std::vector<std::uint64_t> applied;  // seqs of data messages and hellos, in order
    std::vector<std::string> epochs;     // of applied hellos
    std::vector<int> lines;              // line of each applied message
    std::vector<feed::reject_reason> rejected;
    std::vector<feed::feed_notice> notices;
    bool times_ok = true;

    void on_message(const received_frame& frame, const feed::feed_message& msg) override {
        if (frame.wall_ns <= 0 || frame.mono_ns <= 0 || frame.bytes.empty()) times_ok = false;
        if (msg.type() == feed::message_type::heartbeat) return;
        if (msg.type() == feed::message_type::hello)
            epochs.push_back(std::get<feed::hello_msg>(msg.body).epoch);
        applied.push_back(msg.seq);
        lines.push_back(frame.line);
    }
    void on_rejected(const received_frame&, const feed::rejection& why,
                     std::optional<std::uint64_t>) override {
        rejected.push_back(why.reason);
    }
    void on_notice(const feed::feed_notice& n) override { notices.push_back(n); }

    int count(std::string_view state) const {
        int n = 0;
        for (const auto& x : notices) n += x.state == state;
        return n;
    }
    // The value of an integer detail of the first notice in `state`.
    std::optional<std::int64_t> detail(std::string_view state, std::string_view key) const {
        for (const auto& x : notices) {
            if (x.state != state) continue;
            for (const auto& [k, v] : x.details)
                if (k == key && std::holds_alternative<std::int64_t>(v)) return std::get<std::int64_t>(v);
        }
        return std::nullopt;
    }
    bool done() const { return !applied.empty() && applied.back() == last_seq; }
};

// Log lines kept for assertions.
struct captured_log {
    std::ostringstream text;
    std::shared_ptr<spdlog::logger> logger = std::make_shared<spdlog::logger>(
        "ingest", std::make_shared<spdlog::sinks::ostream_sink_mt>(text, /*force_flush=*/true));
};

std::shared_ptr<spdlog::logger> quiet_logger() {
    return std::make_shared<spdlog::logger>("ingest", std::make_shared<spdlog::sinks::null_sink_mt>());
}

upstream_options fast_upstream(std::string url) {
    return upstream_options{
        .url = std::move(url),
        .read_message_max = 64 * 1024,
        .connect_timeout = 500ms,
        .handshake_timeout = 500ms,
        .stale_after = 2s,
        .reconnect = {.initial = 5ms, .cap = 40ms, .multiplier = 2.0, .jitter = 0.0},
    };
}

ingest_options fast_options(std::vector<upstream_options> ups) {
    return ingest_options{
        .upstreams = std::move(ups),
        .listen = std::nullopt,
        .sequencing = {.hold_max = 1000, .gap_timeout = 50ms, .gap_retries = 3},
    };
}

// Runs the loop in short slices until `done` or the bound.
template <class Pred>
void run_until(net::io_context& ioc, Pred done, std::chrono::milliseconds bound = 5s) {
    const auto end = std::chrono::steady_clock::now() + bound;
    while (!done() && std::chrono::steady_clock::now() < end) ioc.run_for(5ms);
}

// The whole feed from one upstream line, at the tests' fast timings.
struct one_line_ingest {
    one_line_ingest(net::io_context& ioc, const std::string& url)
        : ioc(ioc),
          ingest(ioc.get_executor(), fast_options({fast_upstream(url)}), sink, metrics, quiet_logger()) {}

    // Starts, then runs the loop until every frame is applied (or the bound).
    void to_end() {
        ASSERT_EQ(ingest.start(), std::nullopt);
        run_until(ioc, [&] { return sink.done(); });
    }

    net::io_context& ioc;
    recording_sink sink;
    metrics_registry metrics;
    feed_ingest ingest;
};

bool renders(const metrics_registry& m, const std::string& line) {
    return m.render().find(line + "\n") != std::string::npos;
}

// ---------------------------------------------------------------- tests

TEST(UpstreamIngest, CleanFeedIsAppliedInOrderWithReceiveTimes) {
    net::io_context ioc;
    test_upstream up(ioc, [](auto c) -> net::awaitable<void> {
        co_await c->serve_rest();
        co_await c->wait_closed();
    });
    one_line_ingest run(ioc, up.url());
    run.to_end();

    EXPECT_EQ(run.sink.applied, clean_seqs());
    EXPECT_TRUE(run.sink.times_ok);
    EXPECT_EQ(run.sink.count("connected"), 1);
    EXPECT_EQ(run.sink.count("resumed"), 0) << "nothing to resume on the first connection";
    EXPECT_EQ(up.targets(), std::vector<std::string>{"/feed"});
    EXPECT_TRUE(renders(run.metrics, "ingest_frames_total{line=\"A\"} 185"));
    EXPECT_TRUE(renders(run.metrics, "ingest_connected{line=\"A\"} 1"));
}

TEST(UpstreamIngest, DroppedConnectionResumesWithSinceAndLosesNothing) {
    net::io_context ioc;
    test_upstream up(ioc, [](auto c) -> net::awaitable<void> {
        if (c->index == 0) {
            co_await c->send_range(1, 60);
            c->drop();
            co_return;
        }
        co_await c->serve_rest();
        co_await c->wait_closed();
    });
    one_line_ingest run(ioc, up.url());
    run.to_end();

    EXPECT_EQ(run.sink.applied, clean_seqs());
    EXPECT_EQ(up.targets(), (std::vector<std::string>{"/feed", "/feed?since=60"}));
    EXPECT_EQ(run.sink.count("disconnected"), 1);
    EXPECT_EQ(run.sink.count("connected"), 2);
    EXPECT_EQ(run.sink.detail("resumed", "since"), 60);
    EXPECT_TRUE(renders(run.metrics, "ingest_reconnects_total{line=\"A\"} 1"));
}

TEST(UpstreamIngest, DuplicatesAreDroppedAndSkippedSeqsWaitForTheirResend) {
    net::io_context ioc;
    test_upstream up(ioc, [](auto c) -> net::awaitable<void> {
        co_await c->send_range(1, 10);
        co_await c->send_range(9, 10);   // duplicates
        co_await c->send_range(13, 14);  // 11 and 12 skipped...
        co_await c->send_range(11, 12);  // ...then resent
        co_await c->send_range(15, last_seq);
        co_await c->wait_closed();
    });
    one_line_ingest run(ioc, up.url());
    run.to_end();

    EXPECT_EQ(run.sink.applied, clean_seqs());
    EXPECT_EQ(run.sink.count("gap"), 1);
    EXPECT_EQ(run.sink.detail("gap", "from"), 11);
    EXPECT_EQ(run.sink.detail("gap", "to"), 12);
    EXPECT_EQ(up.targets().size(), 1u) << "a gap filled in time needs no reconnect";
    EXPECT_TRUE(renders(run.metrics, "ingest_duplicates_total{line=\"A\"} 2"));
    EXPECT_TRUE(renders(run.metrics, "ingest_gaps_total 1"));
}

TEST(UpstreamIngest, GapNotFilledInTimeResumesFromTheLastAppliedSeq) {
    net::io_context ioc;
    test_upstream up(ioc, [](auto c) -> net::awaitable<void> {
        if (c->index == 0) {
            co_await c->send_range(1, 40, [](auto seq) { return seq == 21; });
            co_await c->wait_closed();  // 21 never comes on this connection
            co_return;
        }
        co_await c->serve_rest();
        co_await c->wait_closed();
    });
    one_line_ingest run(ioc, up.url());
    run.to_end();

    EXPECT_EQ(run.sink.applied, clean_seqs());
    EXPECT_EQ(run.sink.detail("gap", "from"), 21);
    EXPECT_EQ(run.sink.detail("gap", "to"), 21);
    ASSERT_EQ(up.targets().size(), 2u);
    EXPECT_EQ(up.targets()[1], "/feed?since=20");
    EXPECT_EQ(run.sink.detail("resumed", "since"), 20);
    EXPECT_TRUE(renders(run.metrics, "ingest_gap_timeouts_total 1"));
}

TEST(UpstreamIngest, NewEpochIsAnnouncedAndTheRestartedFeedApplied) {
    net::io_context ioc;
    test_upstream up(ioc, [](auto c) -> net::awaitable<void> {
        if (c->index == 0) {
            co_await c->send_range(1, 50);
            c->drop();
            co_return;
        }
        // The upstream restarted: new epoch, seq from 1 again, since ignored.
        std::string hello = line_of(1);
        const std::string old_epoch = "budapest-2023-men-1500m-final-1";
        hello.replace(hello.find(old_epoch), old_epoch.size(), "restarted-2");
        co_await c->send(hello);
        co_await c->send_range(2, last_seq);
        co_await c->wait_closed();
    });
    recording_sink sink;
    metrics_registry metrics;
    feed_ingest ingest(ioc.get_executor(), fast_options({fast_upstream(up.url())}), sink, metrics,
                       quiet_logger());
    ASSERT_EQ(ingest.start(), std::nullopt);
    run_until(ioc, [&] { return sink.applied.size() == 50 + last_seq; });

    auto expected = clean_seqs(1, 50);
    for (auto s : clean_seqs()) expected.push_back(s);
    EXPECT_EQ(sink.applied, expected);
    EXPECT_EQ(sink.epochs, (std::vector<std::string>{"budapest-2023-men-1500m-final-1", "restarted-2"}));
    EXPECT_EQ(sink.count("epoch"), 1);
    EXPECT_EQ(sink.count("gap"), 0);
    EXPECT_TRUE(renders(metrics, "ingest_duplicates_total{line=\"A\"} 0"));
}

TEST(UpstreamIngest, GarbageIsRejectedAndAnOversizedFrameClosesWith1009) {
    net::io_context ioc;
    auto close_code = std::make_shared<std::optional<std::uint16_t>>();
    test_upstream up(ioc, [close_code](auto c) -> net::awaitable<void> {
        if (c->index == 0) {
            co_await c->send_range(1, 30);
            co_await c->send("{{{ not json");
            co_await c->send(R"({"seq":31,"type":"teleport","ts":"2023-08-23T19:16:13.606Z"})");
            co_await c->send_range(31, 80);
            co_await c->send(std::string(100 * 1024, ' '));
            *close_code = co_await c->wait_closed();
            co_return;
        }
        co_await c->serve_rest();
        co_await c->wait_closed();
    });
    recording_sink sink;
    metrics_registry metrics;
    captured_log log;
    feed_ingest ingest(ioc.get_executor(), fast_options({fast_upstream(up.url())}), sink, metrics,
                       log.logger);
    ASSERT_EQ(ingest.start(), std::nullopt);
    run_until(ioc, [&] { return sink.done(); });

    // The refused seq 31 takes its place; the real 31 is then a duplicate.
    auto expected = clean_seqs(1, 30);
    for (auto s : clean_seqs(32)) expected.push_back(s);
    EXPECT_EQ(sink.applied, expected);
    EXPECT_EQ(sink.rejected, (std::vector<feed::reject_reason>{feed::reject_reason::invalid_json,
                                                               feed::reject_reason::unknown_type}));
    EXPECT_EQ(*close_code, std::optional<std::uint16_t>(1009))
        << "the upstream is told why (message too big)";
    ASSERT_EQ(up.targets().size(), 2u);
    EXPECT_EQ(up.targets()[1], "/feed?since=80");
    EXPECT_EQ(sink.count("disconnected"), 1);
    EXPECT_TRUE(renders(metrics, "ingest_oversize_closes_total{line=\"A\"} 1"));
    EXPECT_TRUE(renders(metrics, "ingest_rejected_total{reason=\"invalid_json\"} 1"));
    EXPECT_TRUE(renders(metrics, "ingest_rejected_total{reason=\"unknown_type\"} 1"));
    EXPECT_NE(log.text.str().find("upstream A: frame over 65536 bytes, closed with 1009"), std::string::npos)
        << log.text.str();
}

TEST(UpstreamIngest, TheFrameLimitIsOneMebibyteByDefault) {
    EXPECT_EQ(upstream_options{}.read_message_max, std::size_t{1} << 20);
    EXPECT_EQ(listen_options{}.read_message_max, std::size_t{1} << 20);
}

TEST(UpstreamIngest, SilentUpstreamIsStaleAndReplaced) {
    net::io_context ioc;
    test_upstream up(ioc, [](auto c) -> net::awaitable<void> {
        if (c->index == 0) {
            co_await c->send_range(1, 40);
            co_await c->wait_closed();  // silent, connection open
            co_return;
        }
        co_await c->serve_rest();
        co_await c->wait_closed();
    });
    recording_sink sink;
    metrics_registry metrics;
    auto options = fast_upstream(up.url());
    options.stale_after = 100ms;
    feed_ingest ingest(ioc.get_executor(), fast_options({options}), sink, metrics, quiet_logger());
    ASSERT_EQ(ingest.start(), std::nullopt);
    const auto started = std::chrono::steady_clock::now();
    run_until(ioc, [&] { return sink.done(); });

    EXPECT_EQ(sink.applied, clean_seqs());
    EXPECT_EQ(sink.count("stale"), 1);
    EXPECT_GE(sink.detail("stale", "silent_ms").value_or(0), 100);
    EXPECT_GE(std::chrono::steady_clock::now() - started, 100ms);
    ASSERT_EQ(up.targets().size(), 2u);
    EXPECT_EQ(up.targets()[1], "/feed?since=40");
    EXPECT_TRUE(renders(metrics, "ingest_stale_total{line=\"A\"} 1"));
}

TEST(UpstreamIngest, ReconnectsBackOffExponentiallyUpToTheCap) {
    net::io_context ioc;
    test_upstream up(ioc, [](auto c) -> net::awaitable<void> {
        co_await c->serve_rest();
        co_await c->wait_closed();
    });
    up.refuse_first(4);
    recording_sink sink;
    metrics_registry metrics;
    auto options = fast_upstream(up.url());
    options.reconnect = {.initial = 10ms, .cap = 30ms, .multiplier = 2.0, .jitter = 0.0};
    feed_ingest ingest(ioc.get_executor(), fast_options({options}), sink, metrics, quiet_logger());
    ASSERT_EQ(ingest.start(), std::nullopt);
    run_until(ioc, [&] { return sink.done(); });

    EXPECT_EQ(sink.applied, clean_seqs());
    const auto& at = up.accept_times();
    ASSERT_EQ(at.size(), 5u);
    // Waits of 10, 20, 30 (capped), 30 ms between the attempts.
    const std::chrono::milliseconds waits[] = {10ms, 20ms, 30ms, 30ms};
    for (std::size_t i = 0; i < 4; ++i) EXPECT_GE(at[i + 1] - at[i], waits[i]) << "attempt " << i + 1;
    EXPECT_TRUE(renders(metrics, "ingest_reconnects_total{line=\"A\"} 4"));
    EXPECT_EQ(sink.count("disconnected"), 0) << "no connection was ever up before the last";
}

TEST(UpstreamIngest, TokenAndExtraHeaderAreSentToTheUpstream) {
    net::io_context ioc;
    test_upstream up(ioc, [](auto c) -> net::awaitable<void> {
        co_await c->serve_rest();
        co_await c->wait_closed();
    });
    recording_sink sink;
    metrics_registry metrics;
    auto options = fast_upstream(up.url());
    options.bearer_token = "tok-123";
    feed_ingest ingest(ioc.get_executor(), fast_options({options}), sink, metrics, quiet_logger());
    ASSERT_EQ(ingest.start(), std::nullopt);
    run_until(ioc, [&] { return sink.done(); });
    EXPECT_EQ(up.authorization(0), "Bearer tok-123");
}

TEST(UpstreamIngest, ATokenInTheUrlNeverReachesTheLog) {
    net::io_context ioc;
    // Nothing listens there: every attempt fails and is logged with the URL.
    tcp::acceptor closed(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    const auto port = closed.local_endpoint().port();
    closed.close();
    recording_sink sink;
    metrics_registry metrics;
    captured_log log;
    auto options = fast_options(
        {fast_upstream("ws://127.0.0.1:" + std::to_string(port) + "/feed?token=up-s3cret&since=0")});
    feed_ingest ingest(ioc.get_executor(), options, sink, metrics, log.logger);
    ASSERT_EQ(ingest.start(), std::nullopt);
    run_until(ioc, [&] { return sink.count("connect_failed") >= 1; });
    ingest.stop();
    const auto text = log.text.str();
    EXPECT_NE(text.find("/feed?token=***&since=0"), std::string::npos) << text;
    EXPECT_EQ(text.find("up-s3cret"), std::string::npos) << text;
}

TEST(UpstreamIngest, BadOptionsAreReportedByStart) {
    net::io_context ioc;
    recording_sink sink;
    metrics_registry metrics;
    feed_ingest bad_url(ioc.get_executor(), fast_options({fast_upstream("http://127.0.0.1:1/")}), sink,
                        metrics, quiet_logger());
    EXPECT_NE(bad_url.start(), std::nullopt);
    auto tls = fast_upstream("wss://127.0.0.1:1/");
    tls.ca_file = "/nonexistent/ca.pem";
    feed_ingest bad_ca(ioc.get_executor(), fast_options({tls}), sink, metrics, quiet_logger());
    EXPECT_NE(bad_ca.start(), std::nullopt);
}

TEST(FeedArbitration, TwoLinesEachLosingDifferentMessagesGiveTheCleanFeed) {
    net::io_context ioc;
    test_upstream a(ioc, [](auto c) -> net::awaitable<void> {
        co_await c->serve_rest([](auto seq) { return seq % 7 == 0; });
        co_await c->wait_closed();
    });
    test_upstream b(ioc, [](auto c) -> net::awaitable<void> {
        co_await c->serve_rest([](auto seq) { return seq % 5 == 0 && seq % 7 != 0; });
        co_await c->wait_closed();
    });
    recording_sink sink;
    metrics_registry metrics;
    auto options = fast_options({fast_upstream(a.url()), fast_upstream(b.url())});
    options.sequencing.gap_timeout = 2s;  // only the other line may fill a gap here
    feed_ingest ingest(ioc.get_executor(), options, sink, metrics, quiet_logger());
    ASSERT_EQ(ingest.start(), std::nullopt);
    run_until(ioc, [&] { return sink.done(); });

    EXPECT_EQ(sink.applied, clean_seqs());
    EXPECT_EQ(a.targets().size(), 1u);
    EXPECT_EQ(b.targets().size(), 1u);
    const auto firsts = ingest.sequencing().first_deliveries(0) + ingest.sequencing().first_deliveries(1);
    EXPECT_EQ(firsts, last_seq - 1) << "every seq after the hello is delivered first by exactly one line";
    EXPECT_GE(ingest.sequencing().first_deliveries(1), 26u) << "B alone had the multiples of 7";
    for (std::size_t i = 0; i < sink.applied.size(); ++i) {
        const auto seq = sink.applied[i];
        if (seq % 7 == 0) {
            EXPECT_EQ(sink.lines[i], 1) << seq;
        }
        if (seq % 5 == 0 && seq % 7 != 0) {
            EXPECT_EQ(sink.lines[i], 0) << seq;
        }
    }
    EXPECT_TRUE(renders(metrics, "ingest_gap_timeouts_total 0"));
}

TEST(FeedArbitration, LosingOneLineLosesNothing) {
    net::io_context ioc;
    test_upstream a(ioc, [](auto c) -> net::awaitable<void> {
        if (c->index == 0) {
            co_await c->send_range(1, 20);
            c->drop();
            co_return;
        }
        co_await c->wait_closed();  // A is back but has nothing to say
    });
    test_upstream b(ioc, [](auto c) -> net::awaitable<void> {
        co_await c->serve_rest();
        co_await c->wait_closed();
    });
    recording_sink sink;
    metrics_registry metrics;
    feed_ingest ingest(ioc.get_executor(), fast_options({fast_upstream(a.url()), fast_upstream(b.url())}),
                       sink, metrics, quiet_logger());
    ASSERT_EQ(ingest.start(), std::nullopt);
    run_until(ioc, [&] { return sink.done(); });
    EXPECT_EQ(sink.applied, clean_seqs());
}

TEST(FeedArbitration, GapNeitherLineFillsInTimeResumesBothLinesFromTheLastApplied) {
    // A loses seq 21; B is connected but falls silent after 20. Neither
    // fills the gap in time, so both lines are asked to resume after 20: the
    // re-request goes to every line (one may be lagging rather than lossy)
    // and the second copy of each resent seq is an ordinary duplicate.
    net::io_context ioc;
    auto b_up = std::make_shared<bool>(false);
    test_upstream a(ioc, [b_up](auto c) -> net::awaitable<void> {
        if (c->index == 0) {
            // Both lines are up before anything is sent, however slow the machine.
            net::steady_timer wait(co_await net::this_coro::executor);
            for (int i = 0; i < 400 && !*b_up; ++i) {
                wait.expires_after(5ms);
                co_await wait.async_wait(net::use_awaitable);
            }
            co_await c->send_range(1, 40, [](auto seq) { return seq == 21; });
            co_await c->wait_closed();
            co_return;
        }
        co_await c->serve_rest();
        co_await c->wait_closed();
    });
    test_upstream b(ioc, [b_up](auto c) -> net::awaitable<void> {
        if (c->index == 0) {
            *b_up = true;
            co_await c->send_range(1, 20);
            co_await c->wait_closed();
            co_return;
        }
        co_await c->serve_rest();
        co_await c->wait_closed();
    });
    recording_sink sink;
    metrics_registry metrics;
    feed_ingest ingest(ioc.get_executor(), fast_options({fast_upstream(a.url()), fast_upstream(b.url())}),
                       sink, metrics, quiet_logger());
    ASSERT_EQ(ingest.start(), std::nullopt);
    run_until(
        ioc, [&] { return sink.done() && a.targets().size() == 2 && b.targets().size() == 2; }, 10s);

    EXPECT_EQ(sink.applied, clean_seqs());
    EXPECT_EQ(sink.detail("gap", "from"), 21);
    // One reconnect per line, each asking for what follows the last applied
    // when it reconnects: 20, or later if the other line's resend already
    // arrived. (The first target may carry a since too, when the other line
    // was quicker to connect and deliver.)
    ASSERT_EQ(a.targets().size(), 2u);
    ASSERT_EQ(b.targets().size(), 2u);
    auto since_of = [](const std::string& target) -> std::uint64_t {
        const auto at = target.find("?since=");
        return at == std::string::npos ? 0 : std::stoull(target.substr(at + 7));
    };
    const auto a_since = since_of(a.targets()[1]);
    const auto b_since = since_of(b.targets()[1]);
    EXPECT_GE(a_since, 20u) << a.targets()[1];
    EXPECT_GE(b_since, 20u) << b.targets()[1];
    EXPECT_EQ(std::min(a_since, b_since), 20u) << "the first resume asks for what follows the last applied";
    EXPECT_TRUE(renders(metrics, "ingest_gap_timeouts_total 1"));
    EXPECT_TRUE(renders(metrics, "ingest_gaps_skipped_total 0"));
}

// ---------------------------------------------------------------- push ingest

struct http_reply {
    unsigned status = 0;
    std::string body;
};

net::awaitable<void> plain_get(tcp::endpoint at, std::string target, http_reply& out) {
    beast::tcp_stream stream(co_await net::this_coro::executor);
    stream.expires_after(2s);
    co_await stream.async_connect(at, net::use_awaitable);
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::connection, "Upgrade");
    req.set(http::field::upgrade, "websocket");
    req.set(http::field::sec_websocket_version, "13");
    req.set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
    co_await http::async_write(stream, req, net::use_awaitable);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    co_await http::async_read(stream, buffer, res, net::use_awaitable);
    out.status = res.result_int();
    out.body = res.body();
}

net::awaitable<void> push_feed(tcp::endpoint at, std::string target, std::string bearer) {
    websocket::stream<beast::tcp_stream> ws(co_await net::this_coro::executor);
    beast::get_lowest_layer(ws).expires_after(2s);
    co_await beast::get_lowest_layer(ws).async_connect(at, net::use_awaitable);
    beast::get_lowest_layer(ws).expires_never();
    ws.set_option(websocket::stream_base::decorator([bearer](websocket::request_type& req) {
        if (!bearer.empty()) req.set(http::field::authorization, "Bearer " + bearer);
    }));
    co_await ws.async_handshake("127.0.0.1", target, net::use_awaitable);
    for (const auto& line : feed_lines()) co_await ws.async_write(net::buffer(line), net::use_awaitable);
    co_await ws.async_close(websocket::close_code::normal, net::use_awaitable);
}

TEST(PushIngest, WithoutTheTokenIs401WithTheTokenTheFeedIsApplied) {
    net::io_context ioc;
    recording_sink sink;
    metrics_registry metrics;
    auto options = fast_options({});
    options.listen = listen_options{.address = "127.0.0.1", .port = 0, .token = "s3cret"};
    feed_ingest ingest(ioc.get_executor(), options, sink, metrics, quiet_logger());
    ASSERT_EQ(ingest.start(), std::nullopt);
    const auto at = *ingest.listen_endpoint();
    ASSERT_NE(at.port(), 0);

    http_reply none, wrong;
    int done = 0;
    net::co_spawn(ioc, plain_get(at, "/feed", none), [&](std::exception_ptr) { ++done; });
    net::co_spawn(ioc, plain_get(at, "/feed?token=guess", wrong), [&](std::exception_ptr) { ++done; });
    run_until(ioc, [&] { return done == 2; });
    EXPECT_EQ(none.status, 401u);
    EXPECT_NE(none.body.find("Authorization: Bearer"), std::string::npos) << none.body;
    EXPECT_EQ(wrong.status, 401u);
    EXPECT_TRUE(sink.applied.empty());
    EXPECT_EQ(sink.count("connected"), 0);

    std::exception_ptr failed;
    net::co_spawn(ioc, push_feed(at, "/feed", "s3cret"), [&](std::exception_ptr e) { failed = e, ++done; });
    run_until(ioc, [&] { return sink.done() && done == 3; });
    EXPECT_EQ(failed, nullptr);
    EXPECT_EQ(sink.applied, clean_seqs());
    EXPECT_GE(sink.lines.front(), push_first_line);
    EXPECT_EQ(sink.count("connected"), 1);

    // The query form of the token works too; the same feed again is all duplicates.
    net::co_spawn(ioc, push_feed(at, "/feed?token=s3cret", ""),
                  [&](std::exception_ptr e) { failed = e, ++done; });
    run_until(ioc, [&] { return done == 4 && sink.count("disconnected") == 2; });
    EXPECT_EQ(failed, nullptr);
    EXPECT_EQ(sink.applied, clean_seqs());
    EXPECT_TRUE(renders(metrics, "ingest_duplicates_total{line=\"push\"} 184"));
}

TEST(PushIngest, TheQueryTokenIsPercentDecoded) {
    net::io_context ioc;
    recording_sink sink;
    metrics_registry metrics;
    auto options = fast_options({});
    options.listen = listen_options{.address = "127.0.0.1", .port = 0, .token = "s3:cr+t"};
    feed_ingest ingest(ioc.get_executor(), options, sink, metrics, quiet_logger());
    ASSERT_EQ(ingest.start(), std::nullopt);
    const auto at = *ingest.listen_endpoint();

    // Unescaped, '+' is a space; a broken escape carries no token at all.
    http_reply unescaped, malformed;
    int done = 0;
    net::co_spawn(ioc, plain_get(at, "/feed?token=s3:cr+t", unescaped), [&](std::exception_ptr) { ++done; });
    net::co_spawn(ioc, plain_get(at, "/feed?token=s3%3Acr%2", malformed),
                  [&](std::exception_ptr) { ++done; });
    run_until(ioc, [&] { return done == 2; });
    EXPECT_EQ(unescaped.status, 401u);
    EXPECT_EQ(malformed.status, 401u);

    std::exception_ptr failed;
    net::co_spawn(ioc, push_feed(at, "/feed?token=s3%3Acr%2Bt", ""),
                  [&](std::exception_ptr e) { failed = e, ++done; });
    run_until(ioc, [&] { return sink.done() && done == 3; });
    EXPECT_EQ(failed, nullptr);
    EXPECT_EQ(sink.applied, clean_seqs());
}

TEST(PushIngest, AnOversizedPushedFrameClosesWith1009AndTheResentFeedIsApplied) {
    net::io_context ioc;
    recording_sink sink;
    metrics_registry metrics;
    captured_log log;
    auto options = fast_options({});
    options.listen = listen_options{.address = "127.0.0.1", .port = 0, .token = "s3cret"};
    options.listen->read_message_max = 64 * 1024;
    feed_ingest ingest(ioc.get_executor(), options, sink, metrics, log.logger);
    ASSERT_EQ(ingest.start(), std::nullopt);
    const auto at = *ingest.listen_endpoint();

    // The pusher sends 1..60 and a frame over the limit, then reads the close.
    std::optional<std::uint16_t> close_code;
    std::string read_error;
    bool first_done = false;
    auto oversize = [&]() -> net::awaitable<void> {
        websocket::stream<beast::tcp_stream> ws(co_await net::this_coro::executor);
        co_await beast::get_lowest_layer(ws).async_connect(at, net::use_awaitable);
        co_await ws.async_handshake("127.0.0.1", "/feed?token=s3cret", net::use_awaitable);
        for (std::size_t i = 0; i < 60; ++i)
            co_await ws.async_write(net::buffer(feed_lines()[i]), net::use_awaitable);
        co_await ws.async_write(net::buffer(std::string(100 * 1024, ' ')), net::use_awaitable);
        beast::flat_buffer buffer;
        beast::error_code ec;
        co_await ws.async_read(buffer, net::redirect_error(net::use_awaitable, ec));
        // The close frame's code; the reply to it may fail (the ingest side
        // may have gone already), which does not matter here.
        if (ws.reason().code != websocket::close_code::none) close_code = ws.reason().code;
        read_error = ec.message();
    };
    net::co_spawn(ioc, oversize(), [&](std::exception_ptr) { first_done = true; });
    run_until(ioc, [&] { return first_done && sink.count("disconnected") == 1; });
    EXPECT_EQ(close_code, std::optional<std::uint16_t>(1009)) << read_error;
    EXPECT_EQ(sink.applied, clean_seqs(1, 60));
    EXPECT_TRUE(renders(metrics, "ingest_oversize_closes_total{line=\"push\"} 1"));
    EXPECT_NE(log.text.str().find("closed with 1009"), std::string::npos) << log.text.str();

    // A pusher cannot be asked for since=: it reconnects and resends; what
    // was applied already is dropped as duplicates, nothing is lost.
    std::exception_ptr failed;
    bool second_done = false;
    net::co_spawn(ioc, push_feed(at, "/feed", "s3cret"),
                  [&](std::exception_ptr e) { failed = e, second_done = true; });
    run_until(ioc, [&] { return sink.done() && second_done; });
    EXPECT_EQ(failed, nullptr);
    EXPECT_EQ(sink.applied, clean_seqs());
}

}  // namespace
}  // namespace splitstream::ingest
