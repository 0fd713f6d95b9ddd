// The daemon as a library over real sockets on 127.0.0.1, without the
// program: frames pushed by a timing system or served by an upstream reach
// a WebSocket subscriber as the engine's events; every event a subscriber
// gets is in the journal by then; a journal that cannot be written does not
// stop the stream; a second service on the same journal serves the same
// epoch, head and history, and `since` resumes exactly where it is asked.

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <sched.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "replay/recovery.hpp"
#include "tests/daemon/daemon_test_support.hpp"
#include "tests/replay/replay_test_support.hpp"

namespace splitstream::daemon::testing {
namespace {

std::vector<std::uint64_t> seqs_from(std::uint64_t first, std::uint64_t last) {
    std::vector<std::uint64_t> out;
    for (auto s = first; s <= last; ++s) out.push_back(s);
    return out;
}

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// The derived events of the journal at `path` as it is now, by seq.
std::vector<feed::derived_event> journalled_events(const std::filesystem::path& path) {
    feed::engine engine;
    ingest::frame_parser parser;
    std::error_code ec;
    auto result = replay::recover(path, engine, parser, {}, ec);
    EXPECT_FALSE(ec) << ec.message();
    return std::move(result.events);
}

TEST(Service, PushedFramesReachASubscriberAsTheEnginesEvents) {
    net::io_context ioc;
    running_service svc(ioc, push_options());
    ASSERT_NE(svc->port(), 0);
    ASSERT_NE(svc.feed_endpoint().port(), 0);

    auto sub = std::make_shared<ws_client>(ioc);
    sub->start(svc->port(), "/v1/stream");
    ASSERT_TRUE(run_until(ioc, [&] { return !sub->messages.empty(); }));
    EXPECT_EQ(sub->parsed().front().type, "hello");

    const auto frames = reference_frames(0, 60);
    const auto expected = race_events(frames);
    ASSERT_GT(expected.size(), 20u);
    auto pushed = push(ioc, svc.feed_endpoint(), frames);
    ASSERT_TRUE(run_until(
        ioc, [&] { return pushed->done && race_events_received(*sub).size() >= expected.size(); }, 10s));
    EXPECT_EQ(pushed->failed, nullptr);
    EXPECT_EQ(race_events_received(*sub), expected);
    EXPECT_GE(sub->count_type("feed"), 1u) << "the pusher's connection is announced";
    EXPECT_EQ(sub->event_seqs(), seqs_from(1, sub->event_seqs().size())) << "one stream, no gap";

    const auto health = http_get(ioc, svc->port(), "/healthz");
    EXPECT_TRUE(has(health.body, "\"feed_seq\":60")) << health.body;
    EXPECT_TRUE(has(health.body, "\"recovered\":true")) << health.body;
    EXPECT_EQ(http_get(ioc, svc->port(), "/readyz").status, 200u) << "push only: ready once recovered";
}

// The threads of this process at the idle priority (SCHED_IDLE).
std::vector<pid_t> idle_priority_threads() {
    std::vector<pid_t> out;
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
        const auto tid = static_cast<pid_t>(std::stol(task.path().filename().string()));
        if (sched_getscheduler(tid) == SCHED_IDLE) out.push_back(tid);
    }
    return out;
}

// R (running or waiting for a core) or S (asleep), from /proc; 0 once gone.
char thread_state(pid_t tid) {
    std::ifstream stat("/proc/self/task/" + std::to_string(tid) + "/stat");
    std::string line;
    if (!std::getline(stat, line)) return 0;
    const auto after_name = line.rfind(')');
    return after_name + 2 < line.size() ? line[after_name + 2] : 0;
}

TEST(Service, KeepAwakeSpinsWhileRaceFramesComeNotForHeartbeatsAndEndsWithTheStop) {
    net::io_context ioc;
    {
        running_service plain(ioc, push_options());
        EXPECT_TRUE(idle_priority_threads().empty()) << "off unless asked for";
        EXPECT_FALSE(has(http_get(ioc, plain->port(), "/metrics").body, "keep_awake_"));
    }
    auto options = push_options();
    options.keep_awake = 1s;
    running_service svc(ioc, options);
    const auto spinners = idle_priority_threads();
    ASSERT_EQ(spinners.size(), 1u);
    const pid_t tid = spinners.front();
    EXPECT_TRUE(run_until(
        ioc, [&] { return thread_state(tid) == 'S'; }, 5s))
        << "asleep before the first frame";

    // One frame every 50 ms for a second: on a loaded machine a thread at
    // idle priority may wait long to run, but not past the whole feed.
    auto pushed = push(ioc, svc.feed_endpoint(), reference_frames(0, 20), 50ms);
    EXPECT_TRUE(run_until(
        ioc, [&] { return thread_state(tid) == 'R'; }, 5s))
        << "spinning once frames came";
    EXPECT_TRUE(run_until(
        ioc, [&] { return has(http_get(ioc, svc->port(), "/metrics").body, "\nkeep_awake_spinning 1\n"); },
        5s))
        << "/metrics says so";
    ASSERT_TRUE(run_until(
        ioc, [&] { return pushed->done; }, 10s));
    EXPECT_EQ(pushed->failed, nullptr);
    EXPECT_TRUE(run_until(
        ioc, [&] { return thread_state(tid) == 'S'; }, 5s))
        << "asleep once they stopped";
    const auto metrics = http_get(ioc, svc->port(), "/metrics").body;
    EXPECT_TRUE(has(metrics, "\nkeep_awake_spinning 0\n")) << metrics;
    EXPECT_TRUE(has(metrics, "\nkeep_awake_cpu_microseconds_total ")) << metrics;
    EXPECT_FALSE(has(metrics, "\nkeep_awake_cpu_microseconds_total 0\n")) << "what it spun is counted";

    // A feed between races: heartbeats only, one every 50 ms for 0.6 s.
    const std::vector<std::string> heartbeats(12,
                                              R"({"seq":5,"type":"heartbeat","ts":"2024-08-06T19:49:02Z"})");
    auto beating = push(ioc, svc.feed_endpoint(), heartbeats, 50ms);
    bool woke = false;
    ASSERT_TRUE(run_until(
        ioc,
        [&] {
            woke = woke || thread_state(tid) == 'R';
            return beating->done;
        },
        10s));
    EXPECT_EQ(beating->failed, nullptr);
    EXPECT_FALSE(woke) << "heartbeats alone keep nothing awake";

    svc.stop();
    EXPECT_EQ(thread_state(tid), 0) << "the stop ends the thread";
}

TEST(Service, UpstreamFramesReachASubscriberAndMakeItReady) {
    net::io_context ioc;
    const auto frames = reference_frames(0, 40);
    fake_upstream upstream(ioc, frames);
    auto options = push_options();
    options.ingest.listen.reset();
    options.ingest.upstreams.push_back({.url = upstream.url()});
    running_service svc(ioc, options);
    EXPECT_EQ(svc->feed_endpoint(), std::nullopt);

    auto sub = std::make_shared<ws_client>(ioc);
    sub->start(svc->port(), "/v1/stream?since=0");
    const auto expected = race_events(frames);
    ASSERT_TRUE(run_until(
        ioc, [&] { return race_events_received(*sub).size() >= expected.size(); }, 10s));
    EXPECT_EQ(race_events_received(*sub), expected);

    const auto ready = http_get(ioc, svc->port(), "/readyz");
    EXPECT_EQ(ready.status, 200u) << ready.body;
    EXPECT_TRUE(has(ready.body, "\"upstreams_connected\":1")) << ready.body;
}

TEST(Service, AnUpstreamThatCannotBeReachedLeavesItNotReady) {
    net::io_context ioc;
    std::uint16_t closed_port = 0;
    {
        tcp::acceptor probe(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
        closed_port = probe.local_endpoint().port();
    }
    auto options = push_options();
    options.ingest.listen.reset();
    options.ingest.upstreams.push_back({.url = "ws://127.0.0.1:" + std::to_string(closed_port) + "/feed"});
    running_service svc(ioc, options);
    const auto ready = http_get(ioc, svc->port(), "/readyz");
    EXPECT_EQ(ready.status, 503u) << ready.body;
    EXPECT_TRUE(has(ready.body, "\"upstreams_connected\":0")) << ready.body;
}

TEST(Service, StartReportsWhyItCannotServe) {
    net::io_context ioc;
    tcp::acceptor taken(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    auto options = push_options();
    options.publish.listen_port = taken.local_endpoint().port();
    service svc(ioc, options, quiet_logs());
    const auto error = svc.start();
    ASSERT_TRUE(error.has_value());
    EXPECT_TRUE(has(*error, "cannot serve")) << *error;
}

// ---------------------------------------------------------------- write-ahead

TEST(WriteAhead, EveryEventASubscriberGetsIsInTheJournalWhenItArrives) {
    const auto journal = replay::fresh_dir("journal") / "journal";
    net::io_context ioc;
    auto options = push_options();
    options.journal_path = journal.string();
    running_service svc(ioc, options);

    auto sub = std::make_shared<ws_client>(ioc);
    std::size_t checked = 0;
    sub->on_message = [&](const std::string& text) {
        const auto m = publish::testing::parse_message(text);
        if (!publish::testing::is_derived_type(m.type)) return;
        // Read at the moment it arrives: the journal already rebuilds it,
        // byte for byte.
        const auto events = journalled_events(journal);
        ASSERT_GE(events.size(), m.seq) << "event " << m.seq << " arrived before it was journalled";
        EXPECT_EQ(events[m.seq - 1].json, text);
        ++checked;
    };
    sub->start(svc->port(), "/v1/stream");
    ASSERT_TRUE(run_until(ioc, [&] { return sub->open; }));

    const auto frames = reference_frames(0, 50);
    auto pushed = push(ioc, svc.feed_endpoint(), frames);
    const auto expected = race_events(frames);
    ASSERT_TRUE(run_until(
        ioc, [&] { return pushed->done && race_events_received(*sub).size() >= expected.size(); }, 10s));
    EXPECT_EQ(checked, sub->event_seqs().size());
    EXPECT_GT(checked, expected.size());
}

// Files this process writes may not grow past their present size while it
// lives (writes beyond get EFBIG instead of SIGXFSZ); restored when dropped.
class file_size_limit {
public:
    explicit file_size_limit(rlim_t bytes) {
        ::getrlimit(RLIMIT_FSIZE, &saved_);
        old_handler_ = std::signal(SIGXFSZ, SIG_IGN);
        rlimit limit = saved_;
        limit.rlim_cur = bytes;
        ::setrlimit(RLIMIT_FSIZE, &limit);
    }
    ~file_size_limit() {
        ::setrlimit(RLIMIT_FSIZE, &saved_);
        std::signal(SIGXFSZ, old_handler_);
    }
    file_size_limit(const file_size_limit&) = delete;
    file_size_limit& operator=(const file_size_limit&) = delete;

private:
    rlimit saved_{};
    void (*old_handler_)(int) = nullptr;
};

// docs/operations.md, "Disk full": the daemon keeps ingesting and
// publishing, counts journal_errors_total, and the journal lacks what
// failed.
TEST(WriteAhead, AJournalThatCannotBeWrittenIsCountedAndTheStreamGoesOn) {
    const auto journal = replay::fresh_dir("journal") / "journal";
    net::io_context ioc;
    auto options = push_options();
    options.journal_path = journal.string();
    running_service svc(ioc, options);
    auto sub = std::make_shared<ws_client>(ioc);
    sub->start(svc->port(), "/v1/stream");
    ASSERT_TRUE(run_until(ioc, [&] { return sub->open; }));

    const auto first = reference_frames(0, 20);
    auto pushed = push(ioc, svc.feed_endpoint(), first);
    ASSERT_TRUE(run_until(
        ioc, [&] { return pushed->done && race_events_received(*sub).size() >= race_events(first).size(); }));
    const auto journalled_before = journalled_events(journal).size();

    const auto all = reference_frames(0, 50);
    std::vector<std::string> second{all.front()};  // the hello, then what follows
    second.insert(second.end(), all.begin() + 20, all.end());
    {
        file_size_limit full(std::filesystem::file_size(journal));
        pushed = push(ioc, svc.feed_endpoint(), second);
        ASSERT_TRUE(run_until(ioc, [&] {
            return pushed->done && race_events_received(*sub).size() >= race_events(all).size();
        }));
    }
    EXPECT_EQ(race_events_received(*sub), race_events(all)) << "subscribers are not cut off";
    const auto metrics = http_get(ioc, svc->port(), "/metrics");
    EXPECT_TRUE(has(metrics.body, "journal_errors_total ")) << metrics.body;
    EXPECT_FALSE(has(metrics.body, "journal_errors_total 0\n")) << "every failed write is counted";
    EXPECT_EQ(journalled_events(journal).size(), journalled_before) << "what failed is not in the journal";
}

// ---------------------------------------------------------------- recovery

TEST(Recovery, ASecondServiceOnTheJournalServesTheSameEpochHeadAndHistory) {
    const auto journal = replay::fresh_dir("journal") / "journal";
    net::io_context ioc;
    auto options = push_options();
    options.journal_path = journal.string();
    const auto all = reference_frames(0, 120);
    const std::vector<std::string> first(all.begin(), all.begin() + 80);

    std::string epoch;
    std::uint64_t head = 0;
    std::vector<std::string> history;  // every derived event the first service sent, as sent
    {
        running_service one(ioc, options);
        auto sub = std::make_shared<ws_client>(ioc);
        sub->start(one->port(), "/v1/stream");
        ASSERT_TRUE(run_until(ioc, [&] { return sub->open; }));
        auto pushed = push(ioc, one.feed_endpoint(), first);
        // Until the pusher's disconnection has been published too.
        ASSERT_TRUE(run_until(
            ioc,
            [&] {
                return pushed->done && has(one->health_json(), "\"upstreams_connected\":0") &&
                       race_events_received(*sub).size() >= race_events(first).size() &&
                       sub->event_seqs().back() == one->head();
            },
            10s));
        epoch = one->epoch();
        head = one->head();
        for (std::size_t i = 0; i < sub->messages.size(); ++i)
            if (publish::testing::is_derived_type(sub->parsed()[i].type)) history.push_back(sub->messages[i]);
        ASSERT_EQ(history.size(), head);
        sub->close_normally();
        one.stop();
    }

    running_service two(ioc, options);
    EXPECT_EQ(two->epoch(), epoch);
    EXPECT_EQ(two->head(), head);
    const auto health = http_get(ioc, two->port(), "/healthz");
    EXPECT_TRUE(has(health.body, "\"feed_seq\":80")) << health.body;

    // The whole history again, byte for byte.
    auto whole = std::make_shared<ws_client>(ioc);
    whole->start(two->port(), "/v1/stream?since=0&epoch=" + epoch);
    ASSERT_TRUE(run_until(ioc, [&] { return whole->event_seqs().size() >= head; }));
    EXPECT_TRUE(has(whole->messages.front(), "\"resume\":true")) << whole->messages.front();
    EXPECT_TRUE(has(whole->messages.front(), "\"head\":" + std::to_string(head))) << whole->messages.front();
    EXPECT_EQ(std::vector<std::string>(whole->messages.begin() + 1, whole->messages.end()), history);

    // `since` in the middle: exactly what follows, then the live events.
    const auto since = head / 2;
    auto resumed = std::make_shared<ws_client>(ioc);
    resumed->start(two->port(), "/v1/stream?since=" + std::to_string(since) + "&epoch=" + epoch);
    ASSERT_TRUE(run_until(ioc, [&] { return resumed->event_seqs().size() >= head - since; }));
    EXPECT_EQ(std::vector<std::string>(resumed->messages.begin() + 1, resumed->messages.end()),
              std::vector<std::string>(history.begin() + static_cast<std::ptrdiff_t>(since), history.end()));

    std::vector<std::string> rest{all.front()};  // the hello, then what follows
    rest.insert(rest.end(), all.begin() + 80, all.end());
    auto pushed = push(ioc, two.feed_endpoint(), rest);
    const auto expected = race_events(all);
    ASSERT_TRUE(run_until(
        ioc,
        [&] {
            return pushed->done && has(two->health_json(), "\"upstreams_connected\":0") &&
                   race_events_received(*whole).size() >= expected.size() &&
                   whole->event_seqs().back() == two->head() && resumed->event_seqs().back() == two->head();
        },
        10s));
    EXPECT_EQ(race_events_received(*whole), expected) << "the race goes on where the first service left it";
    EXPECT_EQ(whole->event_seqs(), seqs_from(1, two->head())) << "nothing lost, nothing twice";
    EXPECT_EQ(resumed->event_seqs(), seqs_from(since + 1, two->head()));
}

}  // namespace
}  // namespace splitstream::daemon::testing
