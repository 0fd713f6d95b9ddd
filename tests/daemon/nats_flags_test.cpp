// `splitstream serve`'s scale-out flags (docs/scale-out.md, Configuration):
// without --nats nothing of NATS is set; --nats makes an ingest node,
// --source nats a relay, and the combinations that cannot work are refused
// with a message that says why.

#include <gtest/gtest.h>

#include "daemon/command_line.hpp"

namespace splitstream::daemon {
namespace {

command_line::result parse(std::vector<std::string> args) {
    CLI::App app;
    auto* serve = app.add_subcommand("serve");
    command_line flags(*serve, {});
    args.insert(args.begin(), {"splitstream", "serve"});
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    app.parse(static_cast<int>(argv.size()), argv.data());
    return flags.finish();
}

TEST(NatsFlags, WithoutNatsTheDaemonHasNoNatsOptions) {
    const auto r = parse({"--upstream", "ws://127.0.0.1:9000/feed"});
    ASSERT_TRUE(r.settings) << r.error;
    EXPECT_FALSE(r.settings->service.nats);
}

TEST(NatsFlags, NatsWithAnUpstreamIsAnIngestNodeWithTheGivenSettings) {
    const auto r = parse({"--upstream", "ws://127.0.0.1:9000/feed", "--nats", "nats://n1:4222", "--nats",
                          "nats://n2:4222", "--nats-replicas", "3", "--nats-dedupe-window-s", "300"});
    ASSERT_TRUE(r.settings) << r.error;
    ASSERT_TRUE(r.settings->service.nats);
    const auto& n = *r.settings->service.nats;
    EXPECT_EQ(n.servers, (std::vector<std::string>{"nats://n1:4222", "nats://n2:4222"}));
    EXPECT_EQ(n.replicas, 3);
    EXPECT_EQ(n.dedupe_window, std::chrono::seconds(300));
    EXPECT_EQ(n.stream, scaleout::nats_options{}.stream);
    EXPECT_EQ(r.settings->service.ingest.upstreams.size(), 1u);
}

TEST(NatsFlags, SourceNatsIsARelayThatNeedsNoUpstream) {
    const auto r = parse({"--source", "nats", "--nats", "nats://127.0.0.1:4222"});
    ASSERT_TRUE(r.settings) << r.error;
    EXPECT_TRUE(r.settings->service.nats);
    EXPECT_TRUE(r.settings->service.ingest.upstreams.empty());
    EXPECT_FALSE(r.settings->service.ingest.listen);
}

TEST(NatsFlags, CombinationsThatCannotWorkAreRefusedWithTheReason) {
    EXPECT_EQ(parse({"--source", "nats"}).error, "--source nats needs --nats URL");
    EXPECT_EQ(parse({"--source", "nats", "--nats", "nats://h:4222", "--upstream", "ws://h:1/feed"}).error,
              "--source nats takes the feed from NATS: give no --upstream, --feed-listen or folders");
    EXPECT_EQ(parse({"--source", "kafka", "--nats", "nats://h:4222"}).error,
              "--source is upstream or nats, got kafka");
    EXPECT_EQ(parse({"--upstream", "ws://h:1/feed", "--nats", "nats://h:4222", "--journal", "/tmp/j"}).error,
              "--journal and --nats do not go together: the JetStream stream is the record");
    EXPECT_EQ(parse({"--upstream", "ws://h:1/feed", "--nats", "nats://h:4222", "--nats-replicas", "0"}).error,
              "--nats-replicas must be 1 to 5");
    EXPECT_EQ(parse({}).error,
              "give --upstream URL (up to two), --feed-listen HOST:PORT, --lynx-dir DIR or --odf-dir DIR")
        << "without --nats, the message users know";
}

}  // namespace
}  // namespace splitstream::daemon
