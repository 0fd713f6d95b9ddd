// An ingest node with --journal killed with SIGKILL while NATS is away: the
// frames that waited in its buffer are in its journal, and the restarted
// node publishes them once it has read the stream, so the stream holds
// every frame once and a relay derives the uninterrupted race.

#include <gtest/gtest.h>

#include <csignal>
#include <regex>
#include <thread>

#include "tests/scaleout/scaleout_test_support.hpp"
#include "tests/test_paths.hpp"

namespace splitstream::scaleout::testing {
namespace {

using splitstream::testing::child_process;
using splitstream::testing::eventually;
using splitstream::testing::slurp;

// `splitstream serve --feed-listen ... --journal FILE --nats URL` as a
// process; ready once its log says it serves.
std::unique_ptr<child_process> start_journalled_node(const fs::path& dir, const std::string& name,
                                                     std::uint16_t feed_port, const fs::path& journal,
                                                     const std::string& nats) {
    auto proc = std::make_unique<child_process>(
        std::vector<std::string>{SPLITSTREAM_BINARY, "serve", "--feed-listen",
                                 "127.0.0.1:" + std::to_string(feed_port), "--feed-token", feed_token,
                                 "--journal", journal.string(), "--nats", nats, "--listen", "127.0.0.1:0"},
        dir / (name + ".out"), dir / (name + ".err"));
    const std::regex serving(R"(serving the stream of NATS)");
    EXPECT_TRUE(eventually([&] { return std::regex_search(slurp(dir / (name + ".err")), serving); }, 10s))
        << slurp(dir / (name + ".err"));
    return proc;
}

// docs/scale-out.md, What happens when a piece dies: an ingest node killed
// during a NATS outage.
TEST(ScaleOutProcesses, AnIngestNodeKilledWhileNatsIsAwayPublishesItsJournalledFramesWhenRestarted) {
    SKIP_WITHOUT_NATS_SERVER();
    const auto dir = scratch_dir("ingest-journal");
    nats_server server("n1", dir);
    server.start();
    ASSERT_TRUE(server.wait_healthy());

    const auto all = reference_frames();
    const auto first_part = reference_frames(0, 60);  // the hello and seqs 2..60
    const auto second_part = reference_frames(60);    // seqs 61..185
    const auto feed_port = free_port();
    const auto journal = dir / "ingest.journal";
    const tcp::endpoint feed(net::ip::make_address("127.0.0.1"), feed_port);
    net::io_context ioc;

    auto node = start_journalled_node(dir, "a", feed_port, journal, server.url());
    auto pushed = daemon::testing::push(ioc, feed, first_part);
    ASSERT_TRUE(run_until(
        ioc, [&] { return pushed->done; }, 10s));
    ASSERT_FALSE(pushed->failed);
    EXPECT_TRUE(one_copy_each(wait_stored(ioc, {server.url()}, 59), reference_epoch, first_data_seq, 60));

    server.kill9();
    pushed = daemon::testing::push(ioc, feed, second_part);  // accepted: they wait in the node's buffer
    ASSERT_TRUE(run_until(
        ioc, [&] { return pushed->done; }, 10s));
    ASSERT_FALSE(pushed->failed);
    node->stop(SIGKILL);  // the buffer dies with it; the journal holds them

    server.start();
    ASSERT_TRUE(server.wait_healthy());
    node = start_journalled_node(dir, "a2", feed_port, journal, server.url());
    auto ids = wait_stored(ioc, {server.url()}, all.size() - 1);
    std::this_thread::sleep_for(300ms);  // a copy stored late would show now
    if (auto now = stored_ids({server.url()}, scaleout::nats_options{}.stream)) ids = std::move(*now);
    EXPECT_TRUE(one_copy_each(ids, reference_epoch, first_data_seq, all.size())) << slurp(dir / "a2.err");
    EXPECT_TRUE(eventually(
        [&] {
            return has(slurp(dir / "a2.err"),
                       "125 frames the stream did not hold published again (feed seq 61 to 185)");
        },
        5s))
        << slurp(dir / "a2.err");

    // A relay that reads the stream derives the race as if nothing had died.
    running_service relay(ioc, relay_node({server.url()}));
    ASSERT_TRUE(run_until(
        ioc, [&] { return relay->ready(); }, 10s));
    auto sub = subscribe_all(ioc, relay->port());
    const auto expected = race_events(all);
    ASSERT_TRUE(run_until(
        ioc, [&] { return race_events_received(*sub).size() >= expected.size(); }, 15s))
        << race_events_received(*sub).size() << " of " << expected.size();
    EXPECT_EQ(race_events_received(*sub), expected);
    EXPECT_EQ(sub->event_seqs(), seqs_from(1, expected.size()));
}

// The frames a restarted node accepts before it has read the stream (here:
// NATS still away) wait in the journal behind the ones it had, so the
// stream stores them all in feed order.
TEST(ScaleOutProcesses, FramesARestartedIngestNodeAcceptsBeforeItHasReadTheStreamGoAfterItsJournalledOnes) {
    SKIP_WITHOUT_NATS_SERVER();
    const auto dir = scratch_dir("ingest-journal-order");
    nats_server server("n1", dir);
    server.start();
    ASSERT_TRUE(server.wait_healthy());

    const auto all = reference_frames();
    const auto feed_port = free_port();
    const auto journal = dir / "ingest.journal";
    const tcp::endpoint feed(net::ip::make_address("127.0.0.1"), feed_port);
    net::io_context ioc;
    auto push_all = [&](std::vector<std::string> frames) {
        auto pushed = daemon::testing::push(ioc, feed, std::move(frames));
        return run_until(
                   ioc, [&] { return pushed->done; }, 10s) &&
               !pushed->failed;
    };

    auto node = start_journalled_node(dir, "a", feed_port, journal, server.url());
    ASSERT_TRUE(push_all(reference_frames(0, 60)));  // the hello and seqs 2..60
    EXPECT_TRUE(one_copy_each(wait_stored(ioc, {server.url()}, 59), reference_epoch, first_data_seq, 60));
    server.kill9();
    ASSERT_TRUE(push_all(reference_frames(60, 100)));  // seqs 61..100, in the buffer
    node->stop(SIGKILL);

    node = start_journalled_node(dir, "a2", feed_port, journal, server.url());  // NATS still away
    ASSERT_TRUE(push_all(reference_frames(100)));                               // seqs 101..185
    server.start();
    ASSERT_TRUE(server.wait_healthy());
    auto ids = wait_stored(ioc, {server.url()}, all.size() - 1);
    std::this_thread::sleep_for(300ms);  // a copy stored late would show now
    if (auto now = stored_ids({server.url()}, scaleout::nats_options{}.stream)) ids = std::move(*now);
    EXPECT_TRUE(one_copy_each(ids, reference_epoch, first_data_seq, all.size())) << slurp(dir / "a2.err");
    EXPECT_TRUE(
        has(slurp(dir / "a2.err"), "125 frames the stream did not hold published again (feed seq 61 to 185)"))
        << slurp(dir / "a2.err");
}

}  // namespace
}  // namespace splitstream::scaleout::testing
