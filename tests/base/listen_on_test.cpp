// listen_on: a listener's address problems come back as a sentence.

#include "base/listen_on.hpp"

#include <gtest/gtest.h>

namespace splitstream {
namespace {

TEST(listen_on, listens_or_says_why_not) {
    net::io_context ioc;
    tcp::acceptor first(ioc);
    EXPECT_EQ(listen_on(first, "127.0.0.1", 0), std::nullopt);
    const auto port = first.local_endpoint().port();
    EXPECT_NE(port, 0);

    tcp::acceptor second(ioc);
    const auto taken = listen_on(second, "127.0.0.1", port);
    ASSERT_TRUE(taken);
    EXPECT_EQ(taken->rfind("cannot listen on 127.0.0.1:" + std::to_string(port) + ": ", 0), 0u) << *taken;

    tcp::acceptor third(ioc);
    EXPECT_EQ(listen_on(third, "not-an-address", 9000), "bad address not-an-address");
}

}  // namespace
}  // namespace splitstream
