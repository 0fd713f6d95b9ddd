// `splitstream serve`'s flags: the defaults are the option structs', flags in
// other units convert, HOST:PORT reads as base/host_port does, the upstream
// settings reach every line (and the push listener), --config reads TOML
// with the command line winning, and the messages are the ones users know.

#include "daemon/command_line.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/test_paths.hpp"

namespace splitstream::daemon {
namespace {

using namespace std::chrono_literals;

struct parsed {
    command_line::result result;
    std::string help;
};

// `splitstream serve ARGS...` parsed as main() does.
parsed parse(std::vector<std::string> args) {
    CLI::App app;
    auto* serve = app.add_subcommand("serve");
    command_line flags(*serve, {});
    args.insert(args.begin(), {"splitstream", "serve"});
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    app.parse(static_cast<int>(argv.size()), argv.data());
    return {flags.finish(), serve->help()};
}

service_options options_of(std::vector<std::string> args) {
    auto p = parse(std::move(args));
    EXPECT_TRUE(p.result.settings.has_value()) << p.result.error;
    return p.result.settings ? p.result.settings->service : service_options{};
}

std::string error_of(std::vector<std::string> args) {
    return parse(std::move(args)).result.error;
}

// `serve --upstream ws://a/feed` and the flags under test.
parsed with_upstream(std::vector<std::string> more) {
    more.insert(more.begin(), {"--upstream", "ws://a/feed"});
    return parse(std::move(more));
}

std::filesystem::path write_file(const std::string& name, const std::string& text) {
    const auto path = std::filesystem::path(::testing::TempDir()) / name;
    std::ofstream(path) << text;
    return path;
}

TEST(CommandLine, WithoutFlagsEveryOptionIsTheStructsDefault) {
    const auto o = options_of({"--upstream", "ws://127.0.0.1:9000/feed"});
    const service_options d;
    const ingest::upstream_options du;
    ASSERT_EQ(o.ingest.upstreams.size(), 1u);
    const auto& u = o.ingest.upstreams.front();
    EXPECT_EQ(u.url, "ws://127.0.0.1:9000/feed");
    EXPECT_EQ(u.read_message_max, du.read_message_max);
    EXPECT_EQ(u.stale_after, du.stale_after);
    EXPECT_EQ(u.reconnect.initial, du.reconnect.initial);
    EXPECT_EQ(u.reconnect.cap, du.reconnect.cap);
    EXPECT_EQ(u.bearer_token, "");
    EXPECT_FALSE(u.insecure_skip_verify);
    EXPECT_FALSE(o.ingest.listen.has_value());
    EXPECT_EQ(o.ingest.sequencing.gap_timeout, d.ingest.sequencing.gap_timeout);
    EXPECT_EQ(o.ingest.sequencing.hold_max, d.ingest.sequencing.hold_max);

    const auto& p = o.publish;
    const auto& dp = d.publish;
    EXPECT_EQ(p.listen_address, dp.listen_address);
    EXPECT_EQ(p.listen_port, dp.listen_port);
    EXPECT_EQ(p.history_max_events, dp.history_max_events);
    EXPECT_EQ(p.history_max_bytes, dp.history_max_bytes);
    EXPECT_EQ(p.queue_max_bytes, dp.queue_max_bytes);
    EXPECT_EQ(p.queue_max_messages, dp.queue_max_messages);
    EXPECT_EQ(p.max_connections, dp.max_connections);
    EXPECT_EQ(p.max_connections_per_address, dp.max_connections_per_address);
    EXPECT_EQ(p.request_timeout, dp.request_timeout);
    EXPECT_EQ(p.request_header_max, dp.request_header_max);
    EXPECT_EQ(p.read_message_max, dp.read_message_max);
    EXPECT_EQ(p.max_filter_entries, dp.max_filter_entries);
    EXPECT_EQ(p.idle_timeout, dp.idle_timeout);
    EXPECT_EQ(p.ping_interval, dp.ping_interval);
    EXPECT_EQ(p.fanout_max_delay, dp.fanout_max_delay);
    EXPECT_TRUE(p.fanout_io_uring);
    EXPECT_EQ(p.web_dir, dp.web_dir);
    EXPECT_EQ(p.jwt_secret, "");

    EXPECT_EQ(o.journal_path, "");
    EXPECT_EQ(o.journal_sync, d.journal_sync);
    EXPECT_EQ(o.journal_sync_interval, d.journal_sync_interval);
    EXPECT_EQ(o.journal_rotate_bytes, d.journal_rotate_bytes);
    EXPECT_EQ(o.keep_awake, 0ms);
}

TEST(CommandLine, HelpShowsTheStructsDefaultsInTheFlagsUnits) {
    const auto help = parse({"--upstream", "ws://a/feed"}).help;
    for (const char* shown :
         {"--max-frame-bytes UINT=1048576", "--stale-after-ms INT=5000", "--gap-timeout-ms INT=500",
          "--reconnect-initial-ms INT=100", "--reconnect-max-ms INT=10000", "--listen TEXT=127.0.0.1:8080",
          "--history-mib UINT=64", "--queue-mib UINT=8", "--idle-timeout-s INT=60",
          "--ping-interval-s INT=20", "--request-timeout-ms INT:INT in [1 - 3600000]=10000",
          "--fanout-max-delay-us INT:INT in [0 - 1000000]=20000", "--journal-sync TEXT=interval",
          "--journal-sync-interval-ms INT=100", "--journal-rotate-mib UINT=1024", "--log-level TEXT=info",
          "--log-format TEXT=text"})
        EXPECT_NE(help.find(shown), std::string::npos) << shown << "\n" << help;
}

TEST(CommandLine, FlagsInOtherUnitsConvert) {
    const auto o = options_of({"--upstream",
                               "ws://a/feed",
                               "--stale-after-ms",
                               "1500",
                               "--idle-timeout-s",
                               "7",
                               "--ping-interval-s",
                               "3",
                               "--fanout-max-delay-us",
                               "250",
                               "--history-mib",
                               "3",
                               "--queue-mib",
                               "2",
                               "--journal-rotate-mib",
                               "5",
                               "--journal-sync-interval-ms",
                               "40",
                               "--request-timeout-ms",
                               "900",
                               "--gap-timeout-ms",
                               "750"});
    EXPECT_EQ(o.ingest.upstreams.front().stale_after, 1500ms);
    EXPECT_EQ(o.publish.idle_timeout, 7000ms);
    EXPECT_EQ(o.publish.ping_interval, 3000ms);
    EXPECT_EQ(o.publish.fanout_max_delay, 250us);
    EXPECT_EQ(o.publish.history_max_bytes, 3 * publish::mib);
    EXPECT_EQ(o.publish.queue_max_bytes, 2 * publish::mib);
    EXPECT_EQ(o.journal_rotate_bytes, 5u * 1024 * 1024);
    EXPECT_EQ(o.journal_sync_interval, 40ms);
    EXPECT_EQ(o.publish.request_timeout, 900ms);
    EXPECT_EQ(o.ingest.sequencing.gap_timeout, 750ms);
}

// An operator who keeps daemons off io_uring (or runs where it is refused)
// turns the fan-out's submissions off.
TEST(CommandLine, NoFanoutIoUringTurnsTheSendRingOff) {
    EXPECT_FALSE(options_of({"--upstream", "ws://a/feed", "--no-fanout-io-uring"}).publish.fanout_io_uring);
    EXPECT_TRUE(options_of({"--upstream", "ws://a/feed", "--fanout-io-uring"}).publish.fanout_io_uring);
}

TEST(CommandLine, TheFeedsSafetyLimitsHaveFlags) {
    // The sequencer's jump bound, the stall report and the push listener's
    // unauthenticated connections: defaults from the structs, flags reach them.
    const auto d = options_of({"--feed-listen", "127.0.0.1:0", "--feed-token", "t"});
    ASSERT_TRUE(d.ingest.listen);
    EXPECT_EQ(d.ingest.sequencing.max_jump, ingest::sequencer_options{}.max_jump);
    EXPECT_EQ(d.ingest.stall_after, ingest::ingest_options{}.stall_after);
    EXPECT_EQ(d.ingest.listen->max_pending, ingest::listen_options{}.max_pending);

    const auto o = options_of({"--feed-listen", "127.0.0.1:0", "--feed-token", "t", "--max-seq-jump", "500",
                               "--stall-after-ms", "1500", "--feed-max-pending", "3"});
    ASSERT_TRUE(o.ingest.listen);
    EXPECT_EQ(o.ingest.sequencing.max_jump, 500u);
    EXPECT_EQ(o.ingest.stall_after, 1500ms);
    EXPECT_EQ(o.ingest.listen->max_pending, 3u);
}

TEST(CommandLine, ListenTakesHostAndPortAnEmptyHostIsLoopback) {
    auto o = options_of({"--upstream", "ws://a/feed", "--listen", ":9000"});
    EXPECT_EQ(o.publish.listen_address, "127.0.0.1");
    EXPECT_EQ(o.publish.listen_port, 9000);
    o = options_of({"--upstream", "ws://a/feed", "--listen", "[::1]:0"});
    EXPECT_EQ(o.publish.listen_address, "::1");
    EXPECT_EQ(o.publish.listen_port, 0);
    o = options_of({"--upstream", "ws://a/feed", "--listen", "0.0.0.0:8081"});
    EXPECT_EQ(o.publish.listen_address, "0.0.0.0");
    EXPECT_EQ(error_of({"--upstream", "ws://a/feed", "--listen", "8080"}),
              "--listen wants HOST:PORT, got 8080");
    EXPECT_EQ(error_of({"--upstream", "ws://a/feed", "--listen", "host:65536"}),
              "--listen wants HOST:PORT, got host:65536");
}

TEST(CommandLine, EveryUpstreamLineGetsTheSharedSettingsAndThePushListenerTheFrameLimits) {
    const auto o = options_of({"--upstream",
                               "ws://a/feed",
                               "--upstream",
                               "wss://b/feed",
                               "--upstream-token",
                               "tok",
                               "--upstream-header",
                               "X-Site: stadium",
                               "--ca-file",
                               "ca.pem",
                               "--max-frame-bytes",
                               "4096",
                               "--stale-after-ms",
                               "900",
                               "--reconnect-initial-ms",
                               "20",
                               "--reconnect-max-ms",
                               "300",
                               "--feed-listen",
                               ":7000",
                               "--feed-token",
                               "push"});
    ASSERT_EQ(o.ingest.upstreams.size(), 2u);
    for (const auto& u : o.ingest.upstreams) {
        EXPECT_EQ(u.bearer_token, "tok");
        ASSERT_EQ(u.headers.size(), 1u);
        EXPECT_EQ(u.headers.front(), std::make_pair(std::string("X-Site"), std::string("stadium")));
        EXPECT_EQ(u.ca_file, "ca.pem");
        EXPECT_EQ(u.read_message_max, 4096u);
        EXPECT_EQ(u.stale_after, 900ms);
        EXPECT_EQ(u.reconnect.initial, 20ms);
        EXPECT_EQ(u.reconnect.cap, 300ms);
    }
    EXPECT_EQ(o.ingest.upstreams[1].url, "wss://b/feed");
    ASSERT_TRUE(o.ingest.listen.has_value());
    EXPECT_EQ(o.ingest.listen->address, "127.0.0.1");
    EXPECT_EQ(o.ingest.listen->port, 7000);
    EXPECT_EQ(o.ingest.listen->token, "push");
    EXPECT_EQ(o.ingest.listen->read_message_max, 4096u);
    EXPECT_EQ(o.ingest.listen->stale_after, 900ms);
}

TEST(CommandLine, MessagesForWhatTheFlagsCannotCheckAlone) {
    EXPECT_EQ(error_of({}),
              "give --upstream URL (up to two), --feed-listen HOST:PORT, --lynx-dir DIR or --odf-dir DIR");
    EXPECT_EQ(error_of({"--feed-listen", "127.0.0.1:0"}), "--feed-listen needs --feed-token");
    EXPECT_EQ(error_of({"--feed-listen", "nope", "--feed-token", "t"}),
              "--feed-listen wants HOST:PORT, got nope");
    EXPECT_EQ(error_of({"--upstream", "ws://a/f", "--upstream-header", "bad"}),
              "--upstream-header wants NAME:VALUE, got bad");
    EXPECT_EQ(error_of({"--upstream", "ws://a/f", "--tls-cert", "a.pem"}),
              "--tls-cert and --tls-key go together");
    EXPECT_EQ(error_of({"--upstream", "ws://a/f", "--journal-sync", "never"}),
              "--journal-sync is every_record, interval or os");
    EXPECT_EQ(error_of({"--upstream", "ws://a/f", "--jwt-secret-file", "/nonexistent/secret"}),
              "cannot read a secret from /nonexistent/secret");
    EXPECT_THROW(parse({"--upstream", "ws://a/f", "--request-timeout-ms", "0"}), CLI::ValidationError);
}

TEST(CommandLine, TheJwtSecretIsReadWithoutItsTrailingNewline) {
    const auto secret = write_file("serve-jwt.secret", "abc123\n");
    const auto o = options_of({"--upstream", "ws://a/f", "--jwt-secret-file", secret.string()});
    EXPECT_EQ(o.publish.jwt_secret, "abc123");
}

TEST(CommandLine, ConfigFileSetsOptionsTheCommandLineWins) {
    const auto config = write_file("serve-config.toml",
                                   "upstream = [\"ws://a/feed\", \"ws://b/feed\"]\n"
                                   "listen = \"0.0.0.0:8090\"\n"
                                   "insecure-skip-verify = true\n"
                                   "[serve]\n"
                                   "idle-timeout-s = 9\n"
                                   "journal-sync = \"every_record\"\n"
                                   "log-format = \"json\"\n");
    const auto p = parse({"--config", config.string(), "--listen", "127.0.0.1:9999"});
    ASSERT_TRUE(p.result.settings.has_value()) << p.result.error;
    const auto& o = p.result.settings->service;
    ASSERT_EQ(o.ingest.upstreams.size(), 2u);
    EXPECT_TRUE(o.ingest.upstreams[1].insecure_skip_verify);
    EXPECT_EQ(o.publish.listen_address, "127.0.0.1");
    EXPECT_EQ(o.publish.listen_port, 9999);
    EXPECT_EQ(o.publish.idle_timeout, 9000ms);
    EXPECT_EQ(o.journal_sync, replay::sync_policy::every_record);
    EXPECT_EQ(p.result.settings->logs.format, "json");
}

TEST(CommandLine, ConfigFileErrorsNameTheFileAndTheKey) {
    const auto unknown = write_file("serve-unknown.toml", "colour = 1\n");
    EXPECT_EQ(error_of({"--config", unknown.string()}),
              unknown.string() + ": unknown key colour (keys are the long option names)");
    const auto table = write_file("serve-table.toml", "[publish]\nlisten = \"1\"\n");
    EXPECT_EQ(error_of({"--config", table.string()}), "publish.listen: unknown table in " + table.string());
    const auto range =
        write_file("serve-range.toml", "upstream = [\"ws://a/f\"]\nfanout-max-delay-us = 2000000\n");
    EXPECT_EQ(error_of({"--config", range.string()}),
              range.string() +
                  ": fanout-max-delay-us: --fanout-max-delay-us: Value 2000000 not in range 0 to 1000000");
}

// The example in tools/systemd is read key by key up to the secret file,
// which exists only on an installed machine.
TEST(CommandLine, TheSystemdExampleConfigHasOnlyKnownKeys) {
    const auto example = std::filesystem::path(test_paths::source_dir) / "tools/systemd/splitstream.toml";
    EXPECT_EQ(error_of({"--config", example.string()}),
              "cannot read a secret from /etc/splitstream/jwt.secret");
}

// `serve --max-delay SECONDS`: the longest broadcast delay a subscriber may
// ask for (publish::server_options::max_delay), its default in --help, and
// its range.
TEST(MaxDelayFlag, DefaultsToTwoMinutesAndSetsTheServerOption) {
    const auto defaults = with_upstream({});
    ASSERT_TRUE(defaults.result.settings) << defaults.result.error;
    EXPECT_EQ(defaults.result.settings->service.publish.max_delay, 120s);
    EXPECT_NE(defaults.help.find("--max-delay INT:INT in [0 - 3600]=120"), std::string::npos)
        << defaults.help;

    const auto thirty = with_upstream({"--max-delay", "30"});
    ASSERT_TRUE(thirty.result.settings) << thirty.result.error;
    EXPECT_EQ(thirty.result.settings->service.publish.max_delay, 30s);

    const auto off = with_upstream({"--max-delay", "0"});
    ASSERT_TRUE(off.result.settings) << off.result.error;
    EXPECT_EQ(off.result.settings->service.publish.max_delay, 0s);

    EXPECT_THROW(with_upstream({"--max-delay", "4000"}), CLI::ValidationError);
}

TEST(KeepAwakeFlag, OffByDefaultSetInMillisecondsNeverNegative) {
    EXPECT_EQ(options_of({"--upstream", "ws://a/feed"}).keep_awake, 0ms);
    EXPECT_EQ(options_of({"--upstream", "ws://a/feed", "--keep-awake-ms", "1500"}).keep_awake, 1500ms);
    EXPECT_THROW(with_upstream({"--keep-awake-ms", "-1"}), CLI::ValidationError);
}

TEST(ThreadsFlag, OneThreadByDefaultAndAtMostSixtyFour) {
    const auto defaults = with_upstream({});
    ASSERT_TRUE(defaults.result.settings) << defaults.result.error;
    EXPECT_EQ(defaults.result.settings->service.publish.threads, 1u);
    const auto four = with_upstream({"--threads", "4"});
    ASSERT_TRUE(four.result.settings) << four.result.error;
    EXPECT_EQ(four.result.settings->service.publish.threads, 4u);
    EXPECT_THROW(with_upstream({"--threads", "0"}), CLI::ValidationError);
    EXPECT_THROW(with_upstream({"--threads", "65"}), CLI::ValidationError);
}

// The scale-out flags (docs/scale-out.md, Configuration): without --nats
// nothing of NATS is set; --nats makes an ingest node, --source nats a
// relay, and the combinations that cannot work are refused with a message
// that says why.

TEST(NatsFlags, WithoutNatsTheDaemonHasNoNatsOptions) {
    const auto r = parse({"--upstream", "ws://127.0.0.1:9000/feed"}).result;
    ASSERT_TRUE(r.settings) << r.error;
    EXPECT_FALSE(r.settings->service.nats);
}

TEST(NatsFlags, NatsWithAnUpstreamIsAnIngestNodeWithTheGivenSettings) {
    const auto r = parse({"--upstream", "ws://127.0.0.1:9000/feed", "--nats", "nats://n1:4222", "--nats",
                          "nats://n2:4222", "--nats-replicas", "3", "--nats-dedupe-window-s", "300",
                          "--nats-buffer-events", "5000"})
                       .result;
    ASSERT_TRUE(r.settings) << r.error;
    ASSERT_TRUE(r.settings->service.nats);
    const auto& n = *r.settings->service.nats;
    EXPECT_EQ(n.servers, (std::vector<std::string>{"nats://n1:4222", "nats://n2:4222"}));
    EXPECT_EQ(n.replicas, 3);
    EXPECT_EQ(n.dedupe_window, std::chrono::seconds(300));
    EXPECT_EQ(n.buffer_events, 5000u);
    EXPECT_EQ(n.stream, scaleout::nats_options{}.stream);
    EXPECT_EQ(r.settings->service.ingest.upstreams.size(), 1u);
}

// An ingest node keeps what it accepted in its journal until the stream
// holds it (docs/scale-out.md).
TEST(NatsFlags, AnIngestNodeTakesAJournal) {
    const auto r =
        parse({"--upstream", "ws://h:1/feed", "--nats", "nats://h:4222", "--journal", "/tmp/j"}).result;
    ASSERT_TRUE(r.settings) << r.error;
    EXPECT_TRUE(r.settings->service.nats);
    EXPECT_EQ(r.settings->service.journal_path, "/tmp/j");
}

TEST(NatsFlags, SourceNatsIsARelayThatNeedsNoUpstream) {
    const auto r = parse({"--source", "nats", "--nats", "nats://127.0.0.1:4222"}).result;
    ASSERT_TRUE(r.settings) << r.error;
    EXPECT_TRUE(r.settings->service.nats);
    EXPECT_TRUE(r.settings->service.ingest.upstreams.empty());
    EXPECT_FALSE(r.settings->service.ingest.listen);
}

TEST(NatsFlags, ARelayStoresItsStateEveryGivenFramesOrNeverWithZero) {
    // docs/scale-out.md, Snapshots: 100,000 by default, 0 stores none.
    const auto r = parse({"--source", "nats", "--nats", "nats://127.0.0.1:4222"}).result;
    ASSERT_TRUE(r.settings) << r.error;
    EXPECT_EQ(r.settings->service.nats->snapshot_every, 100'000u);
    EXPECT_EQ(r.settings->service.nats->snapshot_stream, "SPLITSTREAM_SNAPSHOTS");
    const auto never = parse({"--source", "nats", "--nats", "nats://127.0.0.1:4222", "--nats-snapshot-every",
                              "0", "--nats-snapshot-stream", "DAY2_SNAPSHOTS"})
                           .result;
    ASSERT_TRUE(never.settings) << never.error;
    EXPECT_EQ(never.settings->service.nats->snapshot_every, 0u);
    EXPECT_EQ(never.settings->service.nats->snapshot_stream, "DAY2_SNAPSHOTS");
}

TEST(NatsFlags, CombinationsThatCannotWorkAreRefusedWithTheReason) {
    EXPECT_EQ(parse({"--source", "nats"}).result.error, "--source nats needs --nats URL");
    EXPECT_EQ(
        parse({"--source", "nats", "--nats", "nats://h:4222", "--upstream", "ws://h:1/feed"}).result.error,
        "--source nats takes the feed from NATS: give no --upstream, --feed-listen or folders");
    EXPECT_EQ(parse({"--source", "kafka", "--nats", "nats://h:4222"}).result.error,
              "--source is upstream or nats, got kafka");
    EXPECT_EQ(
        parse({"--source", "nats", "--nats", "nats://h:4222", "--journal", "/tmp/j"}).result.error,
        "--journal on a relay (--source nats): it accepts no frames, the JetStream stream is its record");
    EXPECT_EQ(parse({"--upstream", "ws://h:1/feed", "--nats", "nats://h:4222", "--nats-replicas", "0"})
                  .result.error,
              "--nats-replicas must be 1 to 5");
    EXPECT_EQ(parse({"--upstream", "ws://h:1/feed", "--nats", "nats://h:4222", "--nats-buffer-events", "0"})
                  .result.error,
              "--nats-buffer-events must be at least 1");
    EXPECT_EQ(parse({}).result.error,
              "give --upstream URL (up to two), --feed-listen HOST:PORT, --lynx-dir DIR or --odf-dir DIR")
        << "without --nats, the message users know";
}

}  // namespace
}  // namespace splitstream::daemon
