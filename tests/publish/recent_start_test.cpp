// Where a `recent=N` subscriber starts: the N-th most recent matching
// retained event, the floor when fewer are retained, nothing when the
// history cannot serve it.

#include "publish/recent_start.hpp"

#include <gtest/gtest.h>

namespace splitstream::publish {
namespace {

using feed::event_type;

history_entry entry(std::uint64_t seq, event_type type, std::string event) {
    return {.seq = seq, .type = type, .event = std::move(event), .frame = make_text_frame("{}", seq)};
}

// seq 1..10: odd seqs are splits of A, even seqs finishes of B; seq 11 a
// feed event (no event id).
history sample() {
    history h(100, 1 << 20);
    h.reset(0);
    for (std::uint64_t s = 1; s <= 10; ++s)
        h.append(s % 2 ? entry(s, event_type::split, "A") : entry(s, event_type::finish, "B"));
    h.append(entry(11, event_type::feed, ""));
    return h;
}

subscription_filter filter(std::vector<std::string> events, std::vector<std::string> types = {}) {
    subscription_filter f;
    EXPECT_FALSE(make_filter(std::move(events), types, f));
    return f;
}

TEST(recent_start, starts_before_the_nth_most_recent_event) {
    const auto h = sample();
    const auto pos = recent_start(h, filter({}), 3, h.head());
    ASSERT_TRUE(pos);
    EXPECT_EQ(pos->after, 8u);  // 9, 10, 11 follow
    EXPECT_EQ(pos->count, 3u);
}

TEST(recent_start, counts_only_events_that_match_the_filter) {
    const auto h = sample();
    // Events of A (and feed events, which pass every events filter).
    auto pos = recent_start(h, filter({"A"}), 3, h.head());
    ASSERT_TRUE(pos);
    EXPECT_EQ(pos->after, 6u);  // 7, 9, 11
    EXPECT_EQ(pos->count, 3u);
    // Finishes only: 6, 8, 10.
    pos = recent_start(h, filter({}, {"finish"}), 3, h.head());
    ASSERT_TRUE(pos);
    EXPECT_EQ(pos->after, 5u);
    EXPECT_EQ(pos->count, 3u);
}

TEST(recent_start, ends_at_the_position_it_is_given) {
    const auto h = sample();
    // A delayed subscriber at seq 6: the last two events up to 6.
    const auto pos = recent_start(h, filter({}), 2, 6);
    ASSERT_TRUE(pos);
    EXPECT_EQ(pos->after, 4u);
    EXPECT_EQ(pos->count, 2u);
}

TEST(recent_start, with_fewer_matching_events_starts_at_the_floor) {
    auto h = sample();
    auto pos = recent_start(h, filter({"B"}, {"finish"}), 50, h.head());
    ASSERT_TRUE(pos);
    EXPECT_EQ(pos->after, 0u);
    EXPECT_EQ(pos->count, 5u);

    // Evict seqs 1..4: the floor is 4, and all that is left is given.
    history small(7, 1 << 20);
    small.reset(0);
    for (std::uint64_t s = 1; s <= 11; ++s) small.append(entry(s, event_type::split, "A"));
    ASSERT_EQ(small.floor(), 4u);
    pos = recent_start(small, filter({}), 50, small.head());
    ASSERT_TRUE(pos);
    EXPECT_EQ(pos->after, 4u);
    EXPECT_EQ(pos->count, 7u);
}

TEST(recent_start, cannot_serve_when_nothing_matches_and_older_events_are_gone) {
    history h(3, 1 << 20);
    h.reset(0);
    for (std::uint64_t s = 1; s <= 5; ++s) h.append(entry(s, event_type::split, "A"));
    EXPECT_FALSE(recent_start(h, filter({"B"}), 10, h.head()));
    // Nothing was ever evicted (floor 0): an empty start is exact.
    history fresh(3, 1 << 20);
    fresh.reset(0);
    const auto pos = recent_start(fresh, filter({}), 10, fresh.head());
    ASSERT_TRUE(pos);
    EXPECT_EQ(pos->after, 0u);
    EXPECT_EQ(pos->count, 0u);
}

}  // namespace
}  // namespace splitstream::publish
