// FinishLynx files through the adapter, then through the race engine: what a
// results desk would see from each kind of file and each kind of rewrite.

#include "adapters/lynx_adapter.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/adapters/engine_run.hpp"

namespace splitstream::adapters {
namespace {

using test::run_messages;

// A women's 100 m heat with the layout of the constructed LIF in ADAPTERS.md.
constexpr const char* heat_evt =
    "; start lists\r\n"
    "12,1,3,Women 100m Heat 3,,,,,,100,11:42:10.000\r\n"
    "\t204,2,Adeyemi,Grace,NGR\r\n"
    " 311,3,Novak,Petra,CZE\r\n"
    ",415,5,Silva,Ana,POR\r\n"
    "\t502,7,Berg,Lina,SWE\r\n";

constexpr const char* heat_lif =
    "12,1,3,Women 100m Heat 3,+0.8,m/s,,,,100,11:42:10.000\n"
    "1,204,2,Adeyemi,Grace,NGR,11.234,,11.234,0.142\n"
    "2,311,3,Novak,Petra,CZE,11.301,,0.067,0.155\n"
    "DQ,415,5,Silva,Ana,POR,11.402,,,0.091\n"
    "DNS,502,7,Berg,Lina,SWE\n";

meet_file heat_meet() {
    auto loaded = parse_meet_file(R"(
[meet]
feed = "club-meet"
date = "2024-06-01"
utc_offset = "+02:00"

[[event]]
lynx = "12-1-3"
id = "W100-H3"
round = "heat"
heat = 3

[[event.record]]
kind = "MR"
mark = "11.30"
holder = "Old Holder"
country = "GBR"
)",
                                  "meet.toml");
    EXPECT_TRUE(loaded.meet) << loaded.error;
    return loaded.meet.value_or(meet_file{});
}

struct lynx_fixture : ::testing::Test {
    meet_file meet = heat_meet();
    feed_output output{meet.feed, "club-meet-1"};
    lynx_adapter adapter{meet, output};
    std::vector<feed::feed_message> all;

    conversion feed_evt(std::string_view text) { return keep(adapter.on_evt(text, "lynx.evt", ts)); }
    conversion feed_lif(std::string_view text) { return keep(adapter.on_lif(text, "012-1-03.lif", ts)); }
    conversion keep(conversion c) {
        all.insert(all.end(), c.messages.begin(), c.messages.end());
        return c;
    }
    static constexpr const char* ts = "2024-06-01T09:43:00.000Z";
};

std::vector<std::string> types_of(const conversion& c) {
    std::vector<std::string> out;
    for (const auto& m : c.messages) out.push_back(feed::to_string(m.type()));
    return out;
}

TEST_F(lynx_fixture, EvtCompetitorLinesLedByTabSpaceOrCommaMakeOneStartList) {
    auto c = feed_evt(heat_evt);
    EXPECT_TRUE(c.problems.empty());
    ASSERT_EQ(types_of(c), (std::vector<std::string>{"hello", "startlist"}));
    const auto& sl = std::get<feed::startlist_msg>(c.messages[1].body);
    EXPECT_EQ(c.messages[1].event, "W100-H3");
    EXPECT_EQ(sl.name, "Women 100m Heat 3");  // the meet file names no event: the EVT's name
    EXPECT_EQ(sl.distance_m, 100);
    EXPECT_EQ(sl.round, "heat");
    ASSERT_EQ(sl.athletes.size(), 4u);
    EXPECT_EQ(sl.athletes[0].bib, "204");
    EXPECT_EQ(sl.athletes[0].name, "Grace Adeyemi");
    EXPECT_EQ(sl.athletes[0].country, "NGR");
    EXPECT_EQ(sl.athletes[0].lane, 2);
    EXPECT_EQ(sl.athletes[3].bib, "502");
    ASSERT_EQ(sl.records.size(), 1u);
    EXPECT_EQ(sl.records[0].mark_ms, 11300);
}

TEST_F(lynx_fixture, TheSameEvtReadAgainSendsNothing) {
    feed_evt(heat_evt);
    EXPECT_TRUE(feed_evt(heat_evt).messages.empty());
}

TEST_F(lynx_fixture, LifPlacesTimesAndIrmsBecomeFinishesIrmsAndUnofficialResults) {
    feed_evt(heat_evt);
    auto c = feed_lif(heat_lif);
    EXPECT_TRUE(c.problems.empty());
    ASSERT_EQ(types_of(c), (std::vector<std::string>{"status", "finish", "finish", "irm", "irm", "status"}));
    // The start time of day in the meet's clock (+02:00) is the gun, in UTC.
    EXPECT_EQ(std::get<feed::status_msg>(c.messages[0].body).gun_ts, "2024-06-01T09:42:10.000Z");
    const auto& first = std::get<feed::finish_msg>(c.messages[1].body);
    EXPECT_EQ(first.bib, "204");
    EXPECT_EQ(first.elapsed_ms, 11234);
    EXPECT_EQ(first.place, 1);
    EXPECT_EQ(std::get<feed::irm_msg>(c.messages[3].body).code, feed::irm_code::dq);
    EXPECT_EQ(std::get<feed::irm_msg>(c.messages[4].body).code, feed::irm_code::dns);
    EXPECT_EQ(std::get<feed::status_msg>(c.messages[5].body).status, feed::status_code::unofficial);

    auto run = run_messages(all);
    EXPECT_TRUE(run.rejected.empty()) << run.rejected.front();
    const auto ranking = run.last_ranking();
    EXPECT_NE(ranking.find("\"place\":1,\"bib\":\"204\""), std::string::npos) << ranking;
    EXPECT_NE(ranking.find("\"mark\":\"11.24\""), std::string::npos) << ranking;
    // 11.301 prints 11.31: not the meeting record of 11.30.
    EXPECT_EQ(run.records().count({"MR", "311"}), 0u);
    EXPECT_EQ(run.records().count({"MR", "204"}), 1u);
}

TEST_F(lynx_fixture, Windows1252NamesArriveAsUtf8) {
    feed_evt(
        "1,1,1,Men 1500m,,,,,,1500\n\t150,8,NORD\xC5S,Narve Gilje,NOR\n\t143,7,GARC\xCD"
        "A,Mario,ESP\n"
        "\t9,1,Nord\xE5"
        "s,Ola,NOR\n\t10,2,Garc\xED"
        "a,Ana,ESP\n");
    const auto& sl = std::get<feed::startlist_msg>(all.back().body);
    ASSERT_EQ(sl.athletes.size(), 4u);
    EXPECT_EQ(sl.athletes[0].name, "Narve Gilje NORD\xC3\x85S");
    EXPECT_EQ(sl.athletes[1].name,
              "Mario GARC\xC3\x8D"
              "A");
    EXPECT_EQ(sl.athletes[2].name, "Ola Nord\xC3\xA5s");
    EXPECT_EQ(sl.athletes[3].name,
              "Ana Garc\xC3\xAD"
              "a");
    feed_lif("1,1,1,Men 1500m\n1,150,8,NORD\xC5S,Narve Gilje,NOR,3:29.678\n");
    auto run = run_messages(all);
    const auto finishes = run.texts(feed::event_type::finish);
    ASSERT_EQ(finishes.size(), 1u);
    // The engine prints surnames in title case: the Å survived as a letter.
    EXPECT_EQ(finishes[0], "Narve Gilje Nord\xC3\xA5s (NOR) finishes 1st in 3:29.68");
}

TEST_F(lynx_fixture, ThousandthsSplitAthletesWhoShareAHundredth) {
    feed_evt(heat_evt);
    // 11.231 and 11.238 both print 11.24; the photo finish's thousandths place them.
    feed_lif("12,1,3\n1,311,3,Novak,Petra,CZE,11.231\n2,204,2,Adeyemi,Grace,NGR,11.238\n");
    auto run = run_messages(all);
    EXPECT_TRUE(run.rejected.empty());
    const auto finishes = run.texts(feed::event_type::finish);
    ASSERT_EQ(finishes.size(), 2u);
    EXPECT_EQ(finishes[0], "Petra Novak (CZE) finishes 1st in 11.24");
    EXPECT_EQ(finishes[1], "Grace Adeyemi (NGR) finishes 2nd in 11.24");
}

TEST_F(lynx_fixture, ADqAddedAfterTheResultsIsOneIrmAndNewResults) {
    feed_evt(heat_evt);
    feed_lif(heat_lif);
    auto c = feed_lif(
        "12,1,3,Women 100m Heat 3,+0.8,m/s,,,,100,11:42:10.000\n"
        "DQ,204,2,Adeyemi,Grace,NGR,11.234,,11.234,0.142\n"
        "1,311,3,Novak,Petra,CZE,11.301,,0.067,0.155\n"
        "DQ,415,5,Silva,Ana,POR,11.402,,,0.091\n"
        "DNS,502,7,Berg,Lina,SWE\n");
    // Novak's place changes from 2 to 1 as written: a finish with the same time.
    ASSERT_EQ(types_of(c), (std::vector<std::string>{"finish", "irm"}));
    EXPECT_EQ(std::get<feed::irm_msg>(c.messages[1].body).bib, "204");
    auto run = run_messages(all);
    EXPECT_TRUE(run.rejected.empty()) << run.rejected.front();
    EXPECT_EQ(run.texts(feed::event_type::results).size(), 2u);
    const auto ranking = run.last_ranking();
    EXPECT_NE(ranking.find("\"place\":1,\"bib\":\"311\""), std::string::npos) << ranking;
    // Adeyemi's meeting record goes with her DQ.
    EXPECT_NE(run.texts(feed::event_type::correction).size(), 0u);
}

TEST_F(lynx_fixture, ARewrittenLifYieldsOnlyWhatChanged) {
    feed_evt(heat_evt);
    feed_lif(heat_lif);
    EXPECT_TRUE(feed_lif(heat_lif).messages.empty()) << "an unchanged rewrite sends nothing";

    // The operator fixes a time and withdraws the DQ.
    auto c = feed_lif(
        "12,1,3,Women 100m Heat 3,+0.8,m/s,,,,100,11:42:10.000\n"
        "1,204,2,Adeyemi,Grace,NGR,11.234,,11.234,0.142\n"
        "2,311,3,Novak,Petra,CZE,11.298,,0.064,0.155\n"
        "3,415,5,Silva,Ana,POR,11.402,,,0.091\n"
        "DNS,502,7,Berg,Lina,SWE\n");
    ASSERT_EQ(types_of(c), (std::vector<std::string>{"irm", "finish", "finish"}));
    EXPECT_EQ(std::get<feed::irm_msg>(c.messages[0].body).code, feed::irm_code::ok);
    EXPECT_EQ(std::get<feed::finish_msg>(c.messages[1].body).elapsed_ms, 11298);
    EXPECT_EQ(std::get<feed::finish_msg>(c.messages[2].body).bib, "415");

    auto run = run_messages(all);
    EXPECT_TRUE(run.rejected.empty()) << run.rejected.front();
    const auto ranking = run.last_ranking();
    EXPECT_NE(
        ranking.find(
            "\"place\":2,\"bib\":\"311\",\"name\":\"Petra Novak\",\"country\":\"CZE\",\"mark\":\"11.30\""),
        std::string::npos)
        << ranking;
    const auto finishes = run.texts(feed::event_type::finish);
    ASSERT_FALSE(finishes.empty());
    EXPECT_EQ(finishes.back(), "Ana Silva (POR) finishes 3rd in 11.41");
}

TEST_F(lynx_fixture, SeqsContinueAcrossFilesAndAfterARestartFromTheMessages) {
    feed_evt(heat_evt);
    feed_lif("12,1,3\n1,204,2,Adeyemi,Grace,NGR,11.234\n");
    for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].seq, i + 1);

    // A restarted daemon observes what its journal holds, then reads the files again.
    feed_output recovered{meet.feed, "another-epoch"};
    for (const auto& m : all) recovered.observe(m);
    lynx_adapter again{meet, recovered};
    EXPECT_TRUE(again.on_evt(heat_evt, "lynx.evt", ts).messages.empty());
    auto c = again.on_lif("12,1,3\n1,204,2,Adeyemi,Grace,NGR,11.234\n2,311,3,Novak,Petra,CZE,11.301\n",
                          "012-1-03.lif", ts);
    ASSERT_EQ(c.messages.size(), 1u);
    EXPECT_EQ(c.messages[0].seq, all.size() + 1);
    EXPECT_EQ(recovered.epoch(), "club-meet-1");
}

// Each bad input: one problem naming the file and line, a count by reason,
// and the rest of the file still applies.
TEST_F(lynx_fixture, EachBadLineIsReportedCountedAndSkipped) {
    feed_evt(heat_evt);
    auto c = feed_lif(
        "12,1,3,Women 100m Heat 3\n"
        "1,204,2,Adeyemi,\"Grace,NGR,11.234\n"  // line 2: open quote
        "2,311,3,Novak\n"                       // line 3: too few columns
        "X1,415,5,Silva,Ana,POR,11.402\n"       // line 4: unknown place
        "3,502,7,Berg,Lina,SWE,11.4O\n"         // line 5: a letter O in the time
        "4,999,8,Nobody,Else,GER,11.500\n"      // line 6: unknown ID
        "1,204,2,Adeyemi,Grace,NGR,11.234\n");  // line 7: fine
    ASSERT_EQ(c.problems.size(), 5u);
    EXPECT_EQ(c.problems[0].where, "012-1-03.lif:2");
    EXPECT_EQ(c.problems[0].reason, problem_reason::malformed_line);
    EXPECT_EQ(c.problems[1].reason, problem_reason::column_count);
    EXPECT_EQ(c.problems[2].reason, problem_reason::unknown_place);
    EXPECT_EQ(c.problems[2].where, "012-1-03.lif:4");
    EXPECT_EQ(c.problems[3].reason, problem_reason::bad_time);
    EXPECT_EQ(c.problems[4].reason, problem_reason::unknown_bib);
    EXPECT_EQ(describe(c.problems[4]),
              "012-1-03.lif:6: unknown_bib: ID 999 is not in the start list of W100-H3");
    EXPECT_EQ(adapter.problems().of(problem_reason::unknown_bib), 1u);
    EXPECT_EQ(adapter.problems().total(), 5u);
    // Line 7 still applies.
    ASSERT_EQ(types_of(c), (std::vector<std::string>{"status", "finish"}));
    EXPECT_EQ(std::get<feed::finish_msg>(c.messages[1].body).bib, "204");
}

TEST_F(lynx_fixture, ALifForAnEventWithNoStartListIsSkippedWhole) {
    feed_evt(heat_evt);
    auto c = feed_lif("7,1,1,Men 400m\n1,204,2,Adeyemi,Grace,NGR,50.12\n");
    EXPECT_TRUE(c.messages.empty());
    ASSERT_EQ(c.problems.size(), 1u);
    EXPECT_EQ(c.problems[0].reason, problem_reason::no_start_list);
    EXPECT_EQ(describe(c.problems[0]),
              "012-1-03.lif:1: no_start_list: results for lynx-7-1-1, which has no start list (lynx.evt): "
              "file skipped");
}

TEST_F(lynx_fixture, BadEvtLinesAreSkippedAndTheRestStillDefinesTheEvent) {
    auto c = feed_evt(
        "\t1,1,Before,Any,GBR\n"  // a competitor before any event line
        "12,1,3,Women 100m Heat 3,,,,,,100\n"
        "\t204,2,Adeyemi\n"              // too few columns
        "\t311,x,Novak,Petra,CZE\n"      // lane not a number
        "\t415,5,Silva,Ana,Lisbon AC\n"  // affiliation that is not a country
        "\t502,7,Berg,Lina,SWE\n"
        "x,1,1,Bad event\n");  // event number not a number
    std::vector<problem_reason> reasons;
    for (const auto& p : c.problems) reasons.push_back(p.reason);
    EXPECT_EQ(reasons, (std::vector<problem_reason>{problem_reason::malformed_line,
                                                    problem_reason::column_count, problem_reason::bad_value,
                                                    problem_reason::bad_value, problem_reason::bad_value}));
    const auto& sl = std::get<feed::startlist_msg>(c.messages.back().body);
    ASSERT_EQ(sl.athletes.size(), 2u);
    EXPECT_EQ(sl.athletes[1].bib, "502");
}

TEST_F(lynx_fixture, ArbitraryBytesNeverCrashAndNeverInventResults) {
    feed_evt(heat_evt);
    std::string noise;
    for (int i = 0; i < 4096; ++i) noise += static_cast<char>((i * 7919 + 13) % 256);
    auto c = feed_lif(noise);
    for (const auto& m : c.messages) EXPECT_NE(m.type(), feed::message_type::finish);
    EXPECT_FALSE(c.problems.empty());
}

}  // namespace
}  // namespace splitstream::adapters
