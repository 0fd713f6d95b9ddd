// The corking rule (docs/publish.md, "Frames and writes"): a fan-out that
// took d holds back the next one by d only while events crowd in, and by
// 3d while the crowding lasts.

#include "publish/flush_pacer.hpp"

#include <gtest/gtest.h>

namespace splitstream::publish {
namespace {

using namespace std::chrono_literals;
using clock = flush_pacer::clock;

const clock::time_point t0{1s};

TEST(flush_pacer, the_first_event_goes_out_at_once) {
    flush_pacer p(20ms);
    EXPECT_EQ(p.due(t0), t0);
}

// 100 subscribers at 1,000 events a second: a fan-out of 0.5 ms, the next
// event 0.5 ms after it ended, the loop idle in between.
TEST(flush_pacer, an_event_that_finds_the_loop_idle_is_not_held_back) {
    flush_pacer p(20ms);
    p.flushed(t0, t0 + 500us);
    EXPECT_EQ(p.due(t0 + 1ms), t0 + 1ms);
    // Even inside what used to be the corking window.
    EXPECT_EQ(p.due(t0 + 700us), t0 + 700us);
}

// As fast as possible: the next event was read while the writes ran and is
// processed right after them; it waits as long as the fan-out took, so the
// events behind it join the same writes.
TEST(flush_pacer, an_event_right_after_a_fan_out_waits_as_long_as_it_took) {
    flush_pacer p(20ms);
    p.flushed(t0, t0 + 4ms);
    EXPECT_EQ(p.due(t0 + 4ms + 10us), t0 + 8ms);
    EXPECT_EQ(p.due(t0 + 4ms + 999us), t0 + 8ms);
    // A quarter of the fan-out later the loop was idle: at once.
    EXPECT_EQ(p.due(t0 + 5ms), t0 + 5ms);
}

// As fast as possible, on and on: every fan-out is held back, and from the
// second in a row on, the next waits three times as long as the last one
// took.
TEST(flush_pacer, crowding_that_lasts_waits_three_times_as_long) {
    flush_pacer p(20ms);
    p.flushed(t0, t0 + 4ms);
    auto due = p.due(t0 + 4ms + 10us);  // held back: the first of a row
    EXPECT_EQ(due, t0 + 8ms);
    p.flushed(due, due + 4ms);  // t0 + 12 ms
    due = p.due(t0 + 12ms + 10us);
    EXPECT_EQ(due, t0 + 24ms);
    p.flushed(due, due + 3ms);  // t0 + 27 ms
    EXPECT_EQ(p.due(t0 + 27ms + 10us), t0 + 36ms);
}

// A held-back fan-out, then a lull: the next crowded one waits once the
// fan-out's time again (two close events, not load).
TEST(flush_pacer, a_lull_ends_the_row) {
    flush_pacer p(20ms);
    p.flushed(t0, t0 + 4ms);
    auto due = p.due(t0 + 4ms + 10us);
    p.flushed(due, due + 4ms);  // t0 + 12 ms, held back
    due = p.due(t0 + 30ms);     // idle loop: at once, not held
    EXPECT_EQ(due, t0 + 30ms);
    p.flushed(due, due + 4ms);  // t0 + 34 ms
    EXPECT_EQ(p.due(t0 + 34ms + 10us), t0 + 38ms);
}

TEST(flush_pacer, the_wait_never_exceeds_the_maximum_delay) {
    flush_pacer p(20ms);
    p.flushed(t0, t0 + 100ms);
    auto due = p.due(t0 + 100ms + 1ms);
    EXPECT_EQ(due, t0 + 120ms);
    p.flushed(due, due + 5ms);  // held back, and the next three times 5 ms
    EXPECT_EQ(p.due(t0 + 125ms + 1ms), t0 + 140ms);
    p.flushed(t0 + 140ms, t0 + 150ms);  // three times 10 ms is capped
    EXPECT_EQ(p.due(t0 + 150ms + 1ms), t0 + 170ms);
}

TEST(flush_pacer, a_maximum_delay_of_zero_sends_every_event_at_once) {
    flush_pacer p(0ms);
    p.flushed(t0, t0 + 4ms);
    EXPECT_EQ(p.due(t0 + 4ms + 10us), t0 + 4ms + 10us);
}

}  // namespace
}  // namespace splitstream::publish
