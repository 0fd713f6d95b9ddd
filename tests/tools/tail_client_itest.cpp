// `splitstream tail` against a stream that drops the connection: it
// reconnects with since and epoch and prints every event exactly once. And
// against the publish server over wss://: it trusts the CA file given,
// refuses a certificate nothing vouches for (and says which option to
// use), and skips the check only when told to.

#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "publish/server.hpp"
#include "replay/feed_server.hpp"
#include "tests/publish/test_support.hpp"
#include "tests/support/tls_cert.hpp"
#include "tools/tail/tail_client.hpp"

namespace splitstream::tail {
namespace {

using namespace std::chrono_literals;

std::shared_ptr<spdlog::logger> quiet() {
    return std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
}

// Derived events as a splitstream stream would publish them.
replay::feed_recording derived_events(std::size_t n) {
    replay::feed_recording rec;
    rec.epoch = "D1";
    for (std::uint64_t s = 1; s <= n; ++s)
        rec.frames.push_back(
            {.seq = s,
             .offset_ms = 0,
             .type = "split",
             .text = "{\"seq\":" + std::to_string(s) +
                     ",\"type\":\"split\",\"event\":\"M1500-F\",\"ts\":\"2024-01-01T00:00:00.000Z\","
                     "\"text\":\"headline " +
                     std::to_string(s) + "\"}"});
    return rec;
}

std::vector<std::string> lines_of(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

TEST(tail_client, resumes_after_disconnects_and_prints_each_event_once) {
    net::io_context ioc;
    replay::feed_server_options opt;
    opt.speed = 0;
    opt.heartbeat_interval = 100ms;
    opt.faults.disconnect_at = {4, 9};
    opt.faults.dup_at = {6};
    replay::feed_server server(ioc, derived_events(12), opt, quiet());
    ASSERT_FALSE(server.start());

    tail_options t;
    t.url = "ws://127.0.0.1:" + std::to_string(server.local_endpoint().port()) + "/v1/stream";
    t.count = 12;
    t.reconnect.initial = 20ms;
    std::ostringstream out;
    auto client = tail_client::create(ioc, t, out, quiet()).client;
    ASSERT_TRUE(client);
    client->run();
    for (int i = 0; i < 500 && !client->done(); ++i) ioc.run_for(10ms);
    server.stop();
    ioc.run_for(100ms);

    ASSERT_TRUE(client->done());
    auto lines = lines_of(out.str());
    ASSERT_EQ(lines.size(), 12u) << out.str();
    for (std::size_t i = 0; i < lines.size(); ++i) {
        EXPECT_NE(lines[i].find("M1500-F  headline " + std::to_string(i + 1)), std::string::npos) << lines[i];
        EXPECT_EQ(lines[i].size(), lines[i].find("headline") + 9 + std::to_string(i + 1).size()) << lines[i];
    }
    EXPECT_EQ(client->stats().connects, 3u);
    EXPECT_EQ(client->stats().skipped_duplicates, 1u);
}

TEST(tail_client, json_mode_prints_frames_as_received_and_count_stops_it) {
    net::io_context ioc;
    replay::feed_server_options opt;
    opt.speed = 0;
    replay::feed_server server(ioc, derived_events(5), opt, quiet());
    ASSERT_FALSE(server.start());
    tail_options t;
    t.url = "ws://127.0.0.1:" + std::to_string(server.local_endpoint().port());
    t.format = tail_format::json;
    t.count = 3;
    std::ostringstream out;
    auto client = tail_client::create(ioc, t, out, quiet()).client;
    ASSERT_TRUE(client);
    client->run();
    for (int i = 0; i < 300 && !client->done(); ++i) ioc.run_for(10ms);
    server.stop();
    ioc.run_for(50ms);
    auto lines = lines_of(out.str());
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0].rfind("{\"seq\":1,\"type\":\"split\"", 0), 0u) << lines[0];
}

TEST(tail_client, refuses_a_url_it_cannot_use_and_an_unreadable_ca_file) {
    net::io_context ioc;
    std::ostringstream out;
    tail_options t;
    t.url = "http://127.0.0.1:8080";
    auto made = tail_client::create(ioc, t, out, quiet());
    EXPECT_FALSE(made.client);
    EXPECT_NE(made.error.find("bad URL http://127.0.0.1:8080"), std::string::npos) << made.error;

    // Refused at start, not on every connect.
    t.url = "ws://127.0.0.1:70000";
    made = tail_client::create(ioc, t, out, quiet());
    EXPECT_FALSE(made.client);
    EXPECT_NE(made.error.find("bad URL ws://127.0.0.1:70000: port 70000 is not 1-65535"), std::string::npos)
        << made.error;

    t.url = "wss://127.0.0.1:8443";
    t.tls.ca_file = "/nonexistent/ca.pem";
    made = tail_client::create(ioc, t, out, quiet());
    EXPECT_FALSE(made.client);
    EXPECT_EQ(made.error, "cannot read CA file /nonexistent/ca.pem");
}

struct captured_log {
    std::ostringstream text;
    std::shared_ptr<spdlog::logger> logger = std::make_shared<spdlog::logger>(
        "tail", std::make_shared<spdlog::sinks::ostream_sink_mt>(text, /*force_flush=*/true));
};

TEST(tail_client, over_wss_trusts_the_ca_file_refuses_an_unknown_certificate_and_skips_the_check_if_told) {
    // Self-signed: the certificate is its own CA file.
    const auto files = test_support::make_certificate({.tag = "tail-wss"});
    ASSERT_TRUE(files.made()) << "test certificate: " << files.error;
    net::io_context ioc;
    publish::testing::fake_provider provider;
    metrics_registry registry;
    publish::server_options o{.listen_address = "127.0.0.1",
                              .listen_port = 0,
                              .close_timeout = 500ms,
                              .tls_cert_file = files.cert.string(),
                              .tls_key_file = files.key.string()};
    publish::server srv(ioc, o, provider, registry, quiet());
    srv.start();
    const auto run_until = [&](auto done) { return publish::testing::run_until(ioc, done, 10s); };

    tail_options t;
    t.url = "wss://127.0.0.1:" + std::to_string(srv.port());
    t.format = tail_format::json;
    t.count = 2;

    // The system's CAs do not know the certificate: no connection, an error
    // that names the fix, and another attempt after the backoff.
    captured_log log;
    std::ostringstream refused_out;
    auto refused = tail_client::create(ioc, t, refused_out, log.logger).client;
    ASSERT_TRUE(refused);
    refused->run();
    ASSERT_TRUE(run_until([&] { return log.text.str().find("retrying") != std::string::npos; }))
        << log.text.str();
    EXPECT_NE(log.text.str().find("certificate not trusted"), std::string::npos) << log.text.str();
    EXPECT_NE(log.text.str().find("--ca-file"), std::string::npos) << log.text.str();
    EXPECT_EQ(refused->stats().connects, 0u);
    EXPECT_EQ(srv.subscribers(), 0u);
    refused->stop();

    // Trusted through the CA file: it subscribes and prints what is published.
    t.tls.ca_file = files.ca.string();
    std::ostringstream out;
    auto client = tail_client::create(ioc, t, out, quiet()).client;
    ASSERT_TRUE(client);
    client->run();
    ASSERT_TRUE(run_until([&] { return srv.subscribers() == 1; }));
    srv.publish(publish::testing::next_event(provider, feed::event_type::split, "A"));
    srv.publish(publish::testing::next_event(provider, feed::event_type::split, "A"));
    ASSERT_TRUE(run_until([&] { return client->done(); }));
    const auto lines = lines_of(out.str());
    ASSERT_EQ(lines.size(), 2u) << out.str();
    EXPECT_EQ(lines[0].rfind("{\"seq\":1,", 0), 0u) << lines[0];
    EXPECT_EQ(lines[1].rfind("{\"seq\":2,", 0), 0u) << lines[1];
    EXPECT_EQ(client->stats().connects, 1u);
    ASSERT_TRUE(run_until([&] { return srv.subscribers() == 0; }));

    // The lab flag: no CA file, no check, connected.
    t.tls = {.ca_file = {}, .insecure_skip_verify = true};
    std::ostringstream lab_out;
    auto lab = tail_client::create(ioc, t, lab_out, quiet()).client;
    ASSERT_TRUE(lab);
    lab->run();
    ASSERT_TRUE(run_until([&] { return lab->stats().connects == 1; }));
    lab->stop();

    srv.stop();
    EXPECT_TRUE(run_until([&] { return srv.connections() == 0; }));
}

TEST(tail_client, opens_with_the_last_headlines_then_goes_live_and_can_stay_behind_by_a_delay) {
    net::io_context ioc;
    publish::testing::fake_provider provider;
    metrics_registry registry;
    publish::server srv(ioc, {.listen_address = "127.0.0.1", .listen_port = 0}, provider, registry, quiet());
    srv.start();
    const auto run_until = [&](auto done) { return publish::testing::run_until(ioc, done, 10s); };
    for (int i = 0; i < 60; ++i)
        srv.publish(publish::testing::next_event(provider, feed::event_type::split, "A"));
    const auto url = "ws://127.0.0.1:" + std::to_string(srv.port()) + "/v1/stream";

    // The default: the last 50 headlines (11..60), then live.
    tail_options t;
    t.url = url;
    t.count = 52;
    std::ostringstream out;
    auto client = tail_client::create(ioc, t, out, quiet()).client;
    ASSERT_TRUE(client);
    client->run();
    ASSERT_TRUE(run_until([&] { return client->stats().printed == 50; })) << out.str();
    for (int i = 0; i < 2; ++i)
        srv.publish(publish::testing::next_event(provider, feed::event_type::split, "A"));
    ASSERT_TRUE(run_until([&] { return client->done(); })) << out.str();
    auto lines = lines_of(out.str());
    ASSERT_EQ(lines.size(), 52u) << out.str();
    EXPECT_NE(lines.front().find("A  event 11"), std::string::npos) << lines.front();
    EXPECT_NE(lines.back().find("A  event 62"), std::string::npos) << lines.back();

    // --recent 0: as before, nothing until the next event.
    tail_options none = t;
    none.recent = 0;
    none.count = 1;
    std::ostringstream none_out;
    auto fresh = tail_client::create(ioc, none, none_out, quiet()).client;
    fresh->run();
    ASSERT_TRUE(run_until([&] { return srv.subscribers() == 1; }));
    ioc.run_for(50ms);
    EXPECT_EQ(none_out.str(), "");
    srv.publish(publish::testing::next_event(provider, feed::event_type::split, "A"));  // 63
    ASSERT_TRUE(run_until([&] { return fresh->done(); }));
    EXPECT_NE(none_out.str().find("A  event 63"), std::string::npos) << none_out.str();

    // --delay: the next event is printed no sooner than the delay after it
    // (the earlier ones are older than the delay: the tail starts after them).
    ioc.run_for(400ms);
    tail_options behind = none;
    behind.delay = 300ms;
    std::ostringstream behind_out;
    auto delayed = tail_client::create(ioc, behind, behind_out, quiet()).client;
    delayed->run();
    ASSERT_TRUE(run_until([&] { return srv.subscribers() == 1; }));
    ioc.run_for(20ms);
    const auto published = std::chrono::steady_clock::now();
    srv.publish(publish::testing::next_event(provider, feed::event_type::split, "A"));  // 64
    ASSERT_TRUE(run_until([&] { return delayed->done(); }));
    EXPECT_GE(std::chrono::steady_clock::now() - published, 300ms);
    EXPECT_NE(behind_out.str().find("A  event 64"), std::string::npos) << behind_out.str();

    srv.stop();
    EXPECT_TRUE(run_until([&] { return srv.connections() == 0; }));
}

}  // namespace
}  // namespace splitstream::tail
