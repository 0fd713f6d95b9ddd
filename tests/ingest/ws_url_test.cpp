#include "ingest/ws_url.hpp"

#include <gtest/gtest.h>

namespace splitstream::ingest {
namespace {

TEST(WsUrl, SplitsSchemeHostPortAndTarget) {
    auto u = parse_ws_url("ws://127.0.0.1:9001/feed?x=1");
    ASSERT_TRUE(u);
    EXPECT_FALSE(u->tls);
    EXPECT_EQ(u->host, "127.0.0.1");
    EXPECT_EQ(u->port, "9001");
    EXPECT_EQ(u->target, "/feed?x=1");

    u = parse_ws_url("wss://timing.example.org");
    ASSERT_TRUE(u);
    EXPECT_TRUE(u->tls);
    EXPECT_EQ(u->port, "443");
    EXPECT_EQ(u->target, "/");

    u = parse_ws_url("ws://[::1]:8080?since=3");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->host, "::1");
    EXPECT_EQ(u->port, "8080");
    EXPECT_EQ(u->target, "/?since=3");
}

TEST(WsUrl, RefusesOtherSchemesAndBadPorts) {
    EXPECT_FALSE(parse_ws_url("http://host/feed"));
    EXPECT_FALSE(parse_ws_url("ws://:80/"));
    EXPECT_FALSE(parse_ws_url("ws://host:port/"));
    EXPECT_FALSE(parse_ws_url("ws://[::1/"));
}

TEST(WsUrl, AppendsQueryParameters) {
    EXPECT_EQ(with_query("/feed", "since", "41"), "/feed?since=41");
    EXPECT_EQ(with_query("/feed?race=1", "since", "41"), "/feed?race=1&since=41");
}

}  // namespace
}  // namespace splitstream::ingest
