// The publish queue's rules (scaleout/publish_queue.hpp): what an ingest
// node sends to JetStream, in which order, and what it sends again.

#include "scaleout/publish_queue.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace splitstream::scaleout {
namespace {

using clock = publish_queue::clock;
const clock::time_point t0{};

std::vector<std::string> send_all(publish_queue& q, std::size_t window, clock::time_point now = t0) {
    std::vector<std::string> ids;
    while (auto f = q.next(window, now)) ids.push_back(f->id);
    return ids;
}

TEST(PublishQueue, EachFrameNamesTheOneBeforeItAsTheExpectedLast) {
    publish_queue q(10);
    ASSERT_TRUE(q.offer("e:1", "a"));
    ASSERT_TRUE(q.offer("e:2", "b"));
    auto first = q.next(10, t0);
    auto second = q.next(10, t0);
    ASSERT_TRUE(first && second);
    EXPECT_EQ(first->expected_last, "") << "nothing before the first: no expectation";
    EXPECT_EQ(second->expected_last, "e:1");
    EXPECT_EQ(second->bytes, "b");
}

TEST(PublishQueue, EachDerivedEventKeepsItsOwnSubject) {
    publish_queue q(10);
    ASSERT_TRUE(q.offer("x:1", "{}", "splitstream.events.M1500-F.startlist"));
    ASSERT_TRUE(q.offer("x:2", "{}", "splitstream.events.M1500-F.split"));
    EXPECT_EQ(q.next(10, t0)->subject, "splitstream.events.M1500-F.startlist");
    EXPECT_EQ(q.next(10, t0)->subject, "splitstream.events.M1500-F.split");
    q.rewind();
    EXPECT_EQ(q.next(10, t0)->subject, "splitstream.events.M1500-F.startlist") << "sent again where it goes";
}

TEST(PublishQueue, AFullQueueRefusesAndKeepsWhatItHas) {
    publish_queue q(2);
    EXPECT_TRUE(q.offer("e:1", "a"));
    EXPECT_TRUE(q.offer("e:2", "b"));
    EXPECT_FALSE(q.offer("e:3", "c"));
    EXPECT_EQ(q.size(), 2u);
    EXPECT_EQ(send_all(q, 10), (std::vector<std::string>{"e:1", "e:2"}));
}

TEST(PublishQueue, NoMoreThanTheWindowIsOutUnacknowledged) {
    publish_queue q(10);
    for (int i = 1; i <= 5; ++i) q.offer("e:" + std::to_string(i), "x");
    EXPECT_EQ(send_all(q, 2), (std::vector<std::string>{"e:1", "e:2"}));
    q.acknowledged(1);
    EXPECT_EQ(send_all(q, 2), (std::vector<std::string>{"e:3"}));
}

TEST(PublishQueue, AcknowledgedFramesLeaveOnlyInOrder) {
    publish_queue q(10);
    for (int i = 1; i <= 3; ++i) q.offer("e:" + std::to_string(i), "x");
    send_all(q, 10);
    q.acknowledged(2);
    EXPECT_EQ(q.size(), 3u) << "1 is not stored yet: 2 waits behind it";
    q.acknowledged(1);
    EXPECT_EQ(q.size(), 1u);
    q.acknowledged(1);  // a late second answer changes nothing
    EXPECT_EQ(q.size(), 1u);
}

TEST(PublishQueue, ARefusalSendsEveryUnacknowledgedFrameAgainOldestFirst) {
    publish_queue q(10);
    for (int i = 1; i <= 4; ++i) q.offer("e:" + std::to_string(i), "x");
    send_all(q, 10);
    q.acknowledged(1);
    q.refused(3, false);
    EXPECT_EQ(send_all(q, 10), (std::vector<std::string>{"e:2", "e:3", "e:4"}))
        << "2 may be lost too: the stream's order is kept by sending from the oldest";
}

TEST(PublishQueue, TheOldestRefusedForItsExpectationAloneGoesAgainWithoutIt) {
    publish_queue q(10);
    q.offer("e:5", "x");
    q.offer("e:7", "y");  // this node skipped 6; another node stored it
    send_all(q, 10);
    q.acknowledged(1);
    q.refused(2, true);
    auto again = q.next(10, t0);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->id, "e:7");
    EXPECT_EQ(again->expected_last, "") << "it is the oldest: nothing of this node's can overtake it";
}

TEST(PublishQueue, ALaterFrameRefusedForItsExpectationKeepsIt) {
    publish_queue q(10);
    for (int i = 1; i <= 3; ++i) q.offer("e:" + std::to_string(i), "x");
    send_all(q, 10);
    q.refused(3, true);  // 1 and 2 are still out
    send_all(q, 10);
    q.acknowledged(1);
    q.acknowledged(2);
    q.refused(3, false);
    auto again = q.next(10, t0);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->expected_last, "e:2");
}

TEST(PublishQueue, AnOverdueAcknowledgementRewinds) {
    publish_queue q(10);
    q.offer("e:1", "x");
    q.offer("e:2", "x");
    send_all(q, 10, t0);
    EXPECT_FALSE(q.rewind_if_overdue(t0 + std::chrono::seconds(1), std::chrono::seconds(2)));
    EXPECT_TRUE(send_all(q, 10).empty());
    EXPECT_TRUE(q.rewind_if_overdue(t0 + std::chrono::seconds(3), std::chrono::seconds(2)));
    EXPECT_EQ(send_all(q, 10), (std::vector<std::string>{"e:1", "e:2"}));
}

TEST(PublishQueue, ALostConnectionSendsEverythingUnacknowledgedAgain) {
    publish_queue q(10);
    for (int i = 1; i <= 3; ++i) q.offer("e:" + std::to_string(i), "x");
    send_all(q, 10);
    q.acknowledged(1);
    q.rewind();
    EXPECT_EQ(send_all(q, 10), (std::vector<std::string>{"e:2", "e:3"}));
    q.acknowledged(2);
    q.acknowledged(3);
    EXPECT_TRUE(q.empty());
    EXPECT_EQ(q.unacknowledged_out(), 0u);
}

}  // namespace
}  // namespace splitstream::scaleout
