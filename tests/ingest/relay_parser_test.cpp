// The parser's reading of relay teams (docs/protocol.md, Relays): the
// `runners` of a start list entry, and the refusals that name the field.

#include <gtest/gtest.h>

#include <string>

#include "ingest/frame_parser.hpp"

namespace splitstream::ingest {
namespace {

using feed::reject_reason;

std::string relay_frame(const std::string& usa_runners) {
    return R"({"seq":2,"type":"startlist","ts":"2024-08-10T19:00:00.000Z","event":"M4X400-F",)"
           R"("name":"Men's 4x400m Relay Final","distance_m":1600,"round":"final","athletes":[)"
           R"({"bib":"BOT","name":"Botswana","country":"BOT","lane":5},)"
           R"({"bib":"USA","name":"United States","country":"USA","lane":6,"runners":)" +
           usa_runners + "}]}";
}

constexpr const char* usa_runners =
    R"([{"leg":1,"name":"Christopher BAILEY","bib":"1001"},{"name":"Vernon NORWOOD","leg":2},)"
    R"({"leg":3,"name":"Bryce DEADMON"},{"leg":4,"name":"Rai BENJAMIN","extra":[1,{"x":2}]}])";

TEST(RelayParser, RunnersAreReadWithTheirLegsWhateverTheFieldOrder) {
    frame_parser p;
    const auto r = p.parse(relay_frame(usa_runners));
    ASSERT_TRUE(r.ok()) << r.rejected().detail;
    const auto& s = std::get<feed::startlist_msg>(r.message().body);
    ASSERT_EQ(s.athletes.size(), 2u);
    EXPECT_TRUE(s.athletes[0].runners.empty()) << "an entry without runners is as in feed v1";
    const auto& usa = s.athletes[1];
    EXPECT_EQ(usa.lane, 6);
    ASSERT_EQ(usa.runners.size(), 4u);
    EXPECT_EQ(usa.runners[0].leg, 1);
    EXPECT_EQ(usa.runners[0].name, "Christopher BAILEY");
    EXPECT_EQ(usa.runners[0].bib, "1001");
    EXPECT_EQ(usa.runners[1].leg, 2);
    EXPECT_EQ(usa.runners[1].name, "Vernon NORWOOD");
    EXPECT_EQ(usa.runners[3].name, "Rai BENJAMIN");
}

TEST(RelayParser, ALegOutsideOneToFourIsABadValueNamingTheField) {
    frame_parser p;
    const auto r = p.parse(relay_frame(R"([{"leg":5,"name":"Quincy WILSON"}])"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.rejected().reason, reject_reason::bad_value);
    EXPECT_NE(r.rejected().detail.find("athletes[1].runners[0].leg"), std::string::npos)
        << r.rejected().detail;
}

TEST(RelayParser, ARunnerWithoutANameIsAMissingField) {
    frame_parser p;
    const auto r = p.parse(relay_frame(R"([{"leg":1}])"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.rejected().reason, reject_reason::missing_field);
    EXPECT_NE(r.rejected().detail.find("athletes[1].runners[0].name"), std::string::npos)
        << r.rejected().detail;
}

TEST(RelayParser, RunnersThatAreNotAListAreAWrongType) {
    frame_parser p;
    const auto r = p.parse(relay_frame(R"("Bailey, Norwood, Deadmon, Benjamin")"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.rejected().reason, reject_reason::wrong_type);
}

}  // namespace
}  // namespace splitstream::ingest
