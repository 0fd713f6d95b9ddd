// The publish server over real sockets on 127.0.0.1: fan-out, filters,
// snapshots, resume, backpressure, access control, limits, metrics, stop.

#include "publish/send_ring.hpp"
#include "publish/server.hpp"
#include "publish/write_gather.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <numeric>

#include "prometheus_text.hpp"
#include "publish/frame.hpp"
#include "publish/jwt.hpp"
#include "test_support.hpp"
#include "uring_faults.hpp"

namespace splitstream::publish {
namespace {

using namespace testing;
using feed::event_type;

// Every test runs with the whole server on the test's loop, again with
// three publish threads (the loop and two shards), where plain subscribers
// are served by the shards, and again on the loop with each fan-out write
// its own sendmsg instead of one io_uring submission a fan-out.
struct layout {
    std::size_t threads;
    bool io_uring;
};

void PrintTo(const layout& l, std::ostream* os) {
    *os << l.threads << (l.threads == 1 ? " thread, " : " threads, ")
        << (l.io_uring ? "io_uring" : "sendmsg");
}

class publish_server : public ::testing::TestWithParam<layout> {
protected:
    net::io_context ioc;
    fake_provider provider;
    metrics_registry registry;
    std::unique_ptr<server> srv;
    std::vector<std::shared_ptr<ws_client>> clients;
    // What the server logged, the newest lines; the shards' hubs log here too.
    std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> log_lines =
        std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(256);

    static server_options options() {
        return {
            .listen_address = "127.0.0.1", .listen_port = 0, .close_timeout = std::chrono::milliseconds(500)};
    }

    void start(server_options o = options()) {
        o.threads = GetParam().threads;
        o.fanout_io_uring = GetParam().io_uring;
        auto log = std::make_shared<spdlog::logger>("publish-test", log_lines);
        log->set_pattern("%l %v");
        srv = std::make_unique<server>(ioc, std::move(o), provider, registry, std::move(log));
        srv->start();
    }

    // Lines logged so far that contain `text`.
    std::size_t logged(std::string_view text) const {
        const auto lines = log_lines->last_formatted();
        return static_cast<std::size_t>(std::count_if(lines.begin(), lines.end(), [&](const std::string& l) {
            return l.find(text) != std::string::npos;
        }));
    }

    std::shared_ptr<ws_client> connect(const std::string& target,
                                       std::vector<std::pair<std::string, std::string>> headers = {},
                                       bool read = true, int rcvbuf = 0) {
        auto c = std::make_shared<ws_client>(ioc, rcvbuf);
        c->start(srv->port(), target, std::move(headers), read);
        clients.push_back(c);
        return c;
    }

    bool wait_hello(const std::vector<std::shared_ptr<ws_client>>& cs) {
        return run_until(ioc, [&] {
            return std::all_of(cs.begin(), cs.end(), [](auto& c) { return c->count_type("hello") == 1; });
        });
    }

    // What the loop does with `backlog` frames read one a turn, shown to a
    // new batch=1 subscriber (defined with the tests that use it).
    struct backlog_seen {
        std::size_t frames = 0;                  // the events came in this many frames
        std::size_t received_when_it_ended = 0;  // events the subscriber had at the last publish
    };
    backlog_seen publish_one_a_turn(int backlog);

    // Publishes n events, `per_turn` at a time with loop turns in between.
    void publish_events(int n, event_type type, const std::string& event, std::size_t pad = 0,
                        int per_turn = 10) {
        for (int i = 0; i < n; ++i) {
            srv->publish(next_event(provider, type, event, pad));
            if ((i + 1) % per_turn == 0) ioc.run_for(std::chrono::milliseconds(1));
        }
    }

    // Subscribers on each target, once every one has its hello and the
    // server counts them all (a shard's hub takes one in on its thread).
    std::vector<std::shared_ptr<ws_client>> join(const std::vector<std::string>& targets) {
        std::vector<std::shared_ptr<ws_client>> subs;
        for (const auto& t : targets) subs.push_back(connect(t));
        if (!wait_hello(subs) || !run_until(ioc, [&] { return srv->subscribers() == subs.size(); }))
            ADD_FAILURE() << "the subscribers did not all join";
        return subs;
    }

    bool every_session_ended() const {
        return srv->connections() == 0 &&
               std::all_of(clients.begin(), clients.end(), [](auto& c) { return c->ended; });
    }

    // Stops the server; whether every session ended, each client's too.
    bool stop_and_wait_for_every_session(std::chrono::milliseconds limit = 5s) {
        srv->stop();
        return run_until(
            ioc, [&] { return every_session_ended(); }, limit);
    }

    // With the kernel completing every send after its submission, more
    // frames than one write gathers, in one turn; returns how many.
    int publish_a_burst_completed_later() {
        test::uring_faults::complete_sends_later();
        const int total = 3 * static_cast<int>(write_gather::max_buffers);
        publish_events(total, event_type::split, "A", 0, total);
        return total;
    }

    void SetUp() override { test::uring_faults::clear(); }

    void TearDown() override {
        test::uring_faults::clear();
        if (!srv) return;
        EXPECT_TRUE(stop_and_wait_for_every_session(30s)) << "sessions still open: " << srv->connections();
        EXPECT_EQ(srv->subscribers(), 0u);
    }
};

std::vector<std::uint64_t> iota_seqs(std::uint64_t first, std::uint64_t last) {
    std::vector<std::uint64_t> v(last - first + 1);
    std::iota(v.begin(), v.end(), first);
    return v;
}

TEST_P(publish_server, two_hundred_subscribers_get_every_event_in_order) {
    start();
    std::vector<std::shared_ptr<ws_client>> subs;
    for (int i = 0; i < 200; ++i) subs.push_back(connect("/v1/stream"));
    ASSERT_TRUE(wait_hello(subs));
    EXPECT_EQ(srv->subscribers(), 200u);

    publish_events(500, event_type::split, "M1500-F", 200);
    // 100,000 deliveries with client and server on one thread: half a second
    // in a release build, about ten under ASan in a debug build.
    ASSERT_TRUE(run_until(
        ioc,
        [&] {
            return std::all_of(subs.begin(), subs.end(),
                               [](auto& c) { return c->event_seqs().size() >= 500; });
        },
        60s));
    for (auto& c : subs) {
        EXPECT_EQ(c->event_seqs(), iota_seqs(1, 500));
        EXPECT_EQ(c->parsed().front().type, "hello");
    }
}

// After a restart the daemon rebuilds its history from the journal before it
// listens: a subscriber that was behind resumes from there, it does not get
// a snapshot that skips what it missed.
TEST_P(publish_server, history_published_before_start_is_kept_for_resume) {
    srv = std::make_unique<server>(ioc, options(), provider, registry, quiet_logger());
    for (int i = 0; i < 5; ++i) srv->publish(next_event(provider, event_type::split, "A"));
    srv->start();
    auto behind = connect("/v1/stream?since=2&epoch=e1");
    ASSERT_TRUE(run_until(ioc, [&] { return behind->event_seqs().size() >= 3; }));
    EXPECT_NE(behind->messages[0].find(R"("resume":true)"), std::string::npos);
    EXPECT_EQ(behind->event_seqs(), iota_seqs(3, 5));
    EXPECT_EQ(behind->count_type("snapshot"), 0u);

    // Another epoch's history is not offered for resume.
    auto other = connect("/v1/stream?since=2&epoch=e0");
    ASSERT_TRUE(run_until(ioc, [&] { return other->count_type("hello") == 1; }));
    EXPECT_NE(other->messages[0].find(R"("resume":false)"), std::string::npos);
}

TEST_P(publish_server, filters_by_event_and_type_and_feed_events_pass_event_filters) {
    start();
    auto only_a = connect("/v1/stream?events=A");
    auto finishes = connect("/v1/stream?types=finish");
    auto a_splits = connect("/v1/stream?events=A&types=split,feed");
    ASSERT_TRUE(wait_hello({only_a, finishes, a_splits}));

    srv->publish(next_event(provider, event_type::split, "A"));   // 1
    srv->publish(next_event(provider, event_type::split, "B"));   // 2
    srv->publish(next_event(provider, event_type::finish, "A"));  // 3
    srv->publish(next_event(provider, event_type::finish, "B"));  // 4
    srv->publish(next_event(provider, event_type::feed, ""));     // 5
    srv->publish(next_event(provider, event_type::split, "A"));   // 6
    ASSERT_TRUE(run_until(ioc, [&] {
        return only_a->event_seqs().size() == 4 && finishes->event_seqs().size() == 2 &&
               a_splits->event_seqs().size() == 3;
    }));
    ioc.run_for(std::chrono::milliseconds(20));
    EXPECT_EQ(only_a->event_seqs(), (std::vector<std::uint64_t>{1, 3, 5, 6}));
    EXPECT_EQ(finishes->event_seqs(), (std::vector<std::uint64_t>{3, 4}));
    EXPECT_EQ(a_splits->event_seqs(), (std::vector<std::uint64_t>{1, 5, 6}));
}

TEST_P(publish_server, subscribe_op_replaces_the_filter_and_bad_ops_get_errors) {
    start();
    auto c = connect("/v1/stream?events=A");
    ASSERT_TRUE(wait_hello({c}));

    c->send(R"({"op":"subscribe","events":["B"],"types":["finish"]})");
    ASSERT_TRUE(run_until(ioc, [&] { return c->count_type("subscribed") == 1; }));
    srv->publish(next_event(provider, event_type::finish, "A"));  // 1
    srv->publish(next_event(provider, event_type::split, "B"));   // 2
    srv->publish(next_event(provider, event_type::finish, "B"));  // 3
    ASSERT_TRUE(run_until(ioc, [&] { return c->event_seqs().size() == 1; }));

    c->send(R"({"op":"ping"})");
    ASSERT_TRUE(run_until(ioc, [&] { return c->count_type("pong") == 1; }));
    c->send("not json");
    ASSERT_TRUE(run_until(ioc, [&] { return c->count_type("error") == 1; }));
    c->send(R"({"op":"teleport"})");
    ASSERT_TRUE(run_until(ioc, [&] { return c->count_type("error") == 2; }));
    c->send(R"({"op":"subscribe","types":["nonsense"]})");
    ASSERT_TRUE(run_until(ioc, [&] { return c->count_type("error") == 3; }));

    // Errors are replies, not closes: the stream goes on with the filter.
    srv->publish(next_event(provider, event_type::finish, "B"));  // 4
    ASSERT_TRUE(run_until(ioc, [&] { return c->event_seqs().size() == 2; }));
    EXPECT_EQ(c->event_seqs(), (std::vector<std::uint64_t>{3, 4}));
    EXPECT_TRUE(c->open);
}

TEST_P(publish_server, fresh_subscriber_gets_hello_then_a_snapshot_per_matching_event_then_live) {
    provider.states = {{"A", R"({"event":"A","status":"started"})"}, {"B", R"({"event":"B"})"}};
    start();
    publish_events(3, event_type::split, "A");

    auto all = connect("/v1/stream");
    auto only_b = connect("/v1/stream?events=B");
    ASSERT_TRUE(wait_hello({all, only_b}));
    ASSERT_TRUE(run_until(ioc, [&] { return all->count_type("snapshot") == 2; }));
    srv->publish(next_event(provider, event_type::split, "B"));  // 4
    ASSERT_TRUE(
        run_until(ioc, [&] { return all->event_seqs().size() == 1 && only_b->event_seqs().size() == 1; }));

    auto msgs = all->parsed();
    ASSERT_EQ(msgs.size(), 4u);
    EXPECT_EQ(msgs[0].type, "hello");
    EXPECT_NE(all->messages[0].find(R"("head":3)"), std::string::npos);
    EXPECT_NE(all->messages[0].find(R"("epoch":"e1")"), std::string::npos);
    EXPECT_EQ(msgs[1].type, "snapshot");
    EXPECT_EQ(msgs[1].seq, 3u);
    EXPECT_EQ(msgs[1].event, "A");
    EXPECT_NE(all->messages[1].find(R"("state":{"event":"A","status":"started"})"), std::string::npos);
    EXPECT_EQ(msgs[2].event, "B");
    EXPECT_EQ(msgs[3].seq, 4u);

    auto b = only_b->parsed();
    ASSERT_EQ(b.size(), 3u);
    EXPECT_EQ(b[1].type, "snapshot");
    EXPECT_EQ(b[1].event, "B");
}

// Subscribers that join while events are being published (on three
// threads: handed to another thread between an event's publishing and its
// fan-out) get every event after the position their join reports, once
// and in order: the snapshot's seq for a fresh join, `since` for a resume.
// The events are published from the loop's handlers, as the engine's are
// (each when a driving subscriber receives the one before), so joins and
// publishing interleave within loop turns.
TEST_P(publish_server, subscribers_joining_while_events_flow_get_every_later_event_once) {
    provider.states = {{"A", R"({"event":"A"})"}};
    provider.snapshots_name_head = true;
    start();
    auto driver = connect("/v1/stream");
    ASSERT_TRUE(wait_hello({driver}));
    const std::uint64_t last = 600;
    driver->on_message = [&](const std::string&) {
        if (provider.head_value < last) srv->publish(next_event(provider, event_type::split, "A"));
    };
    srv->publish(next_event(provider, event_type::split, "A"));
    std::vector<std::shared_ptr<ws_client>> fresh, resumed;
    std::vector<std::uint64_t> since;
    for (int round = 0; round < 30 && provider.head_value < last; ++round) {
        for (int i = 0; i < 3; ++i) fresh.push_back(connect("/v1/stream"));
        since.push_back(provider.head_value);
        resumed.push_back(connect("/v1/stream?since=" + std::to_string(since.back())));
        ioc.run_for(std::chrono::milliseconds(1));
    }
    auto all = fresh;
    all.insert(all.end(), resumed.begin(), resumed.end());
    ASSERT_TRUE(run_until(
        ioc,
        [&] {
            return std::all_of(all.begin(), all.end(), [&](auto& c) {
                return !c->event_seqs().empty() && c->event_seqs().back() == last;
            });
        },
        60s))
        << "events published: " << provider.head_value;
    for (auto& c : fresh) {
        ASSERT_EQ(c->count_type("snapshot"), 1u);
        const auto joined_at = c->parsed().at(1).seq;
        // The snapshot holds the events up to its seq, no fewer, no more.
        EXPECT_NE(c->messages.at(1).find("\"through\":" + std::to_string(joined_at) + "}"), std::string::npos)
            << c->messages.at(1);
        EXPECT_EQ(c->event_seqs(), iota_seqs(joined_at + 1, last)) << "joined at " << joined_at;
    }
    for (std::size_t i = 0; i < resumed.size(); ++i) {
        EXPECT_EQ(resumed[i]->count_type("snapshot"), 0u);
        EXPECT_EQ(resumed[i]->event_seqs(), iota_seqs(since[i] + 1, last)) << "since " << since[i];
    }
}

TEST_P(publish_server, since_resume_gives_every_missed_event_exactly_once_across_a_dropped_connection) {
    start();
    auto c = connect("/v1/stream");
    ASSERT_TRUE(wait_hello({c}));
    publish_events(50, event_type::split, "A");
    ASSERT_TRUE(run_until(ioc, [&] { return c->event_seqs().size() >= 20; }));
    c->drop();
    const auto got = c->event_seqs();
    const auto last = got.back();
    ASSERT_TRUE(run_until(ioc, [&] { return srv->subscribers() == 0; }));
    publish_events(50, event_type::split, "A");  // missed while away

    auto again = connect("/v1/stream?since=" + std::to_string(last) + "&epoch=e1");
    ASSERT_TRUE(wait_hello({again}));
    publish_events(20, event_type::split, "A");  // live after the resume
    ASSERT_TRUE(run_until(ioc, [&] { return again->event_seqs().size() >= 120 - last; }));
    ioc.run_for(std::chrono::milliseconds(20));

    EXPECT_NE(again->messages[0].find(R"("resume":true)"), std::string::npos);
    EXPECT_EQ(again->count_type("snapshot"), 0u);
    std::vector<std::uint64_t> combined(got.begin(), got.end());
    for (auto s : again->event_seqs()) combined.push_back(s);
    EXPECT_EQ(combined, iota_seqs(1, 120));
}

// While a delayed subscriber exists the history keeps its events past the
// count limit (they may still be due): a resume from one of them is served
// as a resume, on every thread.
TEST_P(publish_server, a_resume_into_what_the_history_keeps_for_delayed_subscribers_is_served) {
    provider.states = {{"A", R"({"event":"A"})"}};
    auto o = options();
    o.history_max_events = 10;
    start(o);
    auto delayed = connect("/v1/stream?delay=1");
    ASSERT_TRUE(wait_hello({delayed}));
    publish_events(40, event_type::split, "A");
    auto resumed = connect("/v1/stream?since=5");
    ASSERT_TRUE(wait_hello({resumed}));
    ASSERT_TRUE(run_until(ioc, [&] { return resumed->event_seqs().size() >= 35; }));
    EXPECT_EQ(resumed->event_seqs(), iota_seqs(6, 40));
    EXPECT_EQ(resumed->count_type("snapshot"), 0u);
}

TEST_P(publish_server, since_from_another_epoch_or_older_than_the_history_gives_snapshots) {
    provider.states = {{"A", R"({"event":"A"})"}};
    auto o = options();
    o.history_max_events = 10;
    start(o);
    publish_events(30, event_type::split, "A");

    auto other_epoch = connect("/v1/stream?since=25&epoch=e0");
    auto too_old = connect("/v1/stream?since=5");
    auto resumable = connect("/v1/stream?since=25");
    ASSERT_TRUE(wait_hello({other_epoch, too_old, resumable}));
    ASSERT_TRUE(run_until(ioc, [&] {
        return other_epoch->count_type("snapshot") == 1 && too_old->count_type("snapshot") == 1 &&
               resumable->event_seqs().size() == 5;
    }));
    EXPECT_EQ(other_epoch->event_seqs().size(), 0u);
    EXPECT_EQ(too_old->event_seqs().size(), 0u);
    EXPECT_EQ(resumable->event_seqs(), iota_seqs(26, 30));
    EXPECT_EQ(resumable->count_type("snapshot"), 0u);
}

TEST_P(publish_server, slow_consumer_is_closed_with_4008_while_the_others_get_everything) {
    auto o = options();
    o.queue_max_bytes = 64 * 1024;
    o.socket_send_buffer = 16 * 1024;
    o.close_timeout = std::chrono::milliseconds(3000);
    start(o);
    std::vector<std::shared_ptr<ws_client>> readers;
    for (int i = 0; i < 20; ++i) readers.push_back(connect("/v1/stream"));
    auto stalled = connect("/v1/stream", {}, /*read=*/false, /*rcvbuf=*/4096);
    ASSERT_TRUE(wait_hello(readers));
    ASSERT_TRUE(run_until(ioc, [&] { return stalled->open && srv->subscribers() == 21; }));

    auto& closes = registry.make_counter("publish_slow_consumer_closes_total", "");
    auto& queued = registry.make_gauge("publish_queue_bytes", "");
    std::int64_t max_queued = 0;
    const int total = 2000;
    for (int i = 0; i < total; i += 10) {
        publish_events(10, event_type::split, "A", 1000);
        max_queued = std::max(max_queued, queued.value());
        // Once it has been marked, the stalled client reads again: what the
        // kernel held, then the close frame.
        if (closes.value() == 1) stalled->start_reading();
        // The readers keep up; only the stalled client falls behind.
        ASSERT_TRUE(run_until(ioc, [&] {
            return std::all_of(readers.begin(), readers.end(), [&](auto& c) {
                return c->event_seqs().size() >= static_cast<std::size_t>(i + 10);
            });
        }));
    }
    ASSERT_TRUE(run_until(ioc, [&] {
        return std::all_of(readers.begin(), readers.end(), [&](auto& c) {
            return c->event_seqs().size() >= static_cast<std::size_t>(total);
        });
    }));
    EXPECT_EQ(closes.value(), 1u);
    // Every subscriber's queue is bounded by its limit, the stalled one too.
    EXPECT_LE(max_queued, 21 * static_cast<std::int64_t>(o.queue_max_bytes) + 64 * 1024);
    for (auto& c : readers) EXPECT_EQ(c->event_seqs(), iota_seqs(1, total));

    ASSERT_TRUE(run_until(ioc, [&] { return stalled->ended; }));
    EXPECT_EQ(stalled->close.code, 4008);
    const auto seqs = stalled->event_seqs();
    ASSERT_FALSE(seqs.empty());
    EXPECT_LT(seqs.size(), static_cast<std::size_t>(total));
    EXPECT_EQ(seqs, iota_seqs(1, seqs.back()));
    EXPECT_EQ(std::string(stalled->close.reason.data(), stalled->close.reason.size()),
              "slow consumer, resume with since=" + std::to_string(seqs.back()));
    EXPECT_TRUE(run_until(ioc, [&] { return srv->subscribers() == 20; }));
    EXPECT_LT(queued.value(), static_cast<std::int64_t>(o.queue_max_bytes));
}

TEST_P(publish_server, a_subscriber_gives_back_its_buffers_when_it_goes_idle) {
    auto o = options();
    o.socket_send_buffer = 16 * 1024;
    start(o);
    auto reader = connect("/v1/stream", {}, /*read=*/false, /*rcvbuf=*/4096);
    ASSERT_TRUE(run_until(ioc, [&] { return reader->open && srv->subscribers() == 1; }));
    auto& held = registry.make_gauge("publish_subscriber_buffer_bytes", "");

    // A burst the client does not read yet: its queue grows and stays.
    const int burst = 300;
    publish_events(burst, event_type::split, "A", 1000);
    ASSERT_TRUE(run_until(
        ioc, [&] { return held.value() > 0; }, 3000ms))
        << "the gauge never saw the queue";
    const auto busy = held.value();
    EXPECT_GE(busy, static_cast<std::int64_t>(64 * sizeof(frame_ptr))) << "a ring grown for a burst";

    // It reads everything, then goes quiet: within a tick or two of being
    // idle its buffers are given back.
    reader->start_reading();
    ASSERT_TRUE(
        run_until(ioc, [&] { return reader->event_seqs().size() == static_cast<std::size_t>(burst); }));
    ASSERT_TRUE(run_until(
        ioc, [&] { return held.value() == 0; }, 3000ms))
        << "still holding " << held.value() << " bytes (" << busy << " while busy)";
    EXPECT_TRUE(reader->open);

    // And it grows again when needed: nothing was lost by giving back.
    publish_events(10, event_type::split, "A", 10);
    ASSERT_TRUE(
        run_until(ioc, [&] { return reader->event_seqs().size() == static_cast<std::size_t>(burst + 10); }));
}

TEST_P(publish_server, tokens_are_required_checked_and_scoped) {
    provider.states = {{"A", R"({"event":"A"})"}, {"B", R"({"event":"B"})"}};
    auto o = options();
    o.jwt_secret = "s3cret";
    start(o);
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    const auto a_only =
        sign_hs256(R"({"exp":)" + std::to_string(now + 600) + R"(,"events":["A"]})", "s3cret");
    const auto expired = sign_hs256(R"({"exp":)" + std::to_string(now - 10) + "}", "s3cret");
    const auto forged = sign_hs256(R"({"exp":)" + std::to_string(now + 600) + "}", "other");

    auto none = connect("/v1/stream");
    auto old = connect("/v1/stream", {{"Authorization", "Bearer " + expired}});
    auto bad = connect("/v1/stream?access_token=" + forged);
    auto out_of_scope = connect("/v1/stream?events=B", {{"Authorization", "Bearer " + a_only}});
    auto scoped = connect("/v1/stream?access_token=" + a_only);
    ASSERT_TRUE(run_until(ioc, [&] {
        return none->ended && old->ended && bad->ended && out_of_scope->ended &&
               scoped->count_type("hello") == 1;
    }));
    EXPECT_EQ(none->http_status, 401u);
    EXPECT_EQ(old->http_status, 401u);
    EXPECT_EQ(bad->http_status, 401u);
    EXPECT_EQ(out_of_scope->http_status, 403u);

    srv->publish(next_event(provider, event_type::split, "B"));  // 1
    srv->publish(next_event(provider, event_type::split, "A"));  // 2
    ASSERT_TRUE(run_until(ioc, [&] { return scoped->event_seqs().size() == 1; }));
    EXPECT_EQ(scoped->event_seqs(), (std::vector<std::uint64_t>{2}));
    EXPECT_EQ(scoped->count_type("snapshot"), 1u);

    auto expired_http = http_get(ioc, srv->port(), "/v1/events/A", {{"Authorization", "Bearer " + expired}});
    EXPECT_EQ(expired_http.status, 401u);
    EXPECT_NE(expired_http.body.find("expired"), std::string::npos);
    EXPECT_EQ(http_get(ioc, srv->port(), "/v1/events/B", {{"Authorization", "Bearer " + a_only}}).status,
              403u);
    EXPECT_EQ(http_get(ioc, srv->port(), "/v1/events/A", {{"Authorization", "Bearer " + a_only}}).status,
              200u);

    // The event list is scoped too: a token for A does not learn that B exists.
    const auto scoped_list =
        http_get(ioc, srv->port(), "/v1/events", {{"Authorization", "Bearer " + a_only}});
    EXPECT_EQ(scoped_list.status, 200u);
    EXPECT_EQ(scoped_list.body, R"([{"event":"A"}])");
    const auto everything = sign_hs256(R"({"exp":)" + std::to_string(now + 600) + "}", "s3cret");
    const auto full_list =
        http_get(ioc, srv->port(), "/v1/events", {{"Authorization", "Bearer " + everything}});
    EXPECT_EQ(full_list.status, 200u);
    EXPECT_EQ(full_list.body, R"([{"event":"A"},{"event":"B"}])");
}

TEST_P(publish_server, connections_beyond_the_limit_get_503) {
    auto o = options();
    o.max_connections = 3;
    start(o);
    std::vector<std::shared_ptr<ws_client>> admitted;
    for (int i = 0; i < 3; ++i) admitted.push_back(connect("/v1/stream"));
    ASSERT_TRUE(wait_hello(admitted));
    auto refused = connect("/v1/stream");
    ASSERT_TRUE(run_until(ioc, [&] { return refused->ended; }));
    EXPECT_EQ(refused->http_status, 503u);
    EXPECT_EQ(registry.make_counter("publish_connections_refused_total", "", {{"reason", "connection_limit"}})
                  .value(),
              1u);
    admitted[0]->close_normally();
    ASSERT_TRUE(run_until(ioc, [&] { return srv->subscribers() == 2; }));
    auto later = connect("/v1/stream");
    ASSERT_TRUE(wait_hello({later}));
}

TEST_P(publish_server, origins_not_in_the_list_are_refused) {
    auto o = options();
    o.allowed_origins = {"https://graphics.example"};
    start(o);
    auto evil = connect("/v1/stream", {{"Origin", "https://evil.example"}});
    auto good = connect("/v1/stream", {{"Origin", "https://graphics.example"}});
    auto no_origin = connect("/v1/stream");
    ASSERT_TRUE(run_until(ioc, [&] { return evil->ended; }));
    ASSERT_TRUE(wait_hello({good, no_origin}));
    EXPECT_EQ(evil->http_status, 403u);
    auto api = http_get(ioc, srv->port(), "/v1/events", {{"Origin", "https://graphics.example"}});
    EXPECT_EQ(api.status, 200u);
    EXPECT_EQ(api.headers["Access-Control-Allow-Origin"], "https://graphics.example");
    EXPECT_EQ(http_get(ioc, srv->port(), "/v1/events", {{"Origin", "https://evil.example"}}).status, 403u);
}

TEST_P(publish_server, stop_closes_subscribers_with_1001_and_every_session_ends) {
    start();
    const auto subs = join(std::vector<std::string>(10, "/v1/stream"));
    ASSERT_TRUE(stop_and_wait_for_every_session()) << "sessions still open: " << srv->connections();
    for (auto& c : subs) EXPECT_EQ(c->close.code, 1001);
}

TEST_P(publish_server, metrics_parse_as_prometheus_text_and_count_what_happened) {
    start();
    auto a = connect("/v1/stream");
    auto b = connect("/v1/stream?types=finish");
    ASSERT_TRUE(wait_hello({a, b}));
    publish_events(7, event_type::split, "A");
    publish_events(3, event_type::finish, "A");
    ASSERT_TRUE(run_until(ioc, [&] { return a->event_seqs().size() == 10 && b->event_seqs().size() == 3; }));

    auto res = http_get(ioc, srv->port(), "/metrics");
    ASSERT_EQ(res.status, 200u);
    EXPECT_EQ(res.headers["Content-Type"].rfind("text/plain; version=0.0.4", 0), 0u);
    auto parsed = parse_prometheus_text(res.body);
    ASSERT_TRUE(parsed.error.empty()) << parsed.error;
    EXPECT_EQ(parsed.type_of("publish_subscribers"), "gauge");
    EXPECT_EQ(parsed.value("publish_subscribers", {}), 2);
    EXPECT_EQ(parsed.value("publish_derived_events_total", {{"type", "split"}}), 7);
    EXPECT_EQ(parsed.value("publish_derived_events_total", {{"type", "finish"}}), 3);
    // hello + 10 to a, hello + 3 to b; the 101 responses count as written too.
    EXPECT_GE(parsed.value("publish_frames_sent_total", {}), 15);
    EXPECT_EQ(parsed.type_of("publish_latency_seconds"), "histogram");
    EXPECT_EQ(parsed.value("publish_latency_seconds_count", {}), 13);
    EXPECT_EQ(parsed.value("publish_latency_seconds_bucket", {{"le", "+Inf"}}), 13);
    EXPECT_EQ(parsed.value("publish_slow_consumer_closes_total", {}), 0);
}

TEST_P(publish_server, http_routes_health_readiness_state_and_static_pages) {
    provider.states = {{"A", R"({"event":"A","status":"official"})"}};
    const auto web =
        std::filesystem::temp_directory_path() / ("splitstream-web-" + std::to_string(::getpid()));
    std::filesystem::create_directories(web / "js");
    std::ofstream(web / "index.html") << "<h1>index</h1>";
    std::ofstream(web / "ticker.html") << "<h1>ticker</h1>";
    std::ofstream(web / "js" / "splitstream.js") << "export {};";
    std::ofstream(web.parent_path() / "secret.txt") << "secret";
    auto o = options();
    o.web_dir = web.string();
    start(o);

    EXPECT_EQ(http_get(ioc, srv->port(), "/healthz").status, 200u);
    EXPECT_EQ(http_get(ioc, srv->port(), "/readyz").status, 503u);
    provider.is_ready = true;
    EXPECT_EQ(http_get(ioc, srv->port(), "/readyz").status, 200u);

    auto list = http_get(ioc, srv->port(), "/v1/events");
    EXPECT_EQ(list.status, 200u);
    EXPECT_EQ(list.body, R"([{"event":"A"}])");
    EXPECT_EQ(list.headers["Access-Control-Allow-Origin"], "*");
    auto one = http_get(ioc, srv->port(), "/v1/events/A");
    EXPECT_EQ(one.status, 200u);
    EXPECT_EQ(one.body, R"({"event":"A","status":"official"})");
    auto missing = http_get(ioc, srv->port(), "/v1/events/Z");
    EXPECT_EQ(missing.status, 404u);
    EXPECT_NE(missing.body.find("\"error\""), std::string::npos);

    auto index = http_get(ioc, srv->port(), "/");
    EXPECT_EQ(index.status, 200u);
    EXPECT_EQ(index.body, "<h1>index</h1>");
    EXPECT_EQ(index.headers["Content-Type"], "text/html; charset=utf-8");
    EXPECT_EQ(http_get(ioc, srv->port(), "/ticker").body, "<h1>ticker</h1>");
    auto js = http_get(ioc, srv->port(), "/js/splitstream.js");
    EXPECT_EQ(js.status, 200u);
    EXPECT_EQ(js.headers["Content-Type"], "text/javascript; charset=utf-8");
    EXPECT_EQ(http_get(ioc, srv->port(), "/../secret.txt").status, 404u);
    EXPECT_EQ(http_get(ioc, srv->port(), "/%2e%2e/secret.txt").status, 404u);
    EXPECT_EQ(http_get(ioc, srv->port(), "/js/../../secret.txt").status, 404u);
    std::filesystem::remove_all(web);
    std::filesystem::remove(web.parent_path() / "secret.txt");
}

TEST_P(publish_server, a_silent_client_is_closed_after_the_idle_timeout) {
    auto o = options();
    o.idle_timeout = std::chrono::milliseconds(200);
    o.ping_interval = std::chrono::milliseconds(50);
    start(o);
    auto answering = connect("/v1/stream");                   // reads, so answers pings
    auto silent = connect("/v1/stream", {}, /*read=*/false);  // never reads, never pongs
    ASSERT_TRUE(wait_hello({answering}));
    ASSERT_TRUE(
        run_until(ioc, [&] { return registry.make_counter("publish_idle_closes_total", "").value() == 1; }));
    silent->start_reading();
    ASSERT_TRUE(run_until(ioc, [&] { return silent->ended; }));
    EXPECT_EQ(silent->close.code, 4000);
    EXPECT_TRUE(answering->open);
}

// Subscribers that vanish with a reset while events flow: the fan-out's
// write to each fails there and then (a write straight into the kernel), and
// ends that subscriber alone; the others get every event.
TEST_P(publish_server, subscribers_reset_mid_fan_out_end_alone_and_the_others_get_everything) {
    start();
    std::vector<std::shared_ptr<ws_client>> stay, go;
    for (int i = 0; i < 20; ++i) (i % 2 ? go : stay).push_back(connect("/v1/stream"));
    ASSERT_TRUE(wait_hello(stay));
    ASSERT_TRUE(wait_hello(go));
    ASSERT_TRUE(run_until(ioc, [&] { return srv->subscribers() == 20; }));
    const int total = 200;
    for (int i = 0; i < total; i += 20) {
        // Reset, then publish before the loop turns: the fan-out meets the
        // reset sockets before their reads report the end.
        go[static_cast<std::size_t>(i / 20)]->reset();
        for (int k = 0; k < 20; ++k) srv->publish(next_event(provider, event_type::split, "A"));
        ioc.run_for(std::chrono::milliseconds(1));
    }
    ASSERT_TRUE(run_until(ioc, [&] {
        return std::all_of(stay.begin(), stay.end(), [&](auto& c) {
            return c->event_seqs().size() >= static_cast<std::size_t>(total);
        });
    }));
    for (auto& c : stay) EXPECT_EQ(c->event_seqs(), iota_seqs(1, total));
    EXPECT_TRUE(run_until(ioc, [&] { return srv->subscribers() == 10; }));
    for (auto& c : stay) EXPECT_TRUE(c->open);
}

TEST_P(publish_server, start_throws_when_the_port_is_taken) {
    start();
    auto o = options();
    o.listen_port = srv->port();
    server second(ioc, o, provider, registry, quiet_logger());
    EXPECT_THROW(second.start(), std::runtime_error);
}

TEST_P(publish_server, readers_that_pause_get_every_byte_when_writes_are_cut_short) {
    // Kernel buffers far smaller than the backlog: every gather write to a
    // paused reader is taken in part, and the rest must follow exactly.
    auto o = options();
    o.socket_send_buffer = 8 * 1024;
    start(o);
    auto fast = connect("/v1/stream");
    auto paused = connect("/v1/stream", {}, /*read=*/false, /*rcvbuf=*/4096);
    auto paused_batch = connect("/v1/stream?batch=1", {}, /*read=*/false, /*rcvbuf=*/4096);
    ASSERT_TRUE(wait_hello({fast}));
    ASSERT_TRUE(run_until(ioc, [&] { return srv->subscribers() == 3; }));
    const int total = 600;
    publish_events(total, event_type::split, "A", 1500, 50);  // about 1 MB, under the queue limit
    ASSERT_TRUE(run_until(ioc, [&] { return fast->event_seqs().size() >= total; }));
    paused->start_reading();
    paused_batch->start_reading();
    ASSERT_TRUE(run_until(ioc, [&] {
        return paused->messages.size() >= fast->messages.size() &&
               batch_lines(paused_batch->messages).size() >= fast->messages.size();
    }));
    EXPECT_EQ(paused->messages, fast->messages);
    EXPECT_EQ(batch_lines(paused_batch->messages), fast->messages);
    EXPECT_LT(paused_batch->messages.size(), fast->messages.size() / 2) << "the backlog shares frames";
    EXPECT_EQ(registry.make_counter("publish_slow_consumer_closes_total", "").value(), 0u);
}

TEST_P(publish_server, batch_subscribers_get_the_same_messages_several_to_a_frame) {
    provider.states = {{"A", R"({"event":"A"})"}};
    start();
    auto plain = connect("/v1/stream");
    auto batched = connect("/v1/stream?batch=1");
    ASSERT_TRUE(wait_hello({plain, batched}));
    publish_events(300, event_type::split, "A", 100, 100);  // bursts: frames queue up
    ASSERT_TRUE(run_until(ioc, [&] { return plain->event_seqs().size() >= 300; }));

    std::vector<std::string> lines;
    ASSERT_TRUE(run_until(ioc, [&] {
        lines = batch_lines(batched->messages);
        return lines.size() >= plain->messages.size();
    }));
    // Every message, byte for byte and in order, one JSON object per line.
    EXPECT_EQ(lines, plain->messages);
    for (const auto& line : lines) EXPECT_FALSE(parse_message(line).type.empty()) << line;
    EXPECT_LT(batched->messages.size(), lines.size() / 2) << "bursts share frames";

    auto refused = connect("/v1/stream?batch=yes");
    ASSERT_TRUE(run_until(ioc, [&] { return refused->ended; }));
    EXPECT_EQ(refused->http_status, 400u);
}

// After a stall the upstream's socket holds several frames, and the loop
// reads them one a turn (each frame's handler asks for the next). A batch=1
// subscriber shows how their events were grouped into fan-outs; every
// event must come, in order. It joins first, and is counted by the server
// before the backlog: its hello alone does not say that a shard's hub has
// taken it in.
publish_server::backlog_seen publish_server::publish_one_a_turn(int backlog) {
    auto batched = connect("/v1/stream?batch=1");
    if (!wait_hello({batched}) || !run_until(ioc, [&] { return srv->subscribers() == 1; })) {
        ADD_FAILURE() << "the batch=1 subscriber did not join";
        return {};
    }
    const auto frames_before = batched->messages.size();
    const auto lines_before = batch_lines(batched->messages).size();
    backlog_seen seen;
    std::function<void(int)> read_frame = [&](int i) {
        srv->publish(next_event(provider, event_type::split, "A"));
        if (i + 1 < backlog)
            net::post(ioc, [&, i] { read_frame(i + 1); });
        else
            seen.received_when_it_ended = batch_lines(batched->messages).size() - lines_before;
    };
    net::post(ioc, [&] { read_frame(0); });
    std::vector<std::string> lines;
    EXPECT_TRUE(run_until(ioc, [&] {
        lines = batch_lines(batched->messages);
        return lines.size() >= lines_before + static_cast<std::size_t>(backlog);
    }));
    std::vector<std::uint64_t> seqs;
    for (std::size_t i = lines_before; i < lines.size(); ++i) seqs.push_back(parse_message(lines[i]).seq);
    EXPECT_EQ(seqs, iota_seqs(1, static_cast<std::uint64_t>(backlog)));
    seen.frames = batched->messages.size() - frames_before;
    return seen;
}

// A backlog goes out in one fan-out, not one fan-out a frame each waiting
// for the writes of all before it.
TEST_P(publish_server, frames_read_one_a_turn_after_a_stall_go_out_in_one_fan_out) {
    start();
    EXPECT_EQ(publish_one_a_turn(12).frames, 1U) << "the backlog shares one frame";
}

// fanout_max_delay 0 asks for every event at once: no fan-out waits for
// the turns that would gather a backlog.
TEST_P(publish_server, with_no_fan_out_delay_frames_read_one_a_turn_go_out_one_by_one) {
    auto o = options();
    o.fanout_max_delay = std::chrono::microseconds(0);
    start(o);
    const auto seen = publish_one_a_turn(12);
    // A shard takes what the loop hands it while its thread is busy in one
    // fan-out: only the loop's own fan-outs show this.
    if (GetParam().threads == 1) {
        EXPECT_GT(seen.frames, 1U) << "the backlog waited to share a frame";
    }
}

// A fan-out waits at most 64 turns of the loop for frames already read: a
// backlog that does not end (a feed that never pauses) reaches subscribers
// while it lasts, instead of when it ends.
TEST_P(publish_server, a_backlog_longer_than_the_settle_limit_reaches_subscribers_while_it_lasts) {
    start();
    const auto seen = publish_one_a_turn(300);
    // With shards the writes are another thread's, which may not run
    // before the loop's 300 turns end: only the loop's own fan-outs show
    // this (on every thread, each event must still come, in order).
    if (GetParam().threads == 1) {
        EXPECT_GT(seen.received_when_it_ended, 0U) << "the first events waited for the whole backlog";
    }
}

// What an operator reads to know how the fan-out writes: one io_uring
// submission a fan-out on each publish thread, or none when it is turned
// off (or refused by the kernel).
TEST_P(publish_server, the_metrics_say_which_threads_write_through_io_uring) {
    start();
    std::string why;
    const bool available = send_ring::open(4, why) != nullptr;
    const auto threads = registry.make_gauge("publish_io_uring_threads", "").value();
    if (!GetParam().io_uring || !available)
        EXPECT_EQ(threads, 0);
    else
        EXPECT_EQ(threads, static_cast<std::int64_t>(GetParam().threads));
    srv->stop();  // the shards' hubs stop on their own threads
    EXPECT_TRUE(run_until(ioc, [&] {
        return registry.make_gauge("publish_io_uring_threads", "").value() == 0;
    })) << "a stopped server counts none";
}

// A kernel short of memory refuses the fan-out's io_uring submissions for
// a while (uring_faults.hpp): each refused fan-out is counted and goes
// through the reactor instead, and the subscribers, plain and batch=1, get
// every event once, without waiting for the kernel to take the ring again.
// Without io_uring nothing is asked of it, and nothing refused.
TEST_P(publish_server, while_io_uring_refuses_the_fan_out_subscribers_get_every_event_once) {
    start();
    const bool ring = registry.make_gauge("publish_io_uring_threads", "").value() > 0;
    std::vector<std::string> targets;
    for (int i = 0; i < 6; ++i) targets.push_back(i % 2 == 0 ? "/v1/stream" : "/v1/stream?batch=1");
    const auto subs = join(targets);
    const auto event_seqs = [](const ws_client& c) {
        std::vector<std::uint64_t> seqs;
        for (const auto& line : batch_lines(c.messages)) {
            const auto m = parse_message(line);
            if (is_derived_type(m.type)) seqs.push_back(m.seq);
        }
        return seqs;
    };
    const auto got_all = [&](std::size_t n) {
        return run_until(ioc, [&] {
            return std::all_of(subs.begin(), subs.end(), [&](auto& c) { return event_seqs(*c).size() >= n; });
        });
    };

    // Eight tries a submission, so the first five fan-outs are refused
    // (one an event: each delivered before the next is published, so that
    // a slow fan-out does not take two events at once).
    test::uring_faults::refuse_submits(40, EAGAIN);
    bool refused_ones_came = true;
    for (std::size_t n = 1; n <= 5; ++n) {
        publish_events(1, event_type::split, "M1500-F", 0, 1);
        refused_ones_came = got_all(n) && refused_ones_came;
    }
    const int refused_then = test::uring_faults::submits_refused();
    publish_events(25, event_type::split, "M1500-F", 0, 1);
    const bool all = got_all(30);
    const int refused = test::uring_faults::submits_refused();
    test::uring_faults::clear();

    EXPECT_TRUE(refused_ones_came) << "events of refused fan-outs are not held back";
    ASSERT_TRUE(all);
    for (auto& c : subs) EXPECT_EQ(event_seqs(*c), iota_seqs(1, 30));
    const auto refusals = registry.make_counter("publish_send_ring_refusals_total", "").value();
    // An operator reads one warning a streak of refusals, with the
    // kernel's reason, and one line when the ring takes the writes again.
    const auto warned =
        logged("warning io_uring refused a fan-out's writes (Resource temporarily unavailable)");
    const auto taken_again = logged("info io_uring takes the fan-out's writes again");
    if (!ring) {
        EXPECT_EQ(refused, 0);
        EXPECT_EQ(refusals, 0u);
        EXPECT_EQ(warned, 0u);
    } else if (GetParam().threads == 1) {
        EXPECT_EQ(refused_then, 40) << "the refusals came with the first five";
        EXPECT_EQ(refusals, 5u);
        EXPECT_EQ(warned, 1u) << "once a streak, not once a refusal";
    } else {  // the shards' rings share the refusals out, each its own streak
        EXPECT_EQ(refused, 40);
        EXPECT_GE(refusals, 1u);
        EXPECT_LE(refusals, 5u);
        EXPECT_GE(warned, 1u);
        EXPECT_LE(warned, std::min<std::size_t>(refusals, GetParam().threads));
    }
    EXPECT_EQ(taken_again, warned) << "every streak ended: the later fan-outs were taken";
}

// A kernel that refuses every submission, through the stop: the stop still
// ends every session with its close frame.
TEST_P(publish_server, a_stop_while_io_uring_refuses_still_ends_every_session) {
    start();
    const auto subs = join(std::vector<std::string>(4, "/v1/stream"));
    test::uring_faults::refuse_submits(1 << 30, ENOMEM);
    publish_events(5, event_type::split, "M1500-F");
    EXPECT_TRUE(run_until(ioc, [&] {
        return std::all_of(subs.begin(), subs.end(), [](auto& c) { return c->event_seqs().size() >= 5; });
    })) << "a refused fan-out is not held back";
    const bool ended = stop_and_wait_for_every_session();
    test::uring_faults::clear();
    ASSERT_TRUE(ended) << "sessions still open: " << srv->connections();
    for (auto& c : subs) {
        EXPECT_EQ(c->event_seqs(), iota_seqs(1, 5));
        EXPECT_EQ(c->close.code, 1001);
    }
}

// A kernel that runs each send on its worker threads, to complete it after
// the submit (uring_faults.hpp): the loop is not held by it, and the end of
// each send is reaped within a millisecond, not at a fan-out that may never
// come. Here none comes: one burst, more frames than one write gathers, so
// every subscriber's second write waits for the first to be told.
TEST_P(publish_server, sends_the_kernel_completes_later_are_reaped_without_another_fan_out) {
    start();
    const auto subs = join(std::vector<std::string>(3, "/v1/stream"));
    const int total = publish_a_burst_completed_later();
    const bool all = run_until(ioc, [&] {
        return std::all_of(subs.begin(), subs.end(), [&](auto& c) {
            return c->event_seqs().size() >= static_cast<std::size_t>(total);
        });
    });
    test::uring_faults::clear();
    ASSERT_TRUE(all);
    for (auto& c : subs) EXPECT_EQ(c->event_seqs(), iota_seqs(1, total));
}

// The same kernel at a stop: the sends it still has are reaped, and every
// session ends with its close frame after what it was sending. (Events
// not yet offered to a subscriber when the stop comes are not sent: it
// resumes with since= elsewhere.)
TEST_P(publish_server, a_stop_waits_for_the_sends_the_kernel_completes_later_and_ends_every_session) {
    start();
    const auto subs = join(std::vector<std::string>(3, "/v1/stream"));
    publish_a_burst_completed_later();
    // Stop as soon as frames arrive at every subscriber (each shard fans
    // out on its own thread): each one's first write is then with the
    // kernel, the rest of its frames behind it.
    const auto all_began = [&] {
        return std::all_of(subs.begin(), subs.end(), [](auto& c) { return !c->event_seqs().empty(); });
    };
    for (int i = 0; i < 1'000'000 && !all_began(); ++i) {
        ioc.poll();
        if (ioc.stopped()) ioc.restart();
    }
    ASSERT_TRUE(all_began());
    const bool ended = stop_and_wait_for_every_session();
    test::uring_faults::clear();
    ASSERT_TRUE(ended) << "sessions still open: " << srv->connections();
    for (auto& c : subs) {
        EXPECT_EQ(c->close.code, 1001);
        const auto& seqs = c->event_seqs();
        EXPECT_FALSE(seqs.empty());
        EXPECT_EQ(seqs, iota_seqs(1, seqs.size())) << "in order, none twice, none skipped";
    }
}

INSTANTIATE_TEST_SUITE_P(threads, publish_server,
                         ::testing::Values(layout{1, true}, layout{3, true}, layout{1, false}),
                         [](const auto& info) {
                             if (!info.param.io_uring) return "one_thread_sendmsg";
                             return info.param.threads == 1 ? "one_thread" : "three_threads";
                         });

}  // namespace
}  // namespace splitstream::publish
