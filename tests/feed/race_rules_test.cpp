// The rules of the sport (PROTOCOL.md §3) as the engine applies them.

#include <gtest/gtest.h>

#include "tests/feed/race_builder.hpp"

using namespace splitstream::feed;
using namespace splitstream::feed::testing;

namespace {

std::vector<athlete_entry> field3() {
    return {runner("1", "Josh KERR", "GBR", 209050, 210200),
            runner("2", "Jakob INGEBRIGTSEN", "NOR", 207140, 207140), runner("3", "Abel KIPSANG", "KEN")};
}

}  // namespace

TEST(Splits, PositionFollowsElapsedTimeNotArrivalOrder) {
    race_driver r;
    r.start(field3());
    r.split("3", 400, 56100);
    r.split("1", 400, 55900);  // arrives later, ran faster
    auto splits = r.of(event_type::split);
    ASSERT_EQ(splits.size(), 2u);
    EXPECT_EQ(json_view(splits[0].json).num("/position"), 1);
    json_view second(splits[1].json);
    EXPECT_EQ(second.num("/position"), 1);
    EXPECT_EQ(second.num("/behind_ms"), 0);
    EXPECT_EQ(second.num("/lap_ms"), 55900);
    r.split("2", 400, 56000);
    json_view third(r.of(event_type::split)[2].json);
    EXPECT_EQ(third.num("/position"), 2);
    EXPECT_EQ(third.num("/behind_ms"), 100);
    EXPECT_EQ(third.str("/text"), "Jakob Ingebrigtsen (NOR) 2nd at 400 m, +0.10");
}

TEST(Splits, LapIsTimeSinceTheAthletesPreviousPoint) {
    race_driver r;
    r.start(field3());
    r.split("1", 400, 56000);
    r.split("1", 800, 114230);
    EXPECT_EQ(json_view(r.of(event_type::split)[1].json).num("/lap_ms"), 58230);
}

TEST(LeaderChange, OnlyWhenTheFirstDiffersFromThePreviousPoint) {
    race_driver r;
    r.start(field3());
    r.split("3", 200, 27110);
    r.split("2", 200, 27300);
    EXPECT_TRUE(r.of(event_type::leader_change).empty()) << "no change at the first point";
    r.split("3", 400, 56010);
    r.split("2", 400, 56100);
    EXPECT_TRUE(r.of(event_type::leader_change).empty()) << "same leader";
    r.split("3", 500, 70200);
    r.split("2", 500, 70100);  // arrives second, but first at 500 m
    auto lc = r.of(event_type::leader_change);
    ASSERT_EQ(lc.size(), 1u);
    json_view v(lc[0].json);
    EXPECT_EQ(v.num("/distance_m"), 500);
    EXPECT_EQ(v.str("/leader/bib"), "2");
    EXPECT_EQ(v.str("/previous/bib"), "3");
    EXPECT_EQ(v.num("/elapsed_ms"), 70100);
    EXPECT_EQ(v.str("/text"), "Jakob Ingebrigtsen (NOR) takes the lead from Abel Kipsang (KEN) at 500 m");
}

TEST(Finish, MarkIsRoundedUpAndPlacesFollowThousandths) {
    race_driver r;
    r.start(field3());
    r.finish("2", 209641);
    r.finish("1", 209371);  // faster, arrives later: takes 1st, 2 becomes 2nd
    auto fin = r.of(event_type::finish);
    ASSERT_EQ(fin.size(), 2u);
    json_view kerr(fin[1].json);
    EXPECT_EQ(kerr.str("/mark"), "3:29.38");
    EXPECT_EQ(kerr.num("/place"), 1);
    EXPECT_EQ(kerr.str("/text"), "Josh Kerr (GBR) finishes 1st in 3:29.38");
    auto corr = r.of(event_type::correction);
    ASSERT_EQ(corr.size(), 1u);
    json_view c(corr[0].json);
    EXPECT_EQ(c.str("/bib"), "2");
    EXPECT_EQ(c.num("/before/place"), 1);
    EXPECT_EQ(c.num("/after/place"), 2);
}

TEST(Finish, EqualThousandthsGoToTheJudgesPlaceOrAreShared) {
    race_driver r;
    r.start(field3());
    r.finish("1", 210001, 2);
    r.finish("2", 210001, 1);
    r.finish("3", 210500);
    auto state = *r.eng().snapshot_json("M1500-F");
    json_view s(state);
    EXPECT_EQ(s.str("/athletes/0/bib"), "2");
    EXPECT_EQ(s.num("/athletes/0/finish/place"), 1);
    EXPECT_EQ(s.num("/athletes/1/finish/place"), 2);

    race_driver shared;
    shared.start(field3());
    shared.finish("1", 210001);
    shared.finish("2", 210001);
    shared.finish("3", 210002);
    auto fin = shared.of(event_type::finish);
    EXPECT_EQ(json_view(fin[0].json).num("/place"), 1);
    EXPECT_EQ(json_view(fin[1].json).num("/place"), 1);
    EXPECT_EQ(json_view(fin[2].json).num("/place"), 3);
}

TEST(Finish, SecondFinishIsACorrection) {
    race_driver r;
    r.start(field3());
    r.finish("1", 209371);
    r.finish("2", 209641);
    r.finish("2", 209301);  // photo finish re-read
    auto corr = r.of(event_type::correction);
    ASSERT_GE(corr.size(), 2u);
    json_view first(corr[0].json);
    EXPECT_EQ(first.str("/bib"), "2");
    EXPECT_EQ(first.str("/before/mark"), "3:29.65");
    EXPECT_EQ(first.str("/after/mark"), "3:29.31");
    EXPECT_EQ(first.num("/after/place"), 1);
    json_view second(corr[1].json);
    EXPECT_EQ(second.str("/bib"), "1");
    EXPECT_EQ(second.num("/after/place"), 2);
}

TEST(Records, BetterMarkSetsAndEqualMarkEquals) {
    race_driver r;
    r.start(field3(), {record(record_kind::wr, 206000), record(record_kind::cr, 207650)});
    r.finish("2", 205991);  // prints 3:26.00: equals the WR, beats the CR
    auto rec = r.of(event_type::record);
    ASSERT_EQ(rec.size(), 3u);
    EXPECT_EQ(json_view(rec[0].json).str("/kind"), "=WR");
    EXPECT_EQ(json_view(rec[1].json).str("/kind"), "CR");
    EXPECT_EQ(json_view(rec[2].json).str("/kind"), "PB");
    json_view wr(rec[0].json);
    EXPECT_EQ(wr.str("/previous/mark"), "3:26.00");
    EXPECT_TRUE(wr.boolean("/provisional"));
    EXPECT_EQ(wr.str("/text"), "Jakob Ingebrigtsen (NOR) equals the world record: 3:26.00 (provisional)");
}

TEST(Records, OnlyTheBestOfSeveralUnderTheOldRecordSetsIt) {
    race_driver r;
    r.start(field3(), {record(record_kind::cr, 210000)});
    r.finish("3", 209500);
    r.finish("1", 209100);  // better still: takes the CR from 3
    r.finish("2", 209800);
    std::vector<std::string> crs;
    for (const auto& e : r.of(event_type::record)) {
        json_view v(e.json);
        if (v.str("/kind") == "CR") crs.push_back(v.str("/bib"));
    }
    EXPECT_EQ(crs, (std::vector<std::string>{"3", "1"}));
    bool withdrawn = false;
    for (const auto& e : r.of(event_type::correction)) {
        json_view v(e.json);
        if (v.str("/bib") == "3" && v.str("/before/records/0") == "CR") withdrawn = true;
    }
    EXPECT_TRUE(withdrawn) << "the CR claimed by 3 is withdrawn as a correction";
    r.status(status_code::official);
    json_view res(r.of(event_type::results).back().json);
    EXPECT_EQ(res.str("/ranking/0/bib"), "1");
    EXPECT_EQ(res.str("/ranking/0/flags/0"), "CR");
    EXPECT_EQ(res.str("/ranking/1/bib"), "3");
    EXPECT_EQ(res.str("/ranking/1/flags/0"), "<missing>");
}

TEST(Records, NationalRecordsPerCountryAndAreaRecordsPerArea) {
    race_driver r;
    r.start({runner("1", "A ONE", "GBR"), runner("2", "B TWO", "GBR"), runner("3", "C THREE", "NED"),
             runner("4", "D FOUR", "USA")},
            {record(record_kind::nr, 210000, "GBR"), record(record_kind::nr, 212740, "NED"),
             record(record_kind::nr, 207400, "USA"), record(record_kind::ar, 209000, "", "EUR")});
    r.finish("1", 208900);
    r.finish("2", 209500);
    r.finish("3", 211241);
    r.finish("4", 209900);
    std::vector<std::string> got;
    for (const auto& e : r.of(event_type::record)) {
        json_view v(e.json);
        got.push_back(v.str("/kind") + ":" + v.str("/bib"));
    }
    EXPECT_EQ(got, (std::vector<std::string>{"AR:1", "NR:1", "NR:3"}));
}

TEST(Records, EveryAthleteCanSetAPersonalOrSeasonsBest) {
    race_driver r;
    r.start({runner("1", "A ONE", "GBR", 209050, 210200), runner("2", "B TWO", "NOR", 212070, 212070),
             runner("3", "C THREE", "NED", 212620, 213000), runner("4", "D FOUR", "USA", 200000, 211000),
             runner("5", "E FIVE", "USA", 211000)});
    r.finish("1", 209371);  // SB (PB 3:29.05 stands)
    r.finish("2", 210691);  // PB
    r.finish("3", 211241);  // PB, not also SB
    r.finish("4", 211000);  // =SB
    r.finish("5", 215000);  // nothing
    std::vector<std::string> got;
    for (const auto& e : r.of(event_type::record)) {
        json_view v(e.json);
        got.push_back(v.str("/kind") + ":" + v.str("/bib"));
    }
    EXPECT_EQ(got, (std::vector<std::string>{"SB:1", "PB:2", "PB:3", "=SB:4"}));
}

TEST(Results, AFirstFinishOrAnIrmAfterTheResultsReissuesThem) {
    race_driver r;
    r.start(field3());
    r.finish("1", 209100);
    r.finish("2", 209500);
    r.irm("3", irm_code::dnf);
    r.status(status_code::unofficial);
    ASSERT_EQ(r.of(event_type::results).size(), 1u);

    // A DNF overturned on appeal, then a finish that was missed: each
    // changes the ranking, so each re-issues the results.
    r.irm("3", irm_code::ok);
    ASSERT_EQ(r.of(event_type::results).size(), 2u) << "the overturned DNF changes the ranking";
    json_view ok(r.of(event_type::results).back().json);
    EXPECT_EQ(ok.str("/ranking/1/bib"), "2");
    EXPECT_EQ(ok.str("/ranking/2/bib"), "<missing>") << "3 is no longer ranked as DNF, and has no time yet";

    r.finish("3", 209300);
    ASSERT_EQ(r.of(event_type::results).size(), 3u) << "a first finish after the results changes them";
    json_view res(r.of(event_type::results).back().json);
    EXPECT_EQ(res.str("/ranking/1/bib"), "3");
    EXPECT_EQ(res.num("/ranking/1/place"), 2);
    EXPECT_EQ(res.str("/ranking/2/bib"), "2");
}

TEST(Irm, DisqualificationAfterTheFinishWithdrawsTheRecordAndMovesPlaces) {
    race_driver r;
    r.start(field3(), {record(record_kind::cr, 210000)});
    r.finish("1", 209100);
    r.finish("2", 209500);
    r.finish("3", 209900);
    r.status(status_code::unofficial);
    const auto before = r.events.size();
    r.irm("1", irm_code::dq, "TR17.3.1");
    std::vector<derived_event> after(r.events.begin() + static_cast<long>(before), r.events.end());
    ASSERT_GE(after.size(), 5u);
    EXPECT_EQ(after[0].type, event_type::irm);
    EXPECT_EQ(after[0].text, "Josh Kerr (GBR) is disqualified (TR17.3.1)");
    json_view dq(after[1].json);
    EXPECT_EQ(after[1].type, event_type::correction);
    EXPECT_EQ(dq.str("/bib"), "1");
    EXPECT_EQ(dq.str("/after/status"), "DQ");
    EXPECT_TRUE(dq.is_null("/after/place"));
    EXPECT_EQ(dq.str("/before/records/0"), "CR");
    // 2 moves up to 1st and inherits the championship record.
    bool moved = false, inherited = false;
    for (const auto& e : after) {
        json_view v(e.json);
        if (e.type == event_type::correction && v.str("/bib") == "2" && v.num("/after/place") == 1)
            moved = true;
        if (e.type == event_type::record && v.str("/bib") == "2" && v.str("/kind") == "CR") inherited = true;
    }
    EXPECT_TRUE(moved);
    EXPECT_TRUE(inherited);
    EXPECT_EQ(after.back().type, event_type::results) << "results re-issued after the change";
    json_view res(after.back().json);
    EXPECT_EQ(res.str("/ranking/0/bib"), "2");
    EXPECT_EQ(res.str("/ranking/2/mark"), "DQ");

    r.irm("1", irm_code::ok);  // overturned on appeal
    json_view last(r.of(event_type::results).back().json);
    EXPECT_EQ(last.str("/ranking/0/bib"), "1");
}

TEST(Irm, DnfMidRaceStopsFurtherSplitsAndCountsAsDone) {
    race_driver r;
    r.start(field3());
    r.split("3", 400, 56000);
    r.irm("3", irm_code::dnf, {}, 900);
    EXPECT_EQ(r.of(event_type::irm)[0].text, "Abel Kipsang (KEN) did not finish (stopped at 900 m)");
    auto rejected = r.split("3", 1000, 140000);
    ASSERT_TRUE(rejected.rejected);
    EXPECT_EQ(rejected.rejected->reason, reject_reason::after_out);
    r.finish("1", 209371);
    EXPECT_TRUE(r.of(event_type::race_state).size() == 1u);
    r.finish("2", 209641);
    auto states = r.of(event_type::race_state);
    ASSERT_EQ(states.size(), 2u);
    EXPECT_EQ(json_view(states[1].json).str("/state"), "finished");
}

TEST(Status, RecallClearsTheRaceAndWaitsForANewGun) {
    race_driver r;
    r.start(field3());
    r.split("1", 100, 13000);
    r.status(status_code::recalled);
    auto early = r.split("1", 100, 13100);
    ASSERT_TRUE(early.rejected);
    EXPECT_EQ(early.rejected->reason, reject_reason::not_started);
    r.status(status_code::started);
    auto ok = r.split("1", 100, 13100);
    EXPECT_FALSE(ok.rejected);
    EXPECT_EQ(json_view(r.of(event_type::race_state)[1].json).str("/state"), "recalled");
}

TEST(Status, ResultsCarryMedalsInAFinal) {
    race_driver r;
    r.start(field3());
    r.finish("1", 209371);
    r.finish("2", 209641);
    r.finish("3", 209681);
    r.status(status_code::official);
    json_view res(r.of(event_type::results).back().json);
    EXPECT_TRUE(res.boolean("/official"));
    EXPECT_EQ(res.str("/ranking/0/medal"), "gold");
    EXPECT_EQ(res.str("/ranking/1/medal"), "silver");
    EXPECT_EQ(res.str("/ranking/2/medal"), "bronze");
    EXPECT_EQ(r.of(event_type::results).back().text,
              "Men's 1500m Final, official results: Gold Josh Kerr (GBR) 3:29.38 SB, silver Jakob "
              "Ingebrigtsen (NOR) "
              "3:29.65, bronze Abel Kipsang (KEN) 3:29.69");
}

TEST(Rejections, RuleBreakingMessagesAreTypedAndChangeNothing) {
    race_driver r;
    r.startlist(field3());
    EXPECT_EQ(r.split("1", 100, 13000).rejected->reason, reject_reason::not_started);
    EXPECT_EQ(r.finish("1", 13000).rejected->reason, reject_reason::not_started);
    r.status(status_code::started);
    r.split("1", 400, 56000);
    const auto state = *r.eng().snapshot_json("M1500-F");
    const auto head = r.eng().head();
    EXPECT_EQ(r.split("9", 400, 56000).rejected->reason, reject_reason::unknown_bib);
    EXPECT_EQ(r.split("1", 800, 55000).rejected->reason, reject_reason::time_backwards);
    EXPECT_EQ(r.split("1", 1600, 250000).rejected->reason, reject_reason::beyond_distance);
    EXPECT_EQ(r.finish("1", 50000).rejected->reason, reject_reason::time_backwards);
    EXPECT_EQ(r.status(status_code::started).rejected->reason, reject_reason::invalid_transition);
    EXPECT_EQ(*r.eng().snapshot_json("M1500-F"), state);
    EXPECT_EQ(r.eng().head(), head) << "no derived event for a rejected message";

    race_driver other("W100-F");
    auto unknown = other.split("1", 50, 5000);
    EXPECT_EQ(unknown.rejected->reason, reject_reason::unknown_event);
}

TEST(Rejections, ACancelledEventRefusesEveryMessageAboutAnAthleteButNamesAnUnknownBibFirst) {
    race_driver r;
    r.start(field3());
    r.split("1", 400, 56000);
    r.status(status_code::cancelled);
    const auto head = r.eng().head();
    EXPECT_EQ(r.split("1", 800, 114000).rejected->reason, reject_reason::event_closed);
    EXPECT_EQ(r.finish("1", 209000).rejected->reason, reject_reason::event_closed);
    EXPECT_EQ(r.irm("2", irm_code::dq).rejected->reason, reject_reason::event_closed);
    for (auto reply : {r.split("9", 800, 114000), r.finish("9", 209000), r.irm("9", irm_code::dq)}) {
        ASSERT_TRUE(reply.rejected);
        EXPECT_EQ(reply.rejected->reason, reject_reason::unknown_bib);
        EXPECT_NE(reply.rejected->detail.find("bib 9 is not in the start list"), std::string::npos)
            << reply.rejected->detail;
    }
    EXPECT_EQ(r.eng().head(), head);
}

TEST(Determinism, SameMessagesSameBytes) {
    auto run = [] {
        race_driver r;
        r.start(field3(), {record(record_kind::cr, 210000)});
        r.split("3", 400, 56000);
        r.split("2", 400, 55000);
        r.finish("2", 209000);
        r.finish("1", 209500);
        r.irm("3", irm_code::dnf);
        r.status(status_code::official);
        std::string all;
        for (const auto& e : r.events) all += e.json + "\n";
        return all;
    };
    const auto a = run();
    EXPECT_EQ(a, run());
    EXPECT_NE(a.find("\"seq\":1,"), std::string::npos);
}

TEST(Road, RoadMarksAndRecordsUseWholeSeconds) {
    race_driver r("M-MAR");
    r.start({runner("1", "Eliud KIPCHOGE", "KEN", 7269000)}, {record(record_kind::wr, 7235000)}, 42195,
            venue::road);
    r.finish("1", 7268400);  // 2:01:08.4 prints 2:01:09
    json_view f(r.of(event_type::finish)[0].json);
    EXPECT_EQ(f.str("/mark"), "2:01:09");
    auto rec = r.of(event_type::record);
    ASSERT_EQ(rec.size(), 1u);
    EXPECT_EQ(json_view(rec[0].json).str("/kind"), "=PB");
}

TEST(Notice, UpstreamHealthIsSequencedWithRaceEvents) {
    race_driver r;
    r.startlist(field3());
    feed_notice n;
    n.state = "gap";
    n.ts = "2024-08-06T19:50:01.000Z";
    n.src_seq = 7;
    n.details = {{"from", std::int64_t{8}}, {"to", std::int64_t{9}}};
    auto e = r.eng().notice(n);
    EXPECT_EQ(e.seq, 2u);
    json_view v(e.json);
    EXPECT_EQ(v.str("/type"), "feed");
    EXPECT_EQ(v.str("/state"), "gap");
    EXPECT_EQ(v.num("/from"), 8);
}

TEST(Splits, NamesAndTracesThatNeedEscapingStayValidJson) {
    race_driver r;
    r.start({runner("7", "Seán \"The Flash\" O\\Brien\t", "IRL"), runner("8", "Plain NAME", "KEN")});
    r.split("7", 400, 56000);
    r.split("8", 400, 56500);
    auto splits = r.of(event_type::split);
    ASSERT_EQ(splits.size(), 2u);
    json_view first(splits[0].json);
    EXPECT_EQ(first.str("/name"), "Seán \"The Flash\" O\\Brien\t");
    EXPECT_EQ(first.str("/bib"), "7");
    EXPECT_EQ(first.str("/country"), "IRL");
    EXPECT_EQ(first.str("/time"), "56.00");
    EXPECT_EQ(first.num("/seq"), static_cast<std::int64_t>(splits[0].seq));
    EXPECT_EQ(first.str("/text"), splits[0].text);
    EXPECT_NE(splits[0].text.find("\"The Flash\""), std::string::npos);
    json_view second(splits[1].json);
    EXPECT_EQ(second.str("/text"), "Plain Name (KEN) 2nd at 400 m, +0.50");
    EXPECT_EQ(second.num("/behind_ms"), 500);
}

TEST(LeaderChange, ALateFasterSplitCorrectsTheLeaderChangeAlreadyPublished) {
    race_driver r;
    r.start(field3());
    r.split("1", 400, 56000);
    r.split("2", 400, 56100);
    r.split("3", 400, 56200);
    // At 800 m Ingebrigtsen's split comes first and looks like a new lead...
    r.split("2", 800, 113500);
    auto lc = r.of(event_type::leader_change);
    ASSERT_EQ(lc.size(), 1u);
    EXPECT_EQ(json_view(lc[0].json).str("/leader/bib"), "2");
    // ...until Kerr's, faster, arrives: Kerr never lost the lead.
    r.split("1", 800, 113400);
    lc = r.of(event_type::leader_change);
    ASSERT_EQ(lc.size(), 2u);
    json_view fix(lc[1].json);
    EXPECT_EQ(fix.str("/leader/bib"), "1");
    EXPECT_EQ(fix.str("/previous/bib"), "2");
    EXPECT_EQ(fix.num("/distance_m"), 800);
    EXPECT_EQ(fix.num("/corrects"), static_cast<std::int64_t>(lc[0].seq));
    EXPECT_EQ(fix.str("/text"), "Correction: Josh Kerr (GBR) leads at 800 m, not Jakob Ingebrigtsen (NOR)");
    // The slower ones after that change nothing.
    r.split("3", 800, 113900);
    EXPECT_EQ(r.of(event_type::leader_change).size(), 2u);
}

TEST(LeaderChange, ALateFasterSplitFromAThirdAthleteNamesWhomItReplaces) {
    race_driver r;
    r.start(field3());
    r.split("1", 400, 56000);
    r.split("2", 400, 56100);
    r.split("3", 400, 56200);
    r.split("2", 800, 113500);  // Ingebrigtsen takes the lead from Kerr
    r.split("3", 800, 113300);  // Kipsang, faster, arrives later
    auto lc = r.of(event_type::leader_change);
    ASSERT_EQ(lc.size(), 2u);
    json_view second(lc[1].json);
    EXPECT_EQ(second.str("/leader/bib"), "3");
    EXPECT_EQ(second.str("/previous/bib"), "1") << "the leader at the previous point";
    EXPECT_EQ(second.num("/corrects"), static_cast<std::int64_t>(lc[0].seq));
    EXPECT_EQ(second.str("/text"), "Abel Kipsang (KEN) takes the lead from Josh Kerr (GBR) at 800 m");
    EXPECT_EQ(json_view(lc[0].json).num("/corrects"), -999999) << "a first leader change corrects nothing";
}

TEST(Snapshot, EqualTimesAtAPointAreListedInArrivalOrderWithTheLeaderFirst) {
    race_driver r;
    r.start(field3());
    r.split("3", 400, 56000);  // Kipsang's split arrives first: he leads
    r.split("1", 400, 56000);  // the same time, after him
    r.split("2", 400, 56500);
    json_view s(*r.eng().snapshot_json("M1500-F"));
    EXPECT_EQ(s.str("/leader/bib"), "3");
    EXPECT_EQ(s.str("/athletes/0/bib"), "3");
    EXPECT_EQ(s.str("/athletes/1/bib"), "1");
    EXPECT_EQ(s.str("/athletes/2/bib"), "2");
    EXPECT_EQ(s.num("/athletes/1/last_split/position"), 1) << "equal times share the position";
    EXPECT_EQ(s.num("/athletes/2/last_split/position"), 3);
}
