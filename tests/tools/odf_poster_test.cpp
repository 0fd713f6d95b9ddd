// The URL `sim --post` takes.

#include "tools/sim/odf_poster.hpp"

#include <gtest/gtest.h>

namespace splitstream::sim {
namespace {

TEST(parse_http_url, takes_host_port_and_path) {
    const auto url = parse_http_url("http://127.0.0.1:7001/odf/in");
    ASSERT_TRUE(url);
    EXPECT_EQ(url->host, "127.0.0.1");
    EXPECT_EQ(url->port, 7001);
    EXPECT_EQ(url->target, "/odf/in");
    const auto bare = parse_http_url("http://[::1]:80");
    ASSERT_TRUE(bare);
    EXPECT_EQ(bare->host, "::1");
    EXPECT_EQ(bare->target, "/");
}

TEST(parse_http_url, refuses_other_schemes_and_missing_ports) {
    for (const char* text : {"https://127.0.0.1:443/", "127.0.0.1:80/odf", "http://127.0.0.1/odf",
                             "http://127.0.0.1:0/", "ftp://x:21/", ""})
        EXPECT_FALSE(parse_http_url(text)) << text;
}

}  // namespace
}  // namespace splitstream::sim
