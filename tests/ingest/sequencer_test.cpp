// The sequencer alone: no sockets, the time given by the test.

#include "ingest/sequencer.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace splitstream::ingest {
namespace {

using namespace std::chrono_literals;
using time_point = sequencer::clock::time_point;

const time_point t0{};

sequenced_frame frame_of(feed::feed_message msg, int line) {
    sequenced_frame in;
    in.frame.line = line;
    in.frame.bytes = "seq " + std::to_string(msg.seq);
    in.outcome.seq = msg.seq;
    in.outcome.result = std::move(msg);
    return in;
}

sequenced_frame split(std::uint64_t seq, int line = 0) {
    feed::feed_message msg;
    msg.seq = seq;
    msg.event = "M1500-F";
    msg.body = feed::split_msg{.bib = "101", .distance_m = 100, .elapsed_ms = static_cast<std::int64_t>(seq)};
    return frame_of(std::move(msg), line);
}

sequenced_frame hello(std::uint64_t seq, std::string epoch, int line = 0) {
    feed::feed_message msg;
    msg.seq = seq;
    msg.body = feed::hello_msg{.feed = "budapest", .epoch = std::move(epoch)};
    return frame_of(std::move(msg), line);
}

sequenced_frame heartbeat(std::uint64_t seq, int line = 0) {
    feed::feed_message msg;
    msg.seq = seq;
    msg.body = feed::heartbeat_msg{};
    return frame_of(std::move(msg), line);
}

sequenced_frame refused(std::optional<std::uint64_t> seq, int line = 0) {
    sequenced_frame in;
    in.frame.line = line;
    in.frame.bytes = "{not json";
    in.outcome.seq = seq;
    in.outcome.result = feed::rejection{.reason = feed::reject_reason::invalid_json, .detail = "test"};
    return in;
}

// The seqs of the frames a step says to apply, in order.
std::vector<std::uint64_t> seqs(const sequencer_step& step) {
    std::vector<std::uint64_t> out;
    for (const auto& in : step.apply) out.push_back(*in.outcome.seq);
    return out;
}

using seq_list = std::vector<std::uint64_t>;

TEST(Sequencer, AppliesMessagesInOrderAndTracksThePosition) {
    sequencer s;
    EXPECT_EQ(s.resume_position(), std::nullopt);
    auto step = s.offer(hello(1, "e1"), t0);
    EXPECT_EQ(seqs(step), seq_list{1});
    ASSERT_TRUE(step.epoch);
    EXPECT_EQ(step.epoch->previous, "");
    EXPECT_EQ(step.epoch->current, "e1");
    for (std::uint64_t seq = 2; seq <= 5; ++seq) EXPECT_EQ(seqs(s.offer(split(seq), t0)), seq_list{seq});
    EXPECT_EQ(s.last_applied(), 5u);
    EXPECT_EQ(s.resume_position(), 5u);
    EXPECT_EQ(s.epoch(), "e1");
    EXPECT_EQ(s.feed(), "budapest");
    EXPECT_EQ(s.gap_deadline(), std::nullopt);
}

TEST(Sequencer, DropsDuplicatesAndCountsThemPerLine) {
    sequencer s;
    s.offer(hello(1, "e1"), t0);
    s.offer(split(2), t0);
    s.offer(split(3), t0);
    auto step = s.offer(split(2, 1), t0);
    EXPECT_EQ(step.what, verdict::duplicate);
    EXPECT_TRUE(step.apply.empty());
    EXPECT_EQ(s.offer(split(3, 1), t0).what, verdict::duplicate);
    EXPECT_EQ(s.offer(split(3, 0), t0).what, verdict::duplicate);
    EXPECT_EQ(s.duplicates(0), 1u);
    EXPECT_EQ(s.duplicates(1), 2u);
    EXPECT_EQ(s.last_applied(), 3u);
}

TEST(Sequencer, HoldsAfterAGapAnnouncesItOnceAndReleasesInOrder) {
    sequencer s;
    s.offer(hello(1, "e1"), t0);
    s.offer(split(2), t0);
    auto step = s.offer(split(5), t0 + 1ms);
    EXPECT_EQ(step.what, verdict::held);
    EXPECT_TRUE(step.apply.empty());
    ASSERT_TRUE(step.gap);
    EXPECT_EQ(*step.gap, (seq_range{.first = 3, .last = 4}));
    EXPECT_EQ(s.gap_deadline(), t0 + 1ms + 500ms);

    step = s.offer(split(6), t0 + 2ms);
    EXPECT_EQ(step.what, verdict::held);
    EXPECT_FALSE(step.gap) << "one announcement per gap";
    EXPECT_EQ(s.offer(split(5), t0).what, verdict::duplicate) << "a held seq is a duplicate too";

    step = s.offer(split(4), t0 + 3ms);
    EXPECT_EQ(step.what, verdict::held);
    EXPECT_EQ(s.held(), 3u);

    step = s.offer(split(3), t0 + 4ms);
    EXPECT_EQ(seqs(step), (seq_list{3, 4, 5, 6}));
    EXPECT_FALSE(step.gap);
    EXPECT_EQ(s.held(), 0u);
    EXPECT_EQ(s.last_applied(), 6u);
    EXPECT_EQ(s.gap_deadline(), std::nullopt);
}

TEST(Sequencer, FillingOneHoleOfTwoAnnouncesTheNextGap) {
    sequencer s;
    s.offer(hello(1, "e1"), t0);
    s.offer(split(3), t0);  // gap 2
    s.offer(split(6), t0);  // gap 4-5, inside the same episode
    auto step = s.offer(split(2), t0 + 10ms);
    EXPECT_EQ(seqs(step), (seq_list{2, 3}));
    ASSERT_TRUE(step.gap);
    EXPECT_EQ(*step.gap, (seq_range{.first = 4, .last = 5}));
    EXPECT_EQ(s.gap_deadline(), t0 + 10ms + 500ms);
}

TEST(Sequencer, GapNotFilledInTimeAsksForResumeThenSkips) {
    sequencer s(sequencer_options{.hold_max = 100, .gap_timeout = 50ms, .gap_retries = 2});
    s.offer(hello(1, "e1"), t0);
    s.offer(split(3), t0);
    EXPECT_FALSE(s.tick(t0 + 49ms).reconnect);

    auto step = s.tick(t0 + 50ms);
    EXPECT_TRUE(step.reconnect);
    EXPECT_TRUE(step.apply.empty());
    EXPECT_EQ(s.resume_position(), 1u) << "resume from the last applied, not the last held";
    EXPECT_EQ(s.gap_deadline(), t0 + 100ms);
    EXPECT_FALSE(s.tick(t0 + 60ms).reconnect);
    EXPECT_TRUE(s.tick(t0 + 100ms).reconnect);

    step = s.tick(t0 + 150ms);
    EXPECT_FALSE(step.reconnect);
    ASSERT_TRUE(step.skipped);
    EXPECT_EQ(*step.skipped, (seq_range{.first = 2, .last = 2}));
    EXPECT_EQ(seqs(step), seq_list{3});
    EXPECT_EQ(s.last_applied(), 3u);
    EXPECT_EQ(s.gap_deadline(), std::nullopt);
}

TEST(Sequencer, ResumedMessagesFillTheGapAndHeldCopiesAreDuplicates) {
    sequencer s(sequencer_options{.gap_timeout = 50ms});
    s.offer(hello(1, "e1"), t0);
    s.offer(split(3), t0);
    s.offer(split(4), t0);
    ASSERT_TRUE(s.tick(t0 + 50ms).reconnect);
    // The resumed connection sends its hello, then everything after seq 1.
    EXPECT_EQ(s.offer(hello(1, "e1"), t0 + 60ms).what, verdict::absorbed);
    EXPECT_EQ(seqs(s.offer(split(2), t0 + 61ms)), (seq_list{2, 3, 4}));
    EXPECT_EQ(s.offer(split(3), t0 + 62ms).what, verdict::duplicate);
    EXPECT_EQ(s.offer(split(4), t0 + 63ms).what, verdict::duplicate);
    EXPECT_EQ(seqs(s.offer(split(5), t0 + 64ms)), seq_list{5});
}

TEST(Sequencer, NewEpochIsAnnouncedAndRestartsTracking) {
    sequencer s;
    s.offer(hello(1, "e1"), t0);
    s.offer(split(2), t0);
    s.offer(split(3), t0);
    s.offer(split(7), t0);  // held, from the old epoch
    ASSERT_EQ(s.held(), 1u);

    auto step = s.offer(hello(1, "e2"), t0);
    ASSERT_TRUE(step.epoch);
    EXPECT_EQ(step.epoch->previous, "e1");
    EXPECT_EQ(step.epoch->current, "e2");
    EXPECT_EQ(seqs(step), seq_list{1}) << "the new epoch's hello is applied";
    EXPECT_FALSE(step.gap);
    EXPECT_EQ(s.held(), 0u) << "old-epoch holds are dropped";
    EXPECT_EQ(s.gap_deadline(), std::nullopt);
    EXPECT_EQ(s.last_applied(), 1u);
    EXPECT_EQ(seqs(s.offer(split(2), t0)), seq_list{2}) << "seq 2 again is new in the new epoch";
    EXPECT_EQ(s.duplicates(0), 0u);
}

TEST(Sequencer, HelloOfTheSameEpochIsNeitherDuplicateNorGap) {
    sequencer s;
    s.offer(hello(1, "e1"), t0);
    s.offer(split(2), t0);
    EXPECT_EQ(s.offer(hello(1, "e1"), t0).what, verdict::absorbed);
    EXPECT_EQ(s.offer(hello(40, "e1", 1), t0).what, verdict::absorbed);
    EXPECT_EQ(s.duplicates(0) + s.duplicates(1), 0u);
    EXPECT_EQ(s.gap_deadline(), std::nullopt);
    EXPECT_EQ(s.last_applied(), 2u);
}

TEST(Sequencer, FirstCopyOfEachSeqWinsAcrossLines) {
    // Line A (0) lost 3 and 6, line B (1) lost 2 and 5; B runs a bit behind.
    sequencer s;
    std::vector<std::uint64_t> applied;
    auto offer = [&](sequenced_frame in) {
        for (const auto& out : s.offer(std::move(in), t0).apply) applied.push_back(*out.outcome.seq);
    };
    offer(hello(1, "e1", 0));
    offer(hello(1, "e1", 1));
    offer(split(2, 0));
    offer(split(4, 0));
    offer(split(3, 1));
    offer(split(5, 0));
    offer(split(4, 1));
    offer(split(7, 0));
    offer(split(6, 1));
    offer(split(7, 1));
    EXPECT_EQ(applied, (seq_list{1, 2, 3, 4, 5, 6, 7}));
    EXPECT_EQ(s.first_deliveries(0), 4u);  // 2, 4, 5, 7
    EXPECT_EQ(s.first_deliveries(1), 2u);  // 3, 6
    EXPECT_EQ(s.duplicates(1), 2u);        // 4, 7
    EXPECT_EQ(s.held(), 0u);
}

TEST(Sequencer, HeartbeatIsAppliedNeverADuplicateAndRevealsALostTail) {
    sequencer s;
    s.offer(hello(1, "e1"), t0);
    s.offer(split(2), t0);
    auto step = s.offer(heartbeat(2), t0);
    EXPECT_EQ(step.what, verdict::applied);
    EXPECT_EQ(seqs(step), seq_list{2});
    EXPECT_FALSE(step.gap);
    EXPECT_EQ(seqs(s.offer(heartbeat(2, 1), t0)), seq_list{2});
    EXPECT_EQ(s.duplicates(0) + s.duplicates(1), 0u);
    EXPECT_EQ(s.last_applied(), 2u) << "a heartbeat does not advance the sequence";

    step = s.offer(heartbeat(4), t0 + 5ms);
    EXPECT_EQ(seqs(step), seq_list{4});
    ASSERT_TRUE(step.gap) << "the upstream sent 3 and 4; they never came";
    EXPECT_EQ(*step.gap, (seq_range{.first = 3, .last = 4}));
    EXPECT_EQ(s.gap_deadline(), t0 + 5ms + 500ms);
    EXPECT_EQ(seqs(s.offer(split(3), t0)), seq_list{3});
    EXPECT_NE(s.gap_deadline(), std::nullopt) << "4 is still missing";
    EXPECT_EQ(seqs(s.offer(split(4), t0)), seq_list{4});
    EXPECT_EQ(s.gap_deadline(), std::nullopt);
}

TEST(Sequencer, HoldIsBoundedAndOverflowAsksForResume) {
    sequencer s(sequencer_options{.hold_max = 3, .gap_timeout = 500ms, .gap_retries = 3});
    s.offer(hello(1, "e1"), t0);
    for (std::uint64_t seq = 3; seq <= 5; ++seq) EXPECT_EQ(s.offer(split(seq), t0).what, verdict::held);
    auto step = s.offer(split(6), t0);
    EXPECT_EQ(step.what, verdict::overflow);
    EXPECT_TRUE(step.reconnect);
    EXPECT_EQ(s.held(), 3u);
    // The resume brings 2..6 again; nothing is lost.
    EXPECT_EQ(seqs(s.offer(split(2), t0)), (seq_list{2, 3, 4, 5}));
    EXPECT_EQ(seqs(s.offer(split(6), t0)), seq_list{6});
}

TEST(Sequencer, RefusedFrameWithASeqTakesItsPlaceInTheOrder) {
    sequencer s;
    s.offer(hello(1, "e1"), t0);
    EXPECT_EQ(s.offer(split(3), t0).what, verdict::held);
    auto step = s.offer(refused(2), t0);
    ASSERT_EQ(step.apply.size(), 2u);
    EXPECT_FALSE(step.apply[0].outcome.ok());
    EXPECT_EQ(*step.apply[1].outcome.seq, 3u);
    EXPECT_EQ(s.gap_deadline(), std::nullopt);

    step = s.offer(refused(std::nullopt), t0);
    EXPECT_EQ(step.what, verdict::applied);
    EXPECT_EQ(step.apply.size(), 1u) << "a frame without a seq is reported at once";
    EXPECT_EQ(s.last_applied(), 3u);
}

TEST(Sequencer, RefusedFrameWithAFarSeqMovesNothing) {
    sequencer s;
    s.offer(hello(1, "e1"), t0);
    s.offer(split(2), t0);
    // The probe's frame: not a valid message, a seq far ahead.
    auto step = s.offer(refused(1'000'000'000'000), t0);
    EXPECT_EQ(step.what, verdict::applied);
    EXPECT_EQ(step.apply.size(), 1u) << "reported to the sink at once, not placed";
    EXPECT_FALSE(step.gap);
    EXPECT_EQ(s.gap_deadline(), std::nullopt);
    EXPECT_EQ(s.held(), 0u);
    EXPECT_EQ(s.last_applied(), 2u);
    // Also a refused frame a few seqs ahead: it has no place that a valid
    // frame made, so it opens nothing.
    EXPECT_EQ(s.offer(refused(5), t0).apply.size(), 1u);
    EXPECT_EQ(s.gap_deadline(), std::nullopt);
    for (std::uint64_t seq = 3; seq <= 6; ++seq) EXPECT_EQ(seqs(s.offer(split(seq), t0)), seq_list{seq});
    EXPECT_EQ(s.tick(t0 + 10s).skipped, std::nullopt);
    EXPECT_EQ(s.last_applied(), 6u);
}

TEST(Sequencer, RefusedFrameBeforeAnyPositionDoesNotStartTracking) {
    sequencer s;
    EXPECT_EQ(s.offer(refused(1'000'000), t0).apply.size(), 1u);
    EXPECT_EQ(s.resume_position(), std::nullopt);
    EXPECT_EQ(seqs(s.offer(hello(1, "e1"), t0)), seq_list{1});
    EXPECT_EQ(seqs(s.offer(split(2), t0)), seq_list{2});
}

TEST(Sequencer, RefusedFrameFillsAHoleAHeartbeatRevealed) {
    sequencer s;
    s.offer(hello(1, "e1"), t0);
    EXPECT_TRUE(s.offer(heartbeat(3), t0).gap);
    auto step = s.offer(refused(3), t0);
    EXPECT_EQ(step.what, verdict::held) << "3 was sent: its place exists";
    step = s.offer(split(2), t0);
    ASSERT_EQ(step.apply.size(), 2u);
    EXPECT_FALSE(step.apply[1].outcome.ok());
    EXPECT_EQ(s.last_applied(), 3u);
    EXPECT_EQ(s.gap_deadline(), std::nullopt);
}

TEST(Sequencer, DataFarAheadIsRefusedAndTheFeedGoesOn) {
    sequencer s(sequencer_options{.max_jump = 100});
    s.offer(hello(1, "e1"), t0);
    s.offer(split(2), t0);
    auto step = s.offer(split(1'000'000'000'000), t0);
    EXPECT_EQ(step.what, verdict::too_far);
    EXPECT_TRUE(step.apply.empty());
    EXPECT_FALSE(step.gap);
    EXPECT_EQ(s.held(), 0u);
    EXPECT_EQ(s.offer(split(103), t0).what, verdict::too_far) << "101 ahead of 2";
    EXPECT_EQ(s.offer(heartbeat(5'000), t0).what, verdict::too_far);
    EXPECT_EQ(s.gap_deadline(), std::nullopt);
    // Nothing was opened, so nothing is ever skipped: the real feed goes on.
    EXPECT_EQ(s.tick(t0 + 10s).skipped, std::nullopt);
    for (std::uint64_t seq = 3; seq <= 5; ++seq) EXPECT_EQ(seqs(s.offer(split(seq), t0)), seq_list{seq});
    EXPECT_EQ(s.duplicates(0), 0u);
}

TEST(Sequencer, JumpUpToTheBoundIsAnOrdinaryGap) {
    sequencer s(sequencer_options{.max_jump = 100});
    s.offer(hello(1, "e1"), t0);
    auto step = s.offer(split(101), t0);
    EXPECT_EQ(step.what, verdict::held);
    ASSERT_TRUE(step.gap);
    EXPECT_EQ(*step.gap, (seq_range{.first = 2, .last = 100}));
    EXPECT_EQ(s.offer(heartbeat(101), t0).what, verdict::applied);
}

TEST(Sequencer, FirstMessageWithSeqZeroDoesNotWrapThePosition) {
    sequencer s;
    EXPECT_EQ(s.offer(split(0), t0).what, verdict::duplicate);
    EXPECT_EQ(seqs(s.offer(split(1), t0)), seq_list{1});
}

TEST(Sequencer, RecoveredPositionIsResumedAndItsHelloAbsorbed) {
    sequencer s;
    s.set_resume("e1", 120);
    EXPECT_EQ(s.resume_position(), 120u);
    EXPECT_EQ(s.offer(hello(1, "e1"), t0).what, verdict::absorbed);
    EXPECT_EQ(s.offer(split(120), t0).what, verdict::duplicate);
    EXPECT_EQ(seqs(s.offer(split(121), t0)), seq_list{121});

    sequencer other;
    other.set_resume("e1", 120);
    auto step = other.offer(hello(1, "e2"), t0);
    ASSERT_TRUE(step.epoch);
    EXPECT_EQ(step.epoch->previous, "e1");
    EXPECT_EQ(other.last_applied(), 1u);
}

TEST(Sequencer, LineStillOnTheOldEpochIsIgnoredUntilItReconnects) {
    sequencer s;
    s.offer(hello(1, "e1", 0), t0);
    s.offer(hello(1, "e1", 1), t0);
    s.offer(split(2, 0), t0);
    s.offer(hello(1, "e2", 0), t0);  // A's upstream restarted
    EXPECT_EQ(s.offer(split(3, 1), t0).what, verdict::foreign_epoch);
    EXPECT_EQ(s.held(), 0u);
    s.line_down(1);
    EXPECT_EQ(s.offer(hello(1, "e2", 1), t0).what, verdict::absorbed);
    EXPECT_EQ(seqs(s.offer(split(2, 1), t0)), seq_list{2});
}

}  // namespace
}  // namespace splitstream::ingest
