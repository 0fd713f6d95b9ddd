// The relay's rule on the stream (scaleout/stream_order.hpp): which stored
// frames the engine applies, decided by their message ids alone.

#include "scaleout/stream_order.hpp"

#include <gtest/gtest.h>

namespace splitstream::scaleout {
namespace {

TEST(StreamOrder, FramesInFeedOrderAreApplied) {
    stream_order o;
    EXPECT_EQ(o.offer("2024-e1:1"), stream_verdict::apply);
    EXPECT_EQ(o.offer("2024-e1:2"), stream_verdict::apply);
    EXPECT_EQ(o.feed_epoch(), "2024-e1");
    EXPECT_EQ(o.last_seq(), 2u);
}

TEST(StreamOrder, ACopyStoredAfterTheDedupeWindowIsSkipped) {
    stream_order o;
    o.offer("e:1");
    o.offer("e:2");
    EXPECT_EQ(o.offer("e:1"), stream_verdict::copy);
    EXPECT_EQ(o.offer("e:2"), stream_verdict::copy);
    EXPECT_EQ(o.last_seq(), 2u);
    EXPECT_EQ(o.offer("e:3"), stream_verdict::apply);
}

TEST(StreamOrder, AFrameAfterAGapIsApplied) {
    stream_order o;
    o.offer("e:1");
    EXPECT_EQ(o.offer("e:5"), stream_verdict::apply) << "a gap every ingest node skipped stays skipped";
}

TEST(StreamOrder, ANewFeedEpochStartsItsOwnSequence) {
    stream_order o;
    o.offer("old:90");
    EXPECT_EQ(o.offer("new:1"), stream_verdict::apply);
    EXPECT_EQ(o.feed_epoch(), "new");
    EXPECT_EQ(o.offer("new:1"), stream_verdict::copy);
}

TEST(StreamOrder, AnUnreadableIdIsSkippedAndChangesNothing) {
    stream_order o;
    o.offer("e:4");
    EXPECT_EQ(o.offer(""), stream_verdict::bad_id);
    EXPECT_EQ(o.offer("e:"), stream_verdict::bad_id);
    EXPECT_EQ(o.offer("e:4x"), stream_verdict::bad_id);
    EXPECT_EQ(o.feed_epoch(), "e");
    EXPECT_EQ(o.last_seq(), 4u);
}

TEST(StreamOrder, AnEpochMayHoldColons) {
    std::string_view epoch;
    std::uint64_t seq = 0;
    ASSERT_TRUE(parse_message_id("2023-08-23T19:14:00:42", epoch, seq));
    EXPECT_EQ(epoch, "2023-08-23T19:14:00");
    EXPECT_EQ(seq, 42u);
    EXPECT_EQ(message_id("a:b", 7), "a:b:7");
}

}  // namespace
}  // namespace splitstream::scaleout
