// Ingest nodes and relays on one real nats-server (docs/scale-out.md): two
// ingest nodes on the same upstream store one copy of every frame; every
// node, ingest or relay, serves the same derived stream byte for byte with
// the same seqs, so a subscriber moves between nodes with `since=N`.

#include <gtest/gtest.h>

#include "tests/scaleout/scaleout_test_support.hpp"

namespace splitstream::scaleout::testing {
namespace {

TEST(ScaleOut, TwoIngestNodesOnOneUpstreamStoreOneCopyOfEveryFrameAndServeTheSameStream) {
    SKIP_WITHOUT_NATS_SERVER();
    nats_server server("n1", scratch_dir("two-ingest"));
    server.start();
    ASSERT_TRUE(server.wait_healthy());

    net::io_context ioc;
    const auto frames = reference_frames();
    daemon::testing::fake_upstream upstream(ioc, frames);
    auto options = ingest_node({server.url()});
    options.ingest.listen.reset();
    options.ingest.upstreams.push_back({.url = upstream.url()});
    running_service a(ioc, options);
    running_service b(ioc, options);

    const auto last_seq = frames.size();
    const auto ids = wait_stored(ioc, {server.url()}, last_seq - 1);
    EXPECT_TRUE(one_copy_each(ids, reference_epoch, first_data_seq, last_seq));

    const auto expected = race_events(frames);
    auto sub_a = subscribe_all(ioc, a->port());
    auto sub_b = subscribe_all(ioc, b->port());
    ASSERT_TRUE(run_until(
        ioc,
        [&] {
            return derived_received(*sub_a).size() >= expected.size() &&
                   derived_received(*sub_b).size() >= expected.size();
        },
        10s));
    EXPECT_EQ(race_events_received(*sub_a), expected);
    EXPECT_EQ(derived_received(*sub_a), derived_received(*sub_b)) << "the same bytes, the same seqs";
    EXPECT_EQ(sub_a->event_seqs(), seqs_from(1, expected.size()))
        << "upstream health is node-local: no `feed` event takes a seq of the shared stream";
    EXPECT_EQ(http_get(ioc, a->port(), "/readyz").status, 200u);

    // Each derived event is on its subject once, with the shared seq.
    std::vector<std::string> subjects;
    std::vector<std::string> event_ids;
    run_until(
        ioc,
        [&] {
            if (auto now = stored_ids({server.url()}, "SPLITSTREAM_EVENTS", &subjects))
                event_ids = std::move(*now);
            ioc.run_for(50ms);
            return event_ids.size() >= expected.size();
        },
        10s);
    EXPECT_TRUE(one_copy_each(event_ids, a->epoch(), 1, expected.size()));
    ASSERT_FALSE(subjects.empty());
    EXPECT_EQ(subjects.front(), "splitstream.events.M1500-F.startlist");
}

TEST(ScaleOut, ARelayWithoutAnUpstreamIsKeptAwakeByTheStreamsFrames) {
    SKIP_WITHOUT_NATS_SERVER();
    nats_server server("n1", scratch_dir("relay-awake"));
    server.start();
    ASSERT_TRUE(server.wait_healthy());

    net::io_context ioc;
    running_service ingest(ioc, ingest_node({server.url()}));
    auto relay_options = relay_node({server.url()});
    relay_options.keep_awake = 1s;
    running_service relay(ioc, relay_options);
    ASSERT_TRUE(run_until(
        ioc, [&] { return ingest->ready() && relay->ready(); }, 10s));
    const auto relay_metrics = [&] { return http_get(ioc, relay->port(), "/metrics").body; };
    EXPECT_TRUE(has(relay_metrics(), "\nkeep_awake_spinning 0\n")) << "no frame yet";

    // One frame every 50 ms for a second, as a race would send them.
    auto pushed = daemon::testing::push(ioc, ingest.feed_endpoint(), reference_frames(0, 20), 50ms);
    bool spun = false;
    EXPECT_TRUE(run_until(
        ioc,
        [&] {
            spun = spun || has(relay_metrics(), "\nkeep_awake_spinning 1\n");
            return spun && pushed->done;
        },
        10s))
        << "the relay reads no upstream: the frames it takes from the stream keep its loop awake";
}

TEST(ScaleOut, RelaysServeTheIngestNodesStreamAndASubscriberMovesBetweenThemWithSince) {
    SKIP_WITHOUT_NATS_SERVER();
    nats_server server("n1", scratch_dir("relays"));
    server.start();
    ASSERT_TRUE(server.wait_healthy());

    net::io_context ioc;
    running_service ingest(ioc, ingest_node({server.url()}));
    running_service relay_a(ioc, relay_node({server.url()}));
    running_service relay_b(ioc, relay_node({server.url()}));
    // As a load balancer would: a node is in rotation once /readyz says so.
    ASSERT_TRUE(run_until(
        ioc, [&] { return ingest->ready() && relay_a->ready() && relay_b->ready(); }, 10s));

    const auto all = reference_frames();
    const auto first_part = reference_frames(0, 100);
    auto second_part = reference_frames(100);
    second_part.insert(second_part.begin(), all.front());  // a new connection says hello first
    const auto expected_first = race_events(first_part).size();
    const auto expected_all = race_events(all).size();

    // The subscriber follows relay A through the first part of the race...
    auto on_a = std::make_shared<ws_client>(ioc);
    on_a->start(relay_a->port(), "/v1/stream");
    ASSERT_TRUE(run_until(ioc, [&] { return !on_a->messages.empty(); }));
    auto pushed = daemon::testing::push(ioc, ingest.feed_endpoint(), first_part);
    ASSERT_TRUE(run_until(
        ioc, [&] { return pushed->done && on_a->event_seqs().size() >= expected_first; }, 15s))
        << pushed->done << " got " << on_a->event_seqs().size() << " want " << expected_first
        << " relay head " << relay_a->head() << " ingest head " << ingest->head() << " msgs "
        << on_a->messages.size();
    const auto resume_at = on_a->event_seqs().back();
    EXPECT_EQ(on_a->event_seqs(), seqs_from(1, expected_first));
    on_a->close_normally();

    // ...relay A goes out of its rotation; the race goes on; it comes back on relay B.
    pushed = daemon::testing::push(ioc, ingest.feed_endpoint(), second_part);
    ASSERT_TRUE(run_until(
        ioc, [&] { return pushed->done; }, 15s));
    auto on_b = std::make_shared<ws_client>(ioc);
    on_b->start(relay_b->port(), "/v1/stream?since=" + std::to_string(resume_at));
    ASSERT_TRUE(run_until(
        ioc, [&] { return on_b->event_seqs().size() >= expected_all - resume_at; }, 15s));
    EXPECT_EQ(on_b->count_type("snapshot"), 0u) << "relay B knows seq " << resume_at << " of the same epoch";
    EXPECT_EQ(on_b->event_seqs(), seqs_from(resume_at + 1, expected_all)) << "every event exactly once";

    auto whole_ingest = subscribe_all(ioc, ingest->port());
    auto whole_a = subscribe_all(ioc, relay_a->port());
    auto whole_b = subscribe_all(ioc, relay_b->port());
    ASSERT_TRUE(run_until(
        ioc,
        [&] {
            for (const auto& s : {whole_ingest, whole_a, whole_b})
                if (derived_received(*s).size() < expected_all) return false;
            return true;
        },
        10s));
    EXPECT_EQ(derived_received(*whole_a), derived_received(*whole_ingest));
    EXPECT_EQ(derived_received(*whole_b), derived_received(*whole_ingest));
    EXPECT_EQ(race_events_received(*whole_b), race_events(all));

    // What the subscriber got, from two relays, is the ingest node's stream.
    auto moved = derived_received(*on_a);
    const auto rest = derived_received(*on_b);
    moved.insert(moved.end(), rest.begin(), rest.end());
    EXPECT_EQ(moved, derived_received(*whole_ingest));
}

TEST(ScaleOut, ARelayRestartedMidRaceCatchesUpAndItsSubscribersResumeWithoutLoss) {
    SKIP_WITHOUT_NATS_SERVER();
    nats_server server("n1", scratch_dir("relay-restart"));
    server.start();
    ASSERT_TRUE(server.wait_healthy());

    net::io_context ioc;
    running_service ingest(ioc, ingest_node({server.url()}));
    auto relay = std::make_unique<running_service>(ioc, relay_node({server.url()}));
    ASSERT_TRUE(run_until(
        ioc, [&] { return ingest->ready() && (*relay)->ready(); }, 10s));

    const auto all = reference_frames();
    const auto expected = race_events(all);
    auto pushed = daemon::testing::push(ioc, ingest.feed_endpoint(), all, 10ms);
    auto before = std::make_shared<ws_client>(ioc);
    before->start((*relay)->port(), "/v1/stream");
    ASSERT_TRUE(run_until(
        ioc, [&] { return before->event_seqs().size() > 30; }, 10s))
        << "the race is under way";
    relay.reset();  // the relay goes; the race goes on
    ASSERT_TRUE(run_until(
        ioc, [&] { return ingest->head() > before->event_seqs().back() + 20; }, 10s));

    relay = std::make_unique<running_service>(ioc, relay_node({server.url()}));
    ASSERT_TRUE(run_until(
        ioc, [&] { return (*relay)->ready(); }, 10s));
    const auto resume_at = before->event_seqs().back();
    expect_exact_continuation(ioc, *before, (*relay)->port(), ingest->port(), resume_at, expected.size(),
                              [&] { return pushed->done; });
}

TEST(ScaleOut, NatsAwayAtStartAndMidRaceTheNodeStaysUpSaysSoAndLosesNothing) {
    SKIP_WITHOUT_NATS_SERVER();
    nats_server server("n1", scratch_dir("outage"));  // not started yet

    net::io_context ioc;
    running_service node(ioc, ingest_node({server.url()}));
    auto ready = http_get(ioc, node->port(), "/readyz");
    EXPECT_EQ(ready.status, 503u);
    EXPECT_TRUE(has(ready.body, "not connected to NATS")) << ready.body;

    const auto all = reference_frames();
    const auto first_part = reference_frames(0, 60);
    auto second_part = reference_frames(60);
    second_part.insert(second_part.begin(), all.front());

    auto pushed = daemon::testing::push(ioc, node.feed_endpoint(), first_part);
    ASSERT_TRUE(run_until(
        ioc, [&] { return pushed->done; }, 10s));
    ASSERT_TRUE(run_until(
        ioc, [&] { return has(http_get(ioc, node->port(), "/metrics").body, "nats_publish_backlog 59"); },
        5s))
        << "the accepted frames wait";

    server.start();
    ASSERT_TRUE(server.wait_healthy());
    EXPECT_TRUE(one_copy_each(wait_stored(ioc, {server.url()}, 59), reference_epoch, first_data_seq, 60));
    ASSERT_TRUE(run_until(
        ioc, [&] { return http_get(ioc, node->port(), "/readyz").status == 200; }, 10s));

    // NATS dies mid-race: the node stays up, says so, keeps what it accepts.
    server.kill9();
    ASSERT_TRUE(run_until(
        ioc, [&] { return http_get(ioc, node->port(), "/readyz").status == 503; }, 10s));
    pushed = daemon::testing::push(ioc, node.feed_endpoint(), second_part);
    ASSERT_TRUE(run_until(
        ioc, [&] { return pushed->done; }, 10s));
    const auto metrics = http_get(ioc, node->port(), "/metrics").body;
    EXPECT_TRUE(has(metrics, "nats_connected 0")) << metrics;
    EXPECT_FALSE(has(metrics, "nats_publish_backlog 0")) << metrics;
    EXPECT_TRUE(has(http_get(ioc, node->port(), "/readyz").body, "not connected to NATS"));

    server.start();
    ASSERT_TRUE(server.wait_healthy());
    EXPECT_TRUE(one_copy_each(wait_stored(ioc, {server.url()}, all.size() - 1), reference_epoch,
                              first_data_seq, all.size()));
    ASSERT_TRUE(run_until(
        ioc, [&] { return http_get(ioc, node->port(), "/readyz").status == 200; }, 10s));
    EXPECT_TRUE(has(http_get(ioc, node->port(), "/metrics").body, "nats_reconnects_total 1"));

    const auto expected = race_events(all);
    auto sub = subscribe_all(ioc, node->port());
    ASSERT_TRUE(run_until(
        ioc, [&] { return derived_received(*sub).size() >= expected.size(); }, 10s));
    EXPECT_EQ(race_events_received(*sub), expected);
    EXPECT_EQ(sub->event_seqs(), seqs_from(1, expected.size()));
}

TEST(ScaleOut, OneNodeOfAThreeNodeClusterKilledMidRaceTheNodesGoOnAndLoseNothing) {
    SKIP_WITHOUT_NATS_SERVER();
    nats_cluster cluster(scratch_dir("cluster"));
    cluster.start();
    ASSERT_TRUE(cluster.wait_healthy());

    net::io_context ioc;
    running_service ingest(ioc, ingest_node(cluster.urls(), 3));
    running_service relay(ioc, relay_node(cluster.urls(), 3));
    ASSERT_TRUE(run_until(
        ioc, [&] { return relay->ready() && ingest->ready(); }, 20s));

    const auto all = reference_frames();
    auto pushed = daemon::testing::push(ioc, ingest.feed_endpoint(), all, 10ms);
    ASSERT_TRUE(run_until(
        ioc, [&] { return relay->head() > 30; }, 10s))
        << "the race is under way";
    cluster.servers.front()->kill9();
    ASSERT_TRUE(run_until(
        ioc, [&] { return pushed->done; }, 20s));
    EXPECT_EQ(pushed->failed, nullptr);

    const auto expected = race_events(all);
    EXPECT_TRUE(one_copy_each(wait_stored(ioc, {cluster.urls()[1], cluster.urls()[2]}, all.size() - 1),
                              reference_epoch, first_data_seq, all.size()));
    auto from_ingest = subscribe_all(ioc, ingest->port());
    auto from_relay = subscribe_all(ioc, relay->port());
    ASSERT_TRUE(run_until(
        ioc,
        [&] {
            return derived_received(*from_relay).size() >= expected.size() &&
                   derived_received(*from_ingest).size() >= expected.size();
        },
        20s));
    EXPECT_EQ(race_events_received(*from_relay), expected);
    EXPECT_EQ(derived_received(*from_relay), derived_received(*from_ingest));
}

}  // namespace
}  // namespace splitstream::scaleout::testing
