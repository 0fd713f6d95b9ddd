// A relay process (`splitstream serve --source nats`) killed with SIGKILL
// mid-race and started again: it starts from the latest stored node state
// (docs/scale-out.md, Snapshots), reads the stream's tail, and a subscriber
// that resumes on it with `since=N` gets exactly the rest of the race.

#include <gtest/gtest.h>

#include <csignal>
#include <regex>

#include "tests/scaleout/scaleout_test_support.hpp"
#include "tests/test_paths.hpp"

namespace splitstream::scaleout::testing {
namespace {

using splitstream::testing::child_process;
using splitstream::testing::eventually;
using splitstream::testing::slurp;

struct relay_process {
    std::unique_ptr<child_process> proc;
    std::uint16_t port = 0;
};

// `splitstream serve --source nats --nats URL` with states every 40 stream
// seqs; its port once its log says it serves.
relay_process start_relay(const fs::path& dir, const std::string& name, const std::string& nats) {
    relay_process r;
    r.proc = std::make_unique<child_process>(
        std::vector<std::string>{SPLITSTREAM_BINARY, "serve", "--source", "nats", "--nats", nats, "--listen",
                                 "127.0.0.1:0", "--nats-snapshot-every", "40"},
        dir / (name + ".out"), dir / (name + ".err"));
    const std::regex serving(R"(serving the stream of NATS \S+ on 127\.0\.0\.1:(\d+))");
    std::smatch m;
    std::string log;
    EXPECT_TRUE(eventually(
        [&] {
            log = slurp(dir / (name + ".err"));
            return std::regex_search(log, m, serving);
        },
        10s))
        << log;
    if (!m.empty()) r.port = static_cast<std::uint16_t>(std::stoi(m[1].str()));
    return r;
}

TEST(ScaleOutProcesses, ARelayKilledMidRaceStartsFromTheStoredStateAndLosesNothing) {
    SKIP_WITHOUT_NATS_SERVER();
    const auto dir = scratch_dir("kill-relay");
    nats_server server("n1", dir);
    server.start();
    ASSERT_TRUE(server.wait_healthy());

    net::io_context ioc;
    auto ingest_options = ingest_node({server.url()});
    ingest_options.nats->snapshot_every = 40;
    running_service ingest(ioc, ingest_options);
    auto relay = start_relay(dir, "relay", server.url());
    ASSERT_NE(relay.port, 0);
    ASSERT_TRUE(run_until(
        ioc, [&] { return ingest->ready() && http_get(ioc, relay.port, "/readyz").status == 200; }, 10s));

    const auto all = reference_frames();
    const auto expected = race_events(all);
    auto pushed = daemon::testing::push(ioc, ingest.feed_endpoint(), all, 10ms);
    auto before = std::make_shared<ws_client>(ioc);
    before->start(relay.port, "/v1/stream");
    ASSERT_TRUE(run_until(
        ioc, [&] { return ingest->head() > 100; }, 15s))
        << "the race is well under way, states stored";
    relay.proc->stop(SIGKILL);
    ASSERT_TRUE(run_until(
        ioc, [&] { return before->ended; }, 5s));
    ASSERT_FALSE(before->event_seqs().empty());
    const auto resume_at = before->event_seqs().back();

    relay = start_relay(dir, "relay2", server.url());
    ASSERT_NE(relay.port, 0);
    ASSERT_TRUE(run_until(
        ioc, [&] { return http_get(ioc, relay.port, "/readyz").status == 200; }, 10s));
    EXPECT_TRUE(has(slurp(dir / "relay2.err"), "starting from the node state at stream seq"))
        << slurp(dir / "relay2.err");
    expect_exact_continuation(ioc, *before, relay.port, ingest->port(), resume_at, expected.size(),
                              [&] { return pushed->done; });
    relay.proc->stop(SIGTERM);
}

}  // namespace
}  // namespace splitstream::scaleout::testing
