#include "base/request_target.hpp"

#include <gtest/gtest.h>

namespace splitstream {
namespace {

TEST(request_target, splits_path_and_decodes_query) {
    auto t = parse_request_target("/v1/stream?events=A%2CB,C&since=5&x");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->path, "/v1/stream");
    EXPECT_EQ(t->param("events"), "A,B,C");
    EXPECT_EQ(t->param("since"), "5");
    EXPECT_EQ(t->param("x"), "");
    EXPECT_FALSE(t->param("epoch"));
    EXPECT_FALSE(parse_request_target("/bad%2"));
    EXPECT_FALSE(parse_request_target("http://host/"));
}

}  // namespace
}  // namespace splitstream
