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

// `splitstream tail` once added its jitter on top of the delay, so its
// 5 s cap could become 6.25 s; jitter here only shortens, the cap holds.
TEST(Backoff, NeverWaitsLongerThanTheCapWithJitter) {
    backoff b(backoff_options{.initial = 200ms, .cap = 5000ms, .multiplier = 2.0, .jitter = 0.25}, 7);
    const std::chrono::milliseconds nominal[] = {200ms, 400ms, 800ms, 1600ms, 3200ms, 5000ms, 5000ms, 5000ms};
    for (int round = 0; round < 50; ++round) {
        for (const auto n : nominal) {
            const auto d = b.next();
            EXPECT_LE(d, n);
            EXPECT_GE(d, n * 3 / 4);
        }
        b.reset();
    }
}

// The tail's own generator once started from the same constant in every
// process, so a server restart brought all its tails back in step; without
// a seed each client draws its own delays.
TEST(Backoff, ClientsWithoutASeedDoNotWaitInStep) {
    const backoff_options o{.initial = 1000ms, .cap = 1000ms, .multiplier = 2.0, .jitter = 0.25};
    backoff a(o);
    backoff b(o);
    int same = 0;
    for (int i = 0; i < 20; ++i) same += a.next() == b.next();
    EXPECT_LT(same, 20);
}

}  // namespace
}  // namespace splitstream::ingest
