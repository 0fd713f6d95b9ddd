#include "ingest/backoff.hpp"

#include <gtest/gtest.h>

namespace splitstream::ingest {
namespace {

using namespace std::chrono_literals;

TEST(Backoff, GrowsExponentiallyUpToTheCap) {
    backoff b(backoff_options{.initial = 10ms, .cap = 100ms, .multiplier = 2.0, .jitter = 0.0});
    EXPECT_EQ(b.next(), 10ms);
    EXPECT_EQ(b.next(), 20ms);
    EXPECT_EQ(b.next(), 40ms);
    EXPECT_EQ(b.next(), 80ms);
    EXPECT_EQ(b.next(), 100ms);
    for (int i = 0; i < 100; ++i) EXPECT_EQ(b.next(), 100ms);
    b.reset();
    EXPECT_EQ(b.next(), 10ms);
}

TEST(Backoff, JitterOnlyShortensAndStaysWithinItsFraction) {
    backoff b(backoff_options{.initial = 1000ms, .cap = 1000ms, .multiplier = 2.0, .jitter = 0.25}, 42);
    bool varied = false;
    auto first = b.next();
    for (int i = 0; i < 200; ++i) {
        const auto d = b.next();
        EXPECT_LE(d, 1000ms);
        EXPECT_GE(d, 750ms);
        varied = varied || d != first;
    }
    EXPECT_TRUE(varied);
}

}  // namespace
}  // namespace splitstream::ingest
