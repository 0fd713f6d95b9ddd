// The race walking fields of the timing feed (docs/protocol.md, Race
// walking): a start list's judges and Penalty Zone rule, the `card` and
// `penalty_zone` messages, and the refusals of malformed ones.

#include <gtest/gtest.h>

#include "ingest/frame_parser.hpp"

using namespace splitstream;
using feed::reject_reason;

namespace {

ingest::parse_outcome parse(std::string_view frame) {
    ingest::frame_parser p;
    return p.parse(frame);
}

}  // namespace

TEST(WalkFrames, StartListNamesItsJudgesAndPenaltyZoneRule) {
    auto r = parse(R"({"seq":2,"type":"startlist","ts":"2023-08-19T05:00:00Z","event":"M20KW",)"
                   R"("name":"Men's 20km Race Walk","distance_m":20000,"venue":"road","penalty_zone":true,)"
                   R"("judges":[{"id":"1","name":"Anne JUDGE","country":"AUS"},{"id":"2"}],)"
                   R"("athletes":[{"bib":"7","name":"A WALKER","country":"SWE"}]})");
    ASSERT_TRUE(r.ok()) << r.rejected().detail;
    const auto& s = std::get<feed::startlist_msg>(r.message().body);
    EXPECT_TRUE(s.penalty_zone);
    ASSERT_EQ(s.judges.size(), 2u);
    EXPECT_EQ(s.judges[0].id, "1");
    EXPECT_EQ(s.judges[0].name, "Anne JUDGE");
    EXPECT_EQ(s.judges[0].country, "AUS");
    EXPECT_EQ(s.judges[1].id, "2");
    EXPECT_TRUE(s.judges[1].name.empty());
}

TEST(WalkFrames, StartListWithoutWalkFieldsIsAsBefore) {
    auto r = parse(R"({"seq":2,"type":"startlist","ts":"2023-08-19T05:00:00Z","event":"M100",)"
                   R"("name":"Men's 100m","distance_m":100,"athletes":[]})");
    ASSERT_TRUE(r.ok()) << r.rejected().detail;
    const auto& s = std::get<feed::startlist_msg>(r.message().body);
    EXPECT_FALSE(s.penalty_zone);
    EXPECT_TRUE(s.judges.empty());
}

TEST(WalkFrames, CardWithEveryField) {
    auto r = parse(R"({"seq":9,"type":"card","ts":"2023-08-19T05:40:00Z","event":"M20KW","bib":"7",)"
                   R"("judge":"3","offence":">","kind":"yellow"})");
    ASSERT_TRUE(r.ok()) << r.rejected().detail;
    EXPECT_EQ(r.message().type(), feed::message_type::card);
    const auto& c = std::get<feed::card_msg>(r.message().body);
    EXPECT_EQ(c.bib, "7");
    EXPECT_EQ(c.judge, "3");
    EXPECT_EQ(c.offence, feed::walk_offence::bent_knee);
    EXPECT_EQ(c.kind, feed::card_kind::yellow);
}

TEST(WalkFrames, CardIsRedUnlessSaidOtherwise) {
    auto r = parse(R"({"seq":9,"type":"card","ts":"2023-08-19T05:40:00Z","event":"M20KW","bib":"7",)"
                   R"("judge":"3","offence":"~"})");
    ASSERT_TRUE(r.ok()) << r.rejected().detail;
    const auto& c = std::get<feed::card_msg>(r.message().body);
    EXPECT_EQ(c.kind, feed::card_kind::red);
    EXPECT_EQ(c.offence, feed::walk_offence::loss_of_contact);
}

TEST(WalkFrames, PenaltyZoneWithEveryField) {
    auto r = parse(R"({"seq":10,"type":"penalty_zone","ts":"2023-08-19T05:50:00Z","event":"M20KW",)"
                   R"("bib":"7","action":"leave","elapsed_ms":3120000})");
    ASSERT_TRUE(r.ok()) << r.rejected().detail;
    const auto& p = std::get<feed::penalty_zone_msg>(r.message().body);
    EXPECT_EQ(p.action, feed::penalty_action::leave);
    EXPECT_EQ(p.elapsed_ms, 3120000);
}

struct refused_frame {
    const char* name;
    const char* frame;
    reject_reason reason;
    const char* detail;
};

class WalkFramesRefused : public ::testing::TestWithParam<refused_frame> {};

TEST_P(WalkFramesRefused, WithReasonAndDetail) {
    auto r = parse(GetParam().frame);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.rejected().reason, GetParam().reason);
    EXPECT_EQ(r.rejected().detail, GetParam().detail);
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, WalkFramesRefused,
    ::testing::Values(
        refused_frame{
            "card_without_judge",
            R"({"seq":9,"type":"card","ts":"2023-08-19T05:40:00Z","event":"E","bib":"7","offence":"~"})",
            reject_reason::missing_field, R"(missing required field "judge")"},
        refused_frame{
            "card_with_unknown_offence",
            R"({"seq":9,"type":"card","ts":"2023-08-19T05:40:00Z","event":"E","bib":"7","judge":"1",)"
            R"("offence":"run"})",
            reject_reason::bad_value, R"(field "offence": unknown value "run" (expected ~|>))"},
        refused_frame{
            "card_of_unknown_kind",
            R"({"seq":9,"type":"card","ts":"2023-08-19T05:40:00Z","event":"E","bib":"7","judge":"1",)"
            R"("offence":"~","kind":"green"})",
            reject_reason::bad_value, R"(field "kind": unknown value "green" (expected red|yellow))"},
        refused_frame{"penalty_zone_without_time",
                      R"({"seq":9,"type":"penalty_zone","ts":"2023-08-19T05:40:00Z","event":"E","bib":"7",)"
                      R"("action":"enter"})",
                      reject_reason::missing_field, R"(missing required field "elapsed_ms")"},
        refused_frame{"duplicate_judge",
                      R"({"seq":2,"type":"startlist","ts":"2023-08-19T05:00:00Z","event":"E","name":"W",)"
                      R"("distance_m":20000,"judges":[{"id":"1"},{"id":"1"}],"athletes":[]})",
                      reject_reason::bad_value, R"(field "judges": duplicate judge "1")"},
        refused_frame{"judge_without_id",
                      R"({"seq":2,"type":"startlist","ts":"2023-08-19T05:00:00Z","event":"E","name":"W",)"
                      R"("distance_m":20000,"judges":[{"name":"X"}],"athletes":[]})",
                      reject_reason::missing_field, R"(missing required field "judges[0].id")"},
        refused_frame{"penalty_zone_not_boolean",
                      R"({"seq":2,"type":"startlist","ts":"2023-08-19T05:00:00Z","event":"E","name":"W",)"
                      R"("distance_m":20000,"penalty_zone":"yes","athletes":[]})",
                      reject_reason::wrong_type, R"(field "penalty_zone": expected boolean, got string)"}),
    [](const ::testing::TestParamInfo<refused_frame>& info) { return std::string(info.param.name); });
