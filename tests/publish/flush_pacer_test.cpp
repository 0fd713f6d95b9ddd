// The corking rule (docs/publish.md, "Frames and writes"): while the feed
// brings more than two events per fan-out time, a fan-out that took d holds
// back the next one by d when events crowd in, and by 3d while the crowding
// lasts; below that load nothing is held back.

#include "publish/flush_pacer.hpp"

#include <gtest/gtest.h>

namespace splitstream::publish {
namespace {

using namespace std::chrono_literals;
using clock = flush_pacer::clock;

const clock::time_point t0{1s};

// A feed faster than the fan-outs: ten fan-outs back to back, each of 4 ms
// carrying the 8 events that came while the last one ran. Returns when the
// last one ended.
clock::time_point overload(flush_pacer& p, clock::time_point from) {
    for (int i = 0; i < 10; ++i, from += 4ms) p.flushed(from, from + 4ms, 8);
    return from;
}

TEST(flush_pacer, the_first_event_goes_out_at_once) {
    flush_pacer p(20ms);
    EXPECT_EQ(p.due(t0), t0);
}

// 100 subscribers at 1,000 events a second: a fan-out of 0.5 ms, the next
// event 0.5 ms after it ended, the loop idle in between.
TEST(flush_pacer, an_event_that_finds_the_loop_idle_is_not_held_back) {
    flush_pacer p(20ms);
    const auto end = overload(p, t0);
    EXPECT_EQ(p.due(end + 1ms), end + 1ms);
    // Even inside what used to be the corking window.
    EXPECT_EQ(p.due(end + 3ms), end + 3ms);
}

// The same feed on a slower machine: each fan-out takes 0.8 ms of every
// millisecond, so an event often arrives while the writes run and is
// processed right after them. Less than two events per fan-out time: the
// loop keeps up, and holding the event back would only add to its latency.
TEST(flush_pacer, below_two_events_per_fan_out_time_nothing_is_held_back) {
    flush_pacer p(20ms);
    auto start = t0;
    for (int i = 0; i < 50; ++i, start += 1ms) p.flushed(start, start + 800us, 1);
    EXPECT_LT(p.load(), 1.0);
    const auto end = start - 1ms + 800us;
    EXPECT_EQ(p.due(end + 10us), end + 10us);
    // Nor when fan-outs of three events come every 2 ms, taking 0.9 ms each
    // (1.35 events per fan-out time): the loop is busy, not overrun.
    for (int i = 0; i < 50; ++i, start += 2ms) p.flushed(start, start + 900us, 3);
    EXPECT_GT(p.load(), 1.0);
    EXPECT_LT(p.load(), 2.0);
    const auto last_end = start - 2ms + 900us;
    EXPECT_EQ(p.due(last_end + 10us), last_end + 10us);
}

// Under load the next event was read while the writes ran and is processed
// right after them; it waits as long as the fan-out took, so the events
// behind it join the same writes.
// The send ring's fan-outs take a third less time: the same feed shows as
// a third less load, and is held back from 1.3 on.
TEST(flush_pacer, with_the_send_ring_crowding_is_held_back_from_a_lower_load) {
    flush_pacer ring(20ms, flush_pacer::hold_above_send_ring);
    flush_pacer plain(20ms);
    auto start = t0;
    for (int i = 0; i < 50; ++i, start += 2ms) {
        ring.flushed(start, start + 900us, 3);
        plain.flushed(start, start + 900us, 3);
    }
    EXPECT_GT(ring.load(), 1.3);
    EXPECT_LT(ring.load(), 2.0);
    const auto last_end = start - 2ms + 900us;
    EXPECT_EQ(ring.due(last_end + 10us), last_end + 900us);
    EXPECT_EQ(plain.due(last_end + 10us), last_end + 10us);
    // Below it, nothing is held back either way.
    for (int i = 0; i < 50; ++i, start += 1ms) ring.flushed(start, start + 500us, 1);
    EXPECT_LT(ring.load(), 1.0);
    const auto end = start - 1ms + 500us;
    EXPECT_EQ(ring.due(end + 10us), end + 10us);
}

TEST(flush_pacer, an_event_right_after_a_fan_out_waits_as_long_as_it_took) {
    flush_pacer p(20ms);
    const auto end = overload(p, t0);
    EXPECT_GT(p.load(), 2.0);
    EXPECT_EQ(p.due(end + 10us), end + 4ms);
    EXPECT_EQ(p.due(end + 999us), end + 4ms);
    // A quarter of the fan-out later the loop was idle: at once.
    EXPECT_EQ(p.due(end + 1ms), end + 1ms);
}

// On and on: every fan-out is held back, and from the second in a row on,
// the next waits three times as long as the last one took.
TEST(flush_pacer, crowding_that_lasts_waits_three_times_as_long) {
    flush_pacer p(20ms);
    const auto end = overload(p, t0);
    auto due = p.due(end + 10us);  // held back: the first of a row
    EXPECT_EQ(due, end + 4ms);
    p.flushed(due, due + 4ms, 8);  // end + 8 ms
    due = p.due(end + 8ms + 10us);
    EXPECT_EQ(due, end + 20ms);
    p.flushed(due, due + 3ms, 24);  // end + 23 ms
    EXPECT_EQ(p.due(end + 23ms + 10us), end + 32ms);
}

// A held-back fan-out, then a lull: the next crowded one waits once the
// fan-out's time again (two close events, not a lasting crowd).
TEST(flush_pacer, a_lull_ends_the_row) {
    flush_pacer p(20ms);
    const auto end = overload(p, t0);
    auto due = p.due(end + 10us);
    p.flushed(due, due + 4ms, 8);  // end + 8 ms, held back
    due = p.due(end + 10ms);       // idle loop: at once, not held
    EXPECT_EQ(due, end + 10ms);
    p.flushed(due, due + 4ms, 8);  // end + 14 ms
    EXPECT_EQ(p.due(end + 14ms + 10us), end + 18ms);
}

// The load figure is events per fan-out time: a hold stretches the time
// between fan-outs and the events they carry alike, so it stays; a long
// idle stretch lowers it, and a burst after it is load again within three
// fan-outs.
TEST(flush_pacer, load_is_events_per_fan_out_time_and_follows_the_feed) {
    flush_pacer p(20ms);
    auto end = overload(p, t0);
    const double loaded = p.load();
    // Held back by 3d: four times the time, four times the events.
    for (int i = 0; i < 10; ++i, end += 16ms) p.flushed(end + 12ms, end + 16ms, 32);
    EXPECT_GE(p.load(), loaded);
    // A minute of single events, one a second.
    for (int i = 0; i < 60; ++i, end += 1s) p.flushed(end + 1s - 4ms, end + 1s, 1);
    EXPECT_LT(p.load(), 0.01);
    EXPECT_EQ(p.due(end + 10us), end + 10us);
    // A burst: back-to-back fan-outs of many events each.
    for (int i = 0; i < 3; ++i, end += 4ms) p.flushed(end, end + 4ms, 50);
    EXPECT_GT(p.load(), 2.0);
    EXPECT_EQ(p.due(end + 10us), end + 4ms);
}

TEST(flush_pacer, the_wait_never_exceeds_the_maximum_delay) {
    flush_pacer p(20ms);
    auto end = overload(p, t0);
    p.flushed(end, end + 100ms, 8);
    end += 100ms;
    auto due = p.due(end + 1ms);
    EXPECT_EQ(due, end + 20ms);
    p.flushed(due, due + 5ms, 8);  // held back, and the next three times 5 ms
    EXPECT_EQ(p.due(end + 25ms + 1ms), end + 40ms);
    p.flushed(end + 40ms, end + 50ms, 8);  // three times 10 ms is capped
    EXPECT_EQ(p.due(end + 50ms + 1ms), end + 70ms);
}

TEST(flush_pacer, a_maximum_delay_of_zero_sends_every_event_at_once) {
    flush_pacer p(0ms);
    const auto end = overload(p, t0);
    EXPECT_EQ(p.due(end + 10us), end + 10us);
}

}  // namespace
}  // namespace splitstream::publish
