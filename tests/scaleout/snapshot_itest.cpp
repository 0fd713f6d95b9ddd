// Catch-up from a stored node state (docs/scale-out.md, Snapshots) on a
// real nats-server: a relay starting late or again mid-race restores the
// latest state and reads only the stream's tail, yet serves the ingest
// node's derived stream byte for byte with the same seqs, and `since=N`
// from before the state gives exactly the continuation; a state that
// cannot be read is passed over for a replay of the whole stream.

#include <gtest/gtest.h>

#include <cstdlib>

#include "tests/scaleout/scaleout_test_support.hpp"

namespace splitstream::scaleout::testing {
namespace {

// The reference race has 185 frames (184 stored): states at 40, 80, ...
constexpr std::uint64_t every = 40;

// A metric's value on `port`, -1 when it is not there.
long long metric(net::io_context& ioc, std::uint16_t port, const std::string& name) {
    const auto body = http_get(ioc, port, "/metrics").body;
    const auto at = body.find("\n" + name + " ");
    if (at == std::string::npos) return -1;
    return std::atoll(body.c_str() + at + name.size() + 2);
}

daemon::service_options with_snapshots(daemon::service_options o) {
    o.nats->snapshot_every = every;
    return o;
}

// The whole race through the ingest node, until its last state is stored.
std::vector<std::string> run_race(net::io_context& ioc, running_service& ingest, const std::string& url) {
    const auto all = reference_frames();
    const auto expected = race_events(all);
    auto pushed = daemon::testing::push(ioc, ingest.feed_endpoint(), all);
    EXPECT_TRUE(run_until(
        ioc, [&] { return pushed->done && ingest->head() >= expected.size(); }, 15s));
    EXPECT_TRUE(
        one_copy_each(wait_stored(ioc, {url}, all.size() - 1), reference_epoch, first_data_seq, all.size()));
    EXPECT_TRUE(run_until(
        ioc, [&] { return metric(ioc, ingest->port(), "nats_snapshots_written_total") >= 1; }, 10s));
    auto whole = subscribe_all(ioc, ingest->port());
    EXPECT_TRUE(run_until(
        ioc, [&] { return derived_received(*whole).size() >= expected.size(); }, 10s));
    return derived_received(*whole);
}

TEST(ScaleOutSnapshots, ARelayStartedLateRestoresTheLatestStateAndServesTheSameStream) {
    SKIP_WITHOUT_NATS_SERVER();
    nats_server server("n1", scratch_dir("snapshot-late"));
    server.start();
    ASSERT_TRUE(server.wait_healthy());

    net::io_context ioc;
    running_service ingest(ioc, with_snapshots(ingest_node({server.url()})));
    ASSERT_TRUE(run_until(
        ioc, [&] { return ingest->ready(); }, 10s));
    const auto from_ingest = run_race(ioc, ingest, server.url());
    const auto stored = reference_frames().size() - 1;

    running_service relay(ioc, relay_node({server.url()}));
    ASSERT_TRUE(run_until(
        ioc, [&] { return relay->ready(); }, 10s));
    const auto snapshot_seq = metric(ioc, relay->port(), "nats_catchup_snapshot_seq");
    const auto replayed = metric(ioc, relay->port(), "nats_catchup_frames");
    EXPECT_GE(snapshot_seq, static_cast<long long>(every)) << "it started from a stored state";
    EXPECT_EQ(replayed, static_cast<long long>(stored) - snapshot_seq) << "and read only the tail";
    EXPECT_EQ(metric(ioc, relay->port(), "nats_snapshots_unusable_total"), 0);
    EXPECT_TRUE(has(http_get(ioc, relay->port(), "/readyz").body,
                    "\"snapshot_seq\":" + std::to_string(snapshot_seq)));

    auto whole = subscribe_all(ioc, relay->port());
    ASSERT_TRUE(run_until(
        ioc, [&] { return derived_received(*whole).size() >= from_ingest.size(); }, 10s));
    EXPECT_EQ(derived_received(*whole), from_ingest) << "the same bytes, the same seqs";

    // A subscriber of another node that saw the first 10 events resumes
    // here: the events before the state come from the history it holds.
    auto resumed = std::make_shared<ws_client>(ioc);
    resumed->start(relay->port(), "/v1/stream?since=10");
    ASSERT_TRUE(run_until(
        ioc, [&] { return resumed->event_seqs().size() >= from_ingest.size() - 10; }, 10s));
    EXPECT_EQ(resumed->count_type("snapshot"), 0u) << "seq 10 is retained";
    EXPECT_EQ(resumed->event_seqs(), seqs_from(11, from_ingest.size()));
    EXPECT_EQ(derived_received(*resumed),
              std::vector<std::string>(from_ingest.begin() + 10, from_ingest.end()));
}

TEST(ScaleOutSnapshots, ARelayRestartedMidRaceResumesFromTheStateWithoutLoss) {
    SKIP_WITHOUT_NATS_SERVER();
    nats_server server("n1", scratch_dir("snapshot-restart"));
    server.start();
    ASSERT_TRUE(server.wait_healthy());

    net::io_context ioc;
    running_service ingest(ioc, with_snapshots(ingest_node({server.url()})));
    auto relay = std::make_unique<running_service>(ioc, relay_node({server.url()}));
    ASSERT_TRUE(run_until(
        ioc, [&] { return ingest->ready() && (*relay)->ready(); }, 10s));

    const auto all = reference_frames();
    const auto expected = race_events(all);
    auto pushed = daemon::testing::push(ioc, ingest.feed_endpoint(), all, 10ms);
    auto before = std::make_shared<ws_client>(ioc);
    before->start((*relay)->port(), "/v1/stream");
    ASSERT_TRUE(run_until(
        ioc, [&] { return metric(ioc, ingest->port(), "nats_snapshots_written_total") >= 2; }, 15s))
        << "the race is under way, states stored";
    relay.reset();  // the relay goes; the race goes on
    const auto resume_at = before->event_seqs().back();
    ASSERT_TRUE(run_until(
        ioc, [&] { return ingest->head() > resume_at + 20; }, 10s));

    relay = std::make_unique<running_service>(ioc, relay_node({server.url()}));
    ASSERT_TRUE(run_until(
        ioc, [&] { return (*relay)->ready(); }, 10s));
    EXPECT_GE(metric(ioc, (*relay)->port(), "nats_catchup_snapshot_seq"), static_cast<long long>(every));
    expect_exact_continuation(ioc, *before, (*relay)->port(), ingest->port(), resume_at, expected.size(),
                              [&] { return pushed->done; });
}

TEST(ScaleOutSnapshots, ACorruptLatestStateIsPassedOverForTheWholeStream) {
    SKIP_WITHOUT_NATS_SERVER();
    nats_server server("n1", scratch_dir("snapshot-corrupt"));
    server.start();
    ASSERT_TRUE(server.wait_healthy());

    net::io_context ioc;
    auto ingest_options = with_snapshots(ingest_node({server.url()}));
    running_service ingest(ioc, ingest_options);
    ASSERT_TRUE(run_until(
        ioc, [&] { return ingest->ready(); }, 10s));
    const auto from_ingest = run_race(ioc, ingest, server.url());
    ASSERT_TRUE(corrupt_latest_snapshot(server.url()).has_value());

    auto relay_options = relay_node({server.url()});
    relay_options.nats->snapshot_every = 0;  // it must not store a good one first
    running_service relay(ioc, relay_options);
    ASSERT_TRUE(run_until(
        ioc, [&] { return relay->ready(); }, 10s));
    EXPECT_EQ(metric(ioc, relay->port(), "nats_snapshots_unusable_total"), 1);
    EXPECT_EQ(metric(ioc, relay->port(), "nats_catchup_snapshot_seq"), 0);
    EXPECT_EQ(metric(ioc, relay->port(), "nats_catchup_frames"),
              static_cast<long long>(reference_frames().size() - 1))
        << "the whole stream, replayed";
    auto whole = subscribe_all(ioc, relay->port());
    ASSERT_TRUE(run_until(
        ioc, [&] { return derived_received(*whole).size() >= from_ingest.size(); }, 10s));
    EXPECT_EQ(derived_received(*whole), from_ingest);
}

}  // namespace
}  // namespace splitstream::scaleout::testing
