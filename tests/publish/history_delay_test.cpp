// The history's part in broadcast delay: the position a delayed subscriber
// starts at (the last event published at least the delay ago), and events
// younger than the minimum age kept past the count limit, not past bytes.

#include <gtest/gtest.h>

#include "publish/history.hpp"

namespace splitstream::publish {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

history_entry entry(std::uint64_t seq, clock::time_point published, std::size_t size = 10) {
    return {.seq = seq,
            .type = feed::event_type::split,
            .event = "A",
            .frame = make_text_frame(std::string(size, 'x'), seq),
            .published = published};
}

TEST(history_delay, position_at_is_the_last_event_published_by_then) {
    history h(100, 1 << 20);
    h.reset(4);
    const auto t0 = clock::now();
    for (std::uint64_t s = 5; s <= 9; ++s) h.append(entry(s, t0 + std::chrono::seconds(s)));
    EXPECT_EQ(h.position_at(t0), 4u);  // every retained event is newer: the floor
    EXPECT_EQ(h.position_at(t0 + 5s), 5u);
    EXPECT_EQ(h.position_at(t0 + 7500ms), 7u);
    EXPECT_EQ(h.position_at(t0 + 60s), 9u);
}

TEST(history_delay, a_minimum_age_holds_young_events_past_the_count_limit_but_not_past_the_bytes) {
    const auto t0 = clock::now();
    history h(5, 1 << 20);
    h.reset(0);
    h.set_min_age(10s);
    for (std::uint64_t s = 1; s <= 20; ++s) h.append(entry(s, t0 + std::chrono::seconds(s)));
    // Seqs 10..20 are within 10 s of the newest (t0 + 20 s); 1..9 are older.
    EXPECT_EQ(h.floor(), 9u);
    EXPECT_EQ(h.size(), 11u);

    h.set_min_age(0s);  // no delayed subscriber left: the count limit again
    h.append(entry(21, t0 + 21s));
    EXPECT_EQ(h.size(), 5u);

    history small(5, 2'000);
    small.reset(0);
    small.set_min_age(60s);
    for (std::uint64_t s = 1; s <= 20; ++s) small.append(entry(s, t0, 200));
    EXPECT_LE(small.bytes(), 2'000u);
    EXPECT_LT(small.size(), 20u);
}

}  // namespace
}  // namespace splitstream::publish
