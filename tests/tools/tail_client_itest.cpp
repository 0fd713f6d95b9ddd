// `splitstream tail` against a stream that drops the connection: it
// reconnects with since and epoch and prints every event exactly once.

#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "replay/feed_server.hpp"
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
    t.backoff_initial = 20ms;
    std::ostringstream out;
    auto client = std::make_shared<tail_client>(ioc, t, out, quiet());
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
    auto client = std::make_shared<tail_client>(ioc, t, out, quiet());
    client->run();
    for (int i = 0; i < 300 && !client->done(); ++i) ioc.run_for(10ms);
    server.stop();
    ioc.run_for(50ms);
    auto lines = lines_of(out.str());
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0].rfind("{\"seq\":1,\"type\":\"split\"", 0), 0u) << lines[0];
}

TEST(tail_client, parses_stream_urls) {
    auto u = parse_ws_url("ws://127.0.0.1:8080");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->host, "127.0.0.1");
    EXPECT_EQ(u->port, "8080");
    EXPECT_EQ(u->path, "/v1/stream");
    EXPECT_EQ(parse_ws_url("ws://h:1/x?events=A")->path, "/x?events=A");
    EXPECT_FALSE(parse_ws_url("http://h:1"));
    EXPECT_FALSE(parse_ws_url("ws://h"));
}

}  // namespace
}  // namespace splitstream::tail
