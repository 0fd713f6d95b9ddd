// ws:// and wss:// URLs as the upstream client and `splitstream tail` read them.

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

// A port out of range used to pass here and fail only at connect, again on
// every retry.
TEST(WsUrl, RefusesAPortOutsideOneTo65535) {
    EXPECT_FALSE(parse_ws_url("ws://h:65536/"));
    EXPECT_FALSE(parse_ws_url("wss://[::1]:70000/feed"));
    EXPECT_FALSE(parse_ws_url("ws://h:99999999999999999999999/"));
    EXPECT_FALSE(parse_ws_url("ws://h:0/"));
    EXPECT_EQ(parse_ws_url("ws://h:65535/")->port, "65535");
    EXPECT_EQ(parse_ws_url("ws://h:1/")->port, "1");
}

TEST(WsUrl, WritesThePortWithoutLeadingZeros) {
    const auto u = parse_ws_url("ws://h:0080/");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->port, "80");
    EXPECT_EQ(host_header(*u), "h");
}

TEST(WsUrl, SaysWhyItRefusesAUrl) {
    EXPECT_EQ(ws_url_problem("ws://127.0.0.1:70000/feed"), "port 70000 is not 1-65535");
    EXPECT_EQ(ws_url_problem("ws://h:0/"), "port 0 is not 1-65535");
    EXPECT_EQ(ws_url_problem("ws://h:80x/"), "port 80x is not a number");
    EXPECT_EQ(ws_url_problem("ws://h:/"), "no port after the colon");
    EXPECT_EQ(ws_url_problem("http://h/feed"), "not ws:// or wss://");
    EXPECT_EQ(ws_url_problem("ws://:80/"), "no host");
    EXPECT_EQ(ws_url_problem("ws://[::1/"), "no ] after an IPv6 address");
    EXPECT_EQ(ws_url_problem("ws://[::1]x:80/"), "text after the ] of an IPv6 address");
    EXPECT_EQ(ws_url_problem("wss://h:8443/feed"), "");
}

// `splitstream tail` had its own reading of stream URLs; these are the
// cases where the two differed.
TEST(WsUrl, GivesTheDefaultPathToAUrlWithoutOne) {
    EXPECT_EQ(parse_ws_url("ws://h:1", "/v1/stream")->target, "/v1/stream");
    EXPECT_EQ(parse_ws_url("ws://h:1?events=A", "/v1/stream")->target, "/v1/stream?events=A");
    EXPECT_EQ(parse_ws_url("ws://h:1/x?events=A", "/v1/stream")->target, "/x?events=A");
    EXPECT_EQ(parse_ws_url("ws://h:1/", "/v1/stream")->target, "/");
}

TEST(WsUrl, TakesTheSchemesPortWhenNoneIsGiven) {
    auto u = parse_ws_url("ws://h");  // the tail's copy refused this
    ASSERT_TRUE(u);
    EXPECT_EQ(u->port, "80");
    u = parse_ws_url("ws://[::1]/v1/stream");  // ... and read host "[:" and port "1]" here
    ASSERT_TRUE(u);
    EXPECT_EQ(u->host, "::1");
    EXPECT_EQ(u->port, "80");
    EXPECT_EQ(u->target, "/v1/stream");
}

TEST(WsUrl, RefusesWhatTheTailsCopyLetThrough) {
    EXPECT_FALSE(parse_ws_url("ws://h:80x/"));  // a port that is not a number
    EXPECT_FALSE(parse_ws_url("ws://[::1]x:80/"));
}

// The tail sent "::1:8080" (no brackets) and always a port; the Host header
// is "[::1]:8080", and "h" for the scheme's own port.
TEST(WsUrl, HostHeaderBracketsIpv6AndOmitsTheDefaultPort) {
    EXPECT_EQ(host_header(*parse_ws_url("ws://[::1]:8080/")), "[::1]:8080");
    EXPECT_EQ(host_header(*parse_ws_url("ws://h:80/")), "h");
    EXPECT_EQ(host_header(*parse_ws_url("ws://h:443/")), "h:443");
    EXPECT_EQ(host_header(*parse_ws_url("wss://h:443/")), "h");
    EXPECT_EQ(host_header(*parse_ws_url("wss://h:8443/")), "h:8443");
}

TEST(WsUrl, AppendsQueryParameters) {
    EXPECT_EQ(with_query("/feed", "since", "41"), "/feed?since=41");
    EXPECT_EQ(with_query("/feed?race=1", "since", "41"), "/feed?race=1&since=41");
}

}  // namespace
}  // namespace splitstream::ingest
