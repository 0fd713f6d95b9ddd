// The snapshot timeline: which checkpoint a delayed position gets, the
// once-a-second limit with changes kept marked, pruning, and its bytes.

#include "publish/snapshot_timeline.hpp"

#include <gtest/gtest.h>

namespace splitstream::publish {
namespace {

using namespace std::chrono_literals;
using clock = snapshot_timeline::clock;

TEST(snapshot_timeline, gives_the_newest_checkpoint_at_or_before_a_position) {
    snapshot_timeline t(60s, 1s);
    const auto t0 = clock::now();
    t.record("A", 5, t0, R"({"leader":"1"})");
    t.record("A", 9, t0 + 1s, R"({"leader":"2"})");
    t.record("B", 7, t0 + 1s, R"({"b":1})");

    EXPECT_EQ(t.at_or_before("A", 4), nullptr);  // A did not exist yet
    ASSERT_NE(t.at_or_before("A", 5), nullptr);
    EXPECT_EQ(*t.at_or_before("A", 5)->state, R"({"leader":"1"})");
    EXPECT_EQ(t.at_or_before("A", 8)->seq, 5u);
    EXPECT_EQ(t.at_or_before("A", 9)->seq, 9u);
    EXPECT_EQ(t.at_or_before("A", 1000)->seq, 9u);
    EXPECT_EQ(t.at_or_before("B", 6), nullptr);
    EXPECT_EQ(t.at_or_before("B", 7)->seq, 7u);
    EXPECT_EQ(t.at_or_before("C", 7), nullptr);
}

TEST(snapshot_timeline, takes_a_changed_event_at_most_once_per_interval_and_keeps_the_mark) {
    snapshot_timeline t(60s, 1s);
    const auto t0 = clock::now();
    EXPECT_FALSE(t.next_due());
    t.mark_changed("A");
    EXPECT_EQ(t.take_due(t0), std::vector<std::string>{"A"});  // a first checkpoint at once
    t.record("A", 1, t0, "{}");
    EXPECT_TRUE(t.take_due(t0).empty());  // not changed since

    t.mark_changed("A");
    EXPECT_TRUE(t.take_due(t0 + 500ms).empty());  // inside the interval
    ASSERT_TRUE(t.next_due());
    EXPECT_EQ(*t.next_due(), t0 + 1s);  // the change stays marked until then
    EXPECT_EQ(t.take_due(t0 + 1s), std::vector<std::string>{"A"});
    EXPECT_FALSE(t.next_due());
}

TEST(snapshot_timeline, prunes_beyond_keep_but_keeps_the_newest_older_checkpoint) {
    snapshot_timeline t(10s, 1s);
    const auto t0 = clock::now();
    for (int i = 0; i < 30; ++i)
        t.record("A", static_cast<std::uint64_t>(i + 1), t0 + std::chrono::seconds(i), "{}");
    t.record("B", 1, t0, "{}");  // never changed again
    EXPECT_EQ(t.size(), 31u);
    t.prune(t0 + 29s);  // horizon t0 + 19 s
    // A keeps seq 20 (taken at the horizon) .. 30; B its only checkpoint.
    EXPECT_EQ(t.size(), 12u);
    EXPECT_EQ(t.at_or_before("A", 19), nullptr);
    EXPECT_EQ(t.at_or_before("A", 20)->seq, 20u);
    EXPECT_EQ(t.at_or_before("B", 100)->seq, 1u);
}

TEST(snapshot_timeline, counts_its_bytes_and_gives_them_back) {
    snapshot_timeline t(1s, 1s);
    const auto t0 = clock::now();
    EXPECT_EQ(t.bytes(), 0u);
    t.record("A", 1, t0, std::string(10'000, 'x'));
    const auto one = t.bytes();
    EXPECT_GE(one, 10'000u);
    EXPECT_LT(one, 10'500u);
    t.record("A", 2, t0 + 2s, std::string(10'000, 'y'));
    EXPECT_GE(t.bytes(), 20'000u);
    t.record("A", 2, t0 + 2s, std::string(5'000, 'z'));  // same seq: replaces
    EXPECT_LT(t.bytes(), one + 5'500u);
    t.prune(t0 + 5s);
    EXPECT_EQ(t.size(), 1u);
    EXPECT_LT(t.bytes(), 5'500u);
    t.clear();
    EXPECT_EQ(t.bytes(), 0u);
}

}  // namespace
}  // namespace splitstream::publish
