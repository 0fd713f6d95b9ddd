// --speed as `sim --serve` and `replay --serve` read it. The two commands
// had their own readers until they shared this one: sim's took "2x" as 2
// and " 2" as 2; both took "inf".

#include "replay/play_speed.hpp"

#include <gtest/gtest.h>

namespace splitstream::replay {
namespace {

TEST(play_speed, max_is_as_fast_as_possible) {
    EXPECT_EQ(parse_play_speed("max"), 0.0);
}

TEST(play_speed, a_positive_factor_is_read_whole) {
    EXPECT_EQ(parse_play_speed("1"), 1.0);
    EXPECT_EQ(parse_play_speed("1.5"), 1.5);
    EXPECT_EQ(parse_play_speed("0.25"), 0.25);
    EXPECT_EQ(parse_play_speed("1e1"), 10.0);
}

TEST(play_speed, trailing_text_is_refused_not_ignored) {
    EXPECT_EQ(parse_play_speed("2x"), std::nullopt);
    EXPECT_EQ(parse_play_speed("1.5 "), std::nullopt);
    EXPECT_EQ(parse_play_speed(" 2"), std::nullopt);
    EXPECT_EQ(parse_play_speed("Max"), std::nullopt);
}

TEST(play_speed, zero_negative_empty_and_non_finite_are_refused) {
    // 0 is not "max": a speed of zero would never play a frame.
    EXPECT_EQ(parse_play_speed("0"), std::nullopt);
    EXPECT_EQ(parse_play_speed("-1"), std::nullopt);
    EXPECT_EQ(parse_play_speed(""), std::nullopt);
    EXPECT_EQ(parse_play_speed("inf"), std::nullopt);
    EXPECT_EQ(parse_play_speed("nan"), std::nullopt);
    EXPECT_EQ(parse_play_speed("1e999"), std::nullopt);
}

}  // namespace
}  // namespace splitstream::replay
