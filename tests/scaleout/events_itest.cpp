// Derived events on their NATS subjects (docs/scale-out.md, Derived events
// on subjects): each ingest node publishes every event it derives with
// message id `<epoch>:<seq>` and waits for JetStream's acknowledgement,
// sending again what is not acknowledged; the events stream holds each
// event once, whatever NATS does meanwhile. What the bounded event buffer
// cannot hold is counted and logged, never lost silently.

#include <gtest/gtest.h>

#include <regex>

#include "tests/scaleout/scaleout_test_support.hpp"

namespace splitstream::scaleout::testing {
namespace {

const std::string events_stream = scaleout::nats_options{}.events_stream;

// The value of the metric line `name` (no labels) in /metrics of `port`.
std::optional<std::uint64_t> metric(net::io_context& ioc, std::uint16_t port, const std::string& name) {
    const auto body = http_get(ioc, port, "/metrics").body;
    std::smatch m;
    if (!std::regex_search(body, m, std::regex("\n" + name + " (\\d+)"))) return std::nullopt;
    return std::stoull(m[1]);
}

// Runs `ioc` until the events stream holds at least `count` events
// (bounded); the ids stored then.
std::vector<std::string> wait_events_stored(net::io_context& ioc, const std::vector<std::string>& urls,
                                            std::size_t count, std::chrono::milliseconds limit = 20s) {
    std::vector<std::string> ids;
    run_until(
        ioc,
        [&] {
            if (auto now = stored_ids(urls, events_stream)) ids = std::move(*now);
            if (ids.size() >= count) return true;
            ioc.run_for(50ms);
            return false;
        },
        limit);
    return ids;
}

TEST(ScaleOutEvents, TwoIngestNodesStoreEveryEventOnceThroughANatsRestartMidRace) {
    SKIP_WITHOUT_NATS_SERVER();
    nats_server server("n1", scratch_dir("events-restart"));
    server.start();
    ASSERT_TRUE(server.wait_healthy());

    net::io_context ioc;
    running_service a(ioc, ingest_node({server.url()}));
    running_service b(ioc, ingest_node({server.url()}));
    ASSERT_TRUE(run_until(
        ioc, [&] { return a->ready() && b->ready(); }, 10s));

    // The same timing feed pushed to both nodes, as a race runs.
    const auto all = reference_frames();
    const auto expected = race_events(all);
    auto to_a = daemon::testing::push(ioc, a.feed_endpoint(), all, 10ms);
    auto to_b = daemon::testing::push(ioc, b.feed_endpoint(), all, 10ms);
    ASSERT_TRUE(run_until(
        ioc, [&] { return a->head() > 30 && b->head() > 30; }, 10s))
        << "the race is under way";

    // NATS stops mid-race, for a while, and comes back on the same store.
    server.kill9();
    ASSERT_TRUE(run_until(
        ioc, [&] { return http_get(ioc, a->port(), "/readyz").status == 503; }, 10s));
    ioc.run_for(300ms);
    server.start();
    ASSERT_TRUE(server.wait_healthy());
    ASSERT_TRUE(run_until(
        ioc, [&] { return to_a->done && to_b->done; }, 20s));

    const auto ids = wait_events_stored(ioc, {server.url()}, expected.size());
    EXPECT_TRUE(one_copy_each(ids, a->epoch(), 1, expected.size()));
    EXPECT_EQ(a->epoch(), b->epoch());
    ASSERT_TRUE(run_until(
        ioc,
        [&] {
            return metric(ioc, a->port(), "nats_events_backlog") == 0u &&
                   metric(ioc, b->port(), "nats_events_backlog") == 0u;
        },
        10s))
        << "every event acknowledged on both nodes";
    for (const auto* node : {&a, &b}) {
        EXPECT_EQ(metric(ioc, (*node)->port(), "nats_events_dropped_total"), 0u);
        EXPECT_EQ(metric(ioc, (*node)->port(), "nats_reconnects_total"), 1u);
    }
    // Each event was stored by one node; the other's copy was a duplicate
    // (or its own resend of one whose acknowledgement NATS took with it).
    const auto stored = *metric(ioc, a->port(), "nats_events_published_total") +
                        *metric(ioc, b->port(), "nats_events_published_total");
    EXPECT_LE(stored, expected.size());
    EXPECT_GE(stored + *metric(ioc, a->port(), "nats_events_duplicates_total") +
                  *metric(ioc, b->port(), "nats_events_duplicates_total"),
              expected.size());

    // The events on the subjects are those the WebSocket stream carries.
    auto sub = subscribe_all(ioc, b->port());
    ASSERT_TRUE(run_until(
        ioc, [&] { return derived_received(*sub).size() >= expected.size(); }, 10s));
    EXPECT_EQ(race_events_received(*sub), expected);
}

// A stream named as the events stream that does not take the events'
// subjects: JetStream answers every event "no responders", as it would a
// stream that cannot store.
void add_foreign_events_stream(const std::string& url) {
    natsConnection* raw_nc = nullptr;
    ASSERT_EQ(natsConnection_ConnectTo(&raw_nc, url.c_str()), NATS_OK);
    connection_ptr nc(raw_nc);
    jsCtx* raw_js = nullptr;
    ASSERT_EQ(natsConnection_JetStream(&raw_js, nc.get(), nullptr), NATS_OK);
    jetstream_ptr js(raw_js);
    jsStreamConfig cfg;
    jsStreamConfig_Init(&cfg);
    const char* subjects[] = {"elsewhere.>"};
    cfg.Name = events_stream.c_str();
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    jsStreamInfo* raw_info = nullptr;
    ASSERT_EQ(js_AddStream(&raw_info, js.get(), &cfg, nullptr, nullptr), NATS_OK);
    stream_info_ptr info(raw_info);
    natsConnection_Close(nc.get());
}

TEST(ScaleOutEvents, EventsTheBufferCannotHoldAreCountedAndTheRestWait) {
    SKIP_WITHOUT_NATS_SERVER();
    nats_server server("n1", scratch_dir("events-overflow"));
    server.start();
    ASSERT_TRUE(server.wait_healthy());
    add_foreign_events_stream(server.url());

    net::io_context ioc;
    auto options = ingest_node({server.url()});
    options.nats->buffer_events = 5;
    running_service node(ioc, options);
    ASSERT_TRUE(run_until(
        ioc, [&] { return node->ready(); }, 10s));

    const auto all = reference_frames();
    const auto expected = race_events(all);
    auto pushed = daemon::testing::push(ioc, node.feed_endpoint(), all);
    ASSERT_TRUE(run_until(
        ioc, [&] { return pushed->done && node->head() >= expected.size(); }, 15s));

    EXPECT_EQ(metric(ioc, node->port(), "nats_events_backlog"), 5u) << "the buffer holds what it can";
    EXPECT_EQ(metric(ioc, node->port(), "nats_events_dropped_total"), expected.size() - 5);
    EXPECT_EQ(metric(ioc, node->port(), "nats_events_published_total"), 0u);
    ASSERT_TRUE(run_until(
        ioc, [&] { return metric(ioc, node->port(), "nats_events_refused_total") > 0u; }, 5s))
        << "the waiting events are sent again";
    const auto health = http_get(ioc, node->port(), "/healthz").body;
    EXPECT_TRUE(has(health, "\"events_backlog\":5")) << health;
    // The WebSocket stream loses nothing for it.
    auto sub = subscribe_all(ioc, node->port());
    ASSERT_TRUE(run_until(
        ioc, [&] { return derived_received(*sub).size() >= expected.size(); }, 10s));
    EXPECT_EQ(race_events_received(*sub), expected);
}

}  // namespace
}  // namespace splitstream::scaleout::testing
