#include "base/redact.hpp"

#include <gtest/gtest.h>

#include <string>

namespace splitstream {
namespace {

TEST(redact_credentials, token_parameters_are_hidden_and_the_rest_kept) {
    EXPECT_EQ(redact_credentials("/feed?token=s3cret"), "/feed?token=***");
    EXPECT_EQ(redact_credentials("/v1/stream?events=M1500-F&access_token=eyJ.x.y&since=4"),
              "/v1/stream?events=M1500-F&access_token=***&since=4");
    EXPECT_EQ(redact_credentials("/feed?TOKEN=a;api_key=b#frag"), "/feed?TOKEN=***;api_key=***#frag");
    EXPECT_EQ(redact_credentials("/feed?%74oken=s3cret"), "/feed?%74oken=***")
        << "a name spelt with escapes is the same name to a server that decodes it";
    EXPECT_EQ(redact_credentials("/feed?since=4"), "/feed?since=4");
    EXPECT_EQ(redact_credentials("/feed?token"), "/feed?token");
    EXPECT_EQ(redact_credentials("/feed"), "/feed");
}

TEST(redact_credentials, urls_lose_the_password_and_the_token) {
    EXPECT_EQ(redact_credentials("wss://timing.example:9443/feed?token=abc&since=12"),
              "wss://timing.example:9443/feed?token=***&since=12");
    EXPECT_EQ(redact_credentials("ws://user:pw@timing.example/feed"), "ws://user:***@timing.example/feed");
    EXPECT_EQ(redact_credentials("ws://timing.example/a@b"), "ws://timing.example/a@b");
}

TEST(redact_credentials, a_long_target_is_cut_after_redaction) {
    const auto out = redact_credentials("/feed?x=" + std::string(10'000, 'a') + "&token=s3cret");
    EXPECT_EQ(out.size(), redacted_max_length + 3);
    EXPECT_EQ(out.find("s3cret"), std::string::npos);
}

}  // namespace
}  // namespace splitstream
