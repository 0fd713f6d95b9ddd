#include "base/log_burst.hpp"

#include <gtest/gtest.h>

namespace splitstream {
namespace {

using namespace std::chrono_literals;

TEST(log_burst, one_line_per_interval_and_the_next_says_how_many_were_not_logged) {
    log_burst burst(1000ms);
    const log_burst::clock::time_point t0{10s};
    EXPECT_EQ(burst.admit(t0), 0u);  // the first occurrence is always logged
    EXPECT_FALSE(burst.admit(t0 + 1ms));
    EXPECT_FALSE(burst.admit(t0 + 500ms));
    EXPECT_FALSE(burst.admit(t0 + 999ms));
    EXPECT_EQ(burst.admit(t0 + 1000ms), 3u);
    EXPECT_FALSE(burst.admit(t0 + 1500ms));
    EXPECT_EQ(burst.admit(t0 + 5000ms), 1u);
    EXPECT_EQ(burst.admit(t0 + 9000ms), 0u);  // a quiet spell: nothing was held back
}

TEST(log_burst, the_first_occurrence_is_logged_whatever_the_clock_reads) {
    // A steady clock may start near zero (a fresh boot): the first line must
    // not wait for an interval to pass since the clock's epoch.
    log_burst burst(1000ms);
    EXPECT_EQ(burst.admit(log_burst::clock::time_point{}), 0u);
}

}  // namespace
}  // namespace splitstream
