// Which journalled frames an ingest node publishes again after a restart
// (scaleout/journal_tail.hpp): those the stream does not hold yet.

#include "scaleout/journal_tail.hpp"

#include <gtest/gtest.h>

namespace splitstream::scaleout {
namespace {

TEST(JournalTail, FramesOfTheStreamsEpochAboveItsLastAreSentAgainTheOthersNot) {
    journal_tail tail("e1", 60);
    EXPECT_FALSE(tail.offer("e1", 1));
    EXPECT_FALSE(tail.offer("e1", 59));
    EXPECT_FALSE(tail.offer("e1", 60)) << "the stream's last frame is stored";
    EXPECT_TRUE(tail.offer("e1", 61));
    EXPECT_TRUE(tail.offer("e1", 185));
}

TEST(JournalTail, AnEmptyStreamHoldsNothingSoEveryFrameIsSent) {
    journal_tail tail("", 0);
    EXPECT_TRUE(tail.offer("e1", 1));
    EXPECT_TRUE(tail.offer("e1", 2));
    EXPECT_TRUE(tail.offer("e2", 1));
}

TEST(JournalTail, AFeedEpochThatBeganAfterTheStreamsLastFrameIsSentWhole) {
    journal_tail tail("e1", 50);
    EXPECT_FALSE(tail.offer("e1", 50));
    EXPECT_TRUE(tail.offer("e2", 1)) << "the upstream restarted after what the stream holds";
    EXPECT_TRUE(tail.offer("e2", 2));
}

TEST(JournalTail, AnEarlierFeedEpochIsNeverSentAgain) {
    journal_tail tail("e2", 20);
    EXPECT_FALSE(tail.offer("e1", 1)) << "the stream holds e2: e1 came before it";
    EXPECT_FALSE(tail.offer("e1", 50));
    EXPECT_FALSE(tail.offer("e2", 20));
    EXPECT_TRUE(tail.offer("e2", 21));
}

TEST(JournalTail, AJournalBehindTheStreamSendsNothing) {
    // The other ingest node stored more than this one ever accepted.
    journal_tail tail("e1", 100);
    for (std::uint64_t seq = 1; seq <= 30; ++seq) EXPECT_FALSE(tail.offer("e1", seq));
}

}  // namespace
}  // namespace splitstream::scaleout
