// A feed v1 session as ODF documents (what `sim --format odf` writes or
// posts), read back with the meet file through the ODF adapter, gives the
// session's results, records, PB/SB, IRMs (with the rule of a DQ), splits
// and leader changes.

#include "adapters/odf_render.hpp"

#include <gtest/gtest.h>

#include "adapters/meet_file.hpp"
#include "adapters/offline_convert.hpp"
#include "tests/adapters/round_trip.hpp"
#include "tests/test_paths.hpp"

namespace splitstream::adapters {
namespace {

struct odf_round_trip {
    odf_session rendered;
    test::engine_run direct;
    test::engine_run odf;
    std::vector<problem> problems;
};

odf_round_trip round_trip(const std::vector<std::string>& lines) {
    odf_round_trip r;
    r.rendered = render_odf(test::parse_lines(lines), "sim");
    auto meet = parse_meet_file(r.rendered.meet_toml, "meet.toml");
    EXPECT_TRUE(meet.meet) << meet.error;
    std::vector<named_input> inputs;
    for (const auto& d : r.rendered.documents) inputs.push_back({d.name, d.xml, d.ts});
    auto converted = convert_inputs(meet.meet.value_or(meet_file{}), source_format::odf, inputs);
    r.direct = test::run_lines(lines);
    r.odf = test::run_messages(converted.messages);
    r.problems = converted.problems;
    return r;
}

void expect_same(const odf_round_trip& r) {
    EXPECT_TRUE(r.problems.empty()) << describe(r.problems.front());
    EXPECT_TRUE(r.odf.rejected.empty()) << r.odf.rejected.front();
    // The documents carry no field for where a DNF stopped.
    EXPECT_EQ(test::rankings(r.odf, {"at_m"}), test::rankings(r.direct, {"at_m"}));
    EXPECT_EQ(test::official(r.odf), test::official(r.direct));
    EXPECT_EQ(test::records(r.odf), test::records(r.direct));
    EXPECT_EQ(test::irms(r.odf), test::irms(r.direct));
    EXPECT_EQ(r.odf.texts(feed::event_type::split), r.direct.texts(feed::event_type::split));
    EXPECT_EQ(r.odf.texts(feed::event_type::leader_change), r.direct.texts(feed::event_type::leader_change));
}

TEST(OdfRender, TheReferenceRaceReadsBackWithItsResultsRecordsSplitsAndLeaders) {
    const auto r = round_trip(test_paths::reference_feed_lines());
    expect_same(r);
    EXPECT_EQ(r.odf.texts(feed::event_type::split).size(), 12u * 14u);
    EXPECT_FALSE(r.odf.texts(feed::event_type::leader_change).empty());
    EXPECT_FALSE(test::records(r.odf).empty());
}

TEST(OdfRender, TheDefaultSessionReadsBackEventByEventWithTheRuleOfTheDq) {
    const auto r = round_trip(test::default_session_lines());
    expect_same(r);
    EXPECT_EQ(test::rankings(r.odf).size(), 4u);
    EXPECT_EQ(test::irms(r.odf).size(), 3u);  // a DNS, a DQ and a DNF
    EXPECT_NE(test::rankings(r.odf)["M800-SF1"].find("\"rule\":\"TR17.2.3\""), std::string::npos);
}

TEST(OdfRender, DocumentsComeInPushOrderWithNamesThatSortTheSameWay) {
    const auto r = round_trip(test::default_session_lines());
    const auto& docs = r.rendered.documents;
    ASSERT_GT(docs.size(), 20u);
    for (std::size_t i = 1; i < docs.size(); ++i) {
        EXPECT_LT(docs[i - 1].name, docs[i].name);
        EXPECT_LE(docs[i - 1].ts, docs[i].ts) << docs[i].name;
    }
    EXPECT_NE(docs.front().xml.find("ResultStatus=\"START_LIST\""), std::string::npos);
    EXPECT_NE(docs.back().xml.find("ResultStatus=\"OFFICIAL\""), std::string::npos);
    // Live positions go out at most every 2 s per unit, not once per passing.
    std::size_t currents = 0;
    for (const auto& d : docs) currents += d.name.find("DT_CURRENT") != std::string::npos;
    EXPECT_GT(currents, 10u);
    EXPECT_LT(currents, r.direct.texts(feed::event_type::split).size() / 2);
}

TEST(OdfRender, UnitCodesAreOdfLengthAndTheMeetFileMapsThemBack) {
    EXPECT_EQ(odf_unit_code("M1500-F"), "ATHM1500F-------------------------");
    const auto r = render_odf(test::parse_lines(test_paths::reference_feed_lines()), "ref");
    auto meet = parse_meet_file(r.meet_toml, "meet.toml");
    ASSERT_TRUE(meet.meet) << meet.error;
    ASSERT_NE(meet.meet->by_odf(odf_unit_code("M1500-F")), nullptr);
    EXPECT_EQ(meet.meet->by_odf(odf_unit_code("M1500-F"))->id, "M1500-F");
}

}  // namespace
}  // namespace splitstream::adapters

namespace splitstream::adapters {
namespace {

TEST(OdfRender, MessagesBeforeTheStartListOrForUnknownBibsAreLeftOut) {
    auto messages = test::parse_lines(test_paths::reference_feed_lines());
    feed::feed_message early;
    early.event = "M1500-F";
    early.ts = "2023-08-23T19:14:30.000Z";
    early.body = feed::split_msg{"101", 100, 14000};
    messages.insert(messages.begin() + 1, early);  // before the start list
    feed::feed_message stranger = messages.back();
    stranger.body = feed::split_msg{"999", 1400, 190000};
    messages.insert(messages.end() - 1, stranger);
    const auto r = render_odf(messages, "ref");
    ASSERT_FALSE(r.documents.empty());
    EXPECT_NE(r.documents.front().xml.find("ResultStatus=\"START_LIST\""), std::string::npos);
    for (const auto& d : r.documents) EXPECT_EQ(d.xml.find("\"999\""), std::string::npos) << d.name;
}

}  // namespace
}  // namespace splitstream::adapters
