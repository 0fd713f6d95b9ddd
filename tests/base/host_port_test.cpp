#include "base/host_port.hpp"

#include <gtest/gtest.h>

namespace splitstream {
namespace {

TEST(host_port, reads_an_address_and_a_port) {
    auto a = parse_host_port("127.0.0.1:8080");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->host, "127.0.0.1");
    EXPECT_EQ(a->port, 8080);
    auto b = parse_host_port("localhost:0");
    ASSERT_TRUE(b);
    EXPECT_EQ(b->host, "localhost");
    EXPECT_EQ(b->port, 0);
}

TEST(host_port, an_empty_host_is_the_loopback_address) {
    // The simulator and the live player took ":PORT" as 127.0.0.1; serve
    // refused it. A listener must never open to the network by omission.
    auto a = parse_host_port(":9000");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->host, "127.0.0.1");
    EXPECT_EQ(a->port, 9000);
}

TEST(host_port, ipv6_addresses_come_in_brackets) {
    auto a = parse_host_port("[::1]:8080");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->host, "::1");
    EXPECT_EQ(a->port, 8080);
    // Without brackets the port cannot be told from the address.
    EXPECT_FALSE(parse_host_port("::1:8080"));
    EXPECT_FALSE(parse_host_port("[]:8080"));
    EXPECT_FALSE(parse_host_port("[::1:8080"));
}

TEST(host_port, the_port_is_decimal_digits_up_to_65535) {
    EXPECT_TRUE(parse_host_port("h:65535"));
    EXPECT_FALSE(parse_host_port("h:65536"));
    EXPECT_FALSE(parse_host_port("h:-1"));
    EXPECT_FALSE(parse_host_port("h:+80"));
    EXPECT_FALSE(parse_host_port("h:80x"));
    EXPECT_FALSE(parse_host_port("h: 80"));
    EXPECT_FALSE(parse_host_port("h:"));
    EXPECT_FALSE(parse_host_port("8080"));
    EXPECT_FALSE(parse_host_port(""));
}

TEST(host_port, an_ipv6_address_is_written_back_in_brackets) {
    EXPECT_EQ(format_host_port("127.0.0.1", 8080), "127.0.0.1:8080");
    EXPECT_EQ(format_host_port("::1", 33253), "[::1]:33253");
    auto round_trip = parse_host_port(format_host_port("fe80::1", 9));
    ASSERT_TRUE(round_trip);
    EXPECT_EQ(round_trip->host, "fe80::1");
    EXPECT_EQ(round_trip->port, 9);
}

}  // namespace
}  // namespace splitstream
