// Sprint starts (docs/protocol.md, Sprint starts): reaction times from the
// start information system and the false starts they show. Each test names
// the World Athletics Technical Rule (TR, Book C2.1) it checks; the cases
// are small enough to check by hand.

#include <gtest/gtest.h>

#include "feed/sprint_start.hpp"
#include "tests/feed/race_builder.hpp"

using namespace splitstream::feed;
using namespace splitstream::feed::testing;

namespace {

std::vector<athlete_entry> hurdlers() {
    return {runner("1", "Grant HOLLOWAY", "USA"), runner("2", "Devon ALLEN", "USA"),
            runner("3", "Trey CUNNINGHAM", "USA")};
}

startlist_msg sprint_startlist(bool combined = false) {
    startlist_msg s;
    s.name = combined ? "Decathlon 110m Hurdles Heat 1" : "Men's 110m Hurdles Final";
    s.distance_m = 110;
    s.round = "final";
    s.athletes = hurdlers();
    s.combined_event = combined;
    return s;
}

// A start list and a gun, for a race of the 110 m hurdles.
race_driver hurdles_race(bool combined = false) {
    race_driver r("M110H-F");
    r.send(sprint_startlist(combined));
    r.status(status_code::started);
    return r;
}

apply_result react(race_driver& r, std::string bib, std::int64_t ms) {
    return r.send(reaction_msg{std::move(bib), ms});
}

std::string state_of(race_driver& r) {
    return *r.eng().snapshot_json("M110H-F");
}

// The state's entry for `bib`, by its position in the running order.
std::string athlete_path(race_driver& r, const std::string& bib, const char* member) {
    json_view s(state_of(r));
    for (int k = 0; k < 3; ++k) {
        const std::string at = "/athletes/" + std::to_string(k);
        if (s.str((at + "/bib").c_str()) == bib) return at + "/" + member;
    }
    return "/missing";
}

}  // namespace

TEST(SprintStart, ReactionUnderTheLimitIsAFalseStartAndDisqualifies) {
    // TR 16.6: a reaction time less than 0.100 s shows a false start;
    // TR 16.8: the athlete responsible is disqualified.
    auto r = hurdles_race();
    EXPECT_FALSE(react(r, "1", 152).rejected);
    EXPECT_TRUE(r.of(event_type::false_start).empty()) << "0.152 is a fair start";
    EXPECT_FALSE(react(r, "2", 99).rejected);
    auto fs = r.of(event_type::false_start);
    ASSERT_EQ(fs.size(), 1u);
    json_view v(fs[0].json);
    EXPECT_EQ(v.str("/bib"), "2");
    EXPECT_EQ(v.num("/reaction_ms"), 99);
    EXPECT_EQ(v.str("/reaction"), "0.099");
    EXPECT_EQ(v.str("/outcome"), "dq");
    EXPECT_EQ(v.str("/rule"), "TR16.8");
    EXPECT_EQ(v.str("/text"), "Devon Allen (USA) false start, reaction 0.099: disqualified (TR 16.8)");

    const std::string state = state_of(r);
    json_view s(state);
    EXPECT_EQ(s.str("/athletes/2/bib"), "2") << "out of the race: last in the running order";
    EXPECT_EQ(s.str("/athletes/2/status"), "DQ");
    EXPECT_EQ(s.str("/athletes/2/rule"), "TR16.8");
    EXPECT_EQ(s.str("/athletes/2/reason"), "false start");
    EXPECT_EQ(s.str("/athletes/2/reaction"), "0.099");
}

TEST(SprintStart, ReactionOfExactlyTheLimitIsNoFalseStart) {
    // TR 16.6: "less than 0.100 second"; 0.100 itself is allowed.
    auto r = hurdles_race();
    EXPECT_FALSE(react(r, "1", 100).rejected);
    EXPECT_FALSE(react(r, "3", 0).rejected);
    auto fs = r.of(event_type::false_start);
    ASSERT_EQ(fs.size(), 1u) << "only 0.000 is under the limit";
    EXPECT_EQ(json_view(fs[0].json).str("/bib"), "3");
    json_view s(state_of(r));
    EXPECT_EQ(s.str(athlete_path(r, "1", "status").c_str()), "OK");
    EXPECT_EQ(s.str(athlete_path(r, "1", "reaction").c_str()), "0.100");
    EXPECT_EQ(s.str(athlete_path(r, "3", "status").c_str()), "DQ");
}

TEST(SprintStart, EveryAthleteResponsibleInOneStartIsDisqualified) {
    // TR 16.8: "any athlete(s) responsible for the false start".
    auto r = hurdles_race();
    react(r, "1", 85);
    react(r, "2", 97);
    auto fs = r.of(event_type::false_start);
    ASSERT_EQ(fs.size(), 2u);
    EXPECT_EQ(json_view(fs[0].json).str("/outcome"), "dq");
    EXPECT_EQ(json_view(fs[1].json).str("/outcome"), "dq");
}

TEST(SprintStart, CombinedEventsWarnOnTheFirstFalseStartAndDisqualifyLaterOnes) {
    // TR 39.8.3: in a combined event one false start per race is allowed
    // without disqualification; whoever is responsible for a later one is
    // disqualified.
    auto r = hurdles_race(/*combined=*/true);
    react(r, "2", 92);
    react(r, "3", 95);  // the same start: the same (first) false start of the race
    r.status(status_code::recalled);
    r.send(sprint_startlist(/*combined=*/true));  // a start list re-sent: still the same race
    r.status(status_code::started);
    react(r, "1", 98);
    auto fs = r.of(event_type::false_start);
    ASSERT_EQ(fs.size(), 3u);
    json_view first(fs[0].json), same_start(fs[1].json), later(fs[2].json);
    EXPECT_EQ(first.str("/outcome"), "warning");
    EXPECT_EQ(first.str("/rule"), "TR39.8.3");
    EXPECT_EQ(first.str("/text"),
              "Devon Allen (USA) false start, reaction 0.092: warning to the field (TR 39.8.3)");
    EXPECT_EQ(same_start.str("/outcome"), "warning");
    EXPECT_EQ(later.str("/outcome"), "dq");
    EXPECT_EQ(later.str("/rule"), "TR39.8.3");
    json_view s(state_of(r));
    EXPECT_EQ(s.str(athlete_path(r, "2", "status").c_str()), "OK") << "a warning is no DQ";
    EXPECT_EQ(s.str(athlete_path(r, "2", "reaction").c_str()), "<missing>") << "voided by the recall";
    EXPECT_EQ(s.str(athlete_path(r, "1", "status").c_str()), "DQ");
    EXPECT_EQ(s.boolean("/combined_event"), true);
}

TEST(SprintStart, ARecallVoidsTheReactionTimesOfTheAbortedStart) {
    // TR 16.6: after the recall the race starts again with a new gun; the
    // reaction times that count are the new start's. The athlete
    // disqualified (TR 16.8) keeps the reading that put them out and takes
    // no part in the restart.
    auto r = hurdles_race();
    react(r, "1", 140);
    react(r, "2", 99);
    r.status(status_code::recalled);
    json_view s(state_of(r));
    EXPECT_EQ(s.str(athlete_path(r, "1", "reaction").c_str()), "<missing>");
    EXPECT_EQ(s.str(athlete_path(r, "2", "reaction").c_str()), "0.099");

    auto before_gun = react(r, "1", 150);
    ASSERT_TRUE(before_gun.rejected);
    EXPECT_EQ(before_gun.rejected->reason, reject_reason::not_started);

    r.status(status_code::started);
    EXPECT_FALSE(react(r, "1", 150).rejected) << "a new reading for the new gun";
    auto dq_again = react(r, "2", 180);
    ASSERT_TRUE(dq_again.rejected);
    EXPECT_EQ(dq_again.rejected->reason, reject_reason::after_out);
    auto dq_finish = r.finish("2", 13100);
    ASSERT_TRUE(dq_finish.rejected) << "not in the restart";
    EXPECT_EQ(dq_finish.rejected->reason, reject_reason::after_out);

    r.finish("1", 13025);
    r.finish("3", 13072);
    EXPECT_EQ(json_view(r.of(event_type::race_state).back().json).str("/state"), "finished")
        << "the DQ'd athlete is out: the race finishes with the other two";
}

TEST(SprintStart, ResultsPrintEachReactionTimeAndTheFalseStartsRule) {
    // TR 16.8: the false starter is listed DQ with the rule; official
    // results print every reaction time as 0.152.
    auto r = hurdles_race();
    react(r, "1", 152);
    react(r, "2", 99);
    react(r, "3", 131);
    r.finish("1", 13025);
    r.finish("3", 13072);
    auto fin = r.of(event_type::finish);
    ASSERT_EQ(fin.size(), 2u);
    EXPECT_EQ(json_view(fin[0].json).num("/reaction_ms"), 152);
    r.status(status_code::official);
    auto results = r.of(event_type::results);
    ASSERT_EQ(results.size(), 1u);
    json_view v(results[0].json);
    EXPECT_EQ(v.str("/ranking/0/bib"), "1");
    EXPECT_EQ(v.num("/ranking/0/reaction_ms"), 152);
    EXPECT_EQ(v.str("/ranking/0/reaction"), "0.152");
    EXPECT_EQ(v.str("/ranking/1/reaction"), "0.131");
    EXPECT_EQ(v.str("/ranking/2/bib"), "2");
    EXPECT_EQ(v.str("/ranking/2/mark"), "DQ");
    EXPECT_EQ(v.str("/ranking/2/rule"), "TR16.8");
    EXPECT_EQ(v.str("/ranking/2/reaction"), "0.099");
}

TEST(SprintStart, BadReactionsAreRejectedAndChangeNothing) {
    // TR 16.6: the reading belongs to one athlete of the start list and one
    // gun; anything else is refused with a reason and changes nothing.
    auto r = hurdles_race();
    react(r, "1", 152);
    const std::string before = state_of(r);
    const std::size_t events = r.events.size();

    auto unknown = react(r, "9", 99);
    ASSERT_TRUE(unknown.rejected);
    EXPECT_EQ(unknown.rejected->reason, reject_reason::unknown_bib);
    auto second = react(r, "1", 90);
    ASSERT_TRUE(second.rejected) << "one reading per athlete and gun";
    EXPECT_EQ(second.rejected->reason, reject_reason::invalid_transition);
    EXPECT_EQ(second.rejected->detail, "bib 1 already has a reaction time for this start (0.152)");
    EXPECT_EQ(state_of(r), before);
    EXPECT_EQ(r.events.size(), events);

    r.finish("1", 13025);
    r.finish("2", 13100);
    r.finish("3", 13072);
    auto after_race = react(r, "2", 95);
    ASSERT_TRUE(after_race.rejected);
    EXPECT_EQ(after_race.rejected->reason, reject_reason::invalid_transition);
    EXPECT_TRUE(r.of(event_type::false_start).empty());

    race_driver not_yet("M110H-F");
    not_yet.send(sprint_startlist());
    auto before_gun = react(not_yet, "1", 150);
    ASSERT_TRUE(before_gun.rejected);
    EXPECT_EQ(before_gun.rejected->reason, reject_reason::not_started);
}

TEST(SprintStart, AFeedDisqualificationAndTheDerivedOneAreNeverBoth) {
    // TR 16.8: one false start, one disqualification. A DQ the feed sends
    // for the athlete the engine already put out is refused, and a
    // reading for an athlete the feed already put out is refused too.
    auto r = hurdles_race();
    react(r, "2", 99);
    auto twice = r.irm("2", irm_code::dq, "TR16.8");
    ASSERT_TRUE(twice.rejected);
    EXPECT_EQ(twice.rejected->reason, reject_reason::invalid_transition);
    EXPECT_TRUE(r.of(event_type::irm).empty());

    r.irm("3", irm_code::dq, "TR16.8");
    auto after_feed_dq = react(r, "3", 98);
    ASSERT_TRUE(after_feed_dq.rejected);
    EXPECT_EQ(after_feed_dq.rejected->reason, reject_reason::after_out);
    EXPECT_EQ(r.of(event_type::false_start).size(), 1u);

    // The officials can overrule the system (TR 16.6 Note: its evidence is a
    // resource): an OK puts the athlete back into the race.
    EXPECT_FALSE(r.irm("2", irm_code::ok).rejected);
    EXPECT_FALSE(r.finish("2", 13100).rejected);
}

TEST(SprintStart, ReactionTimesPrintAsResultsDo) {
    // TR 16.6 measures reaction times in thousandths of a second.
    EXPECT_EQ(format_reaction(99), "0.099");
    EXPECT_EQ(format_reaction(152), "0.152");
    EXPECT_EQ(format_reaction(0), "0.000");
    EXPECT_EQ(format_reaction(1020), "1.020");
    EXPECT_TRUE(is_false_start(99));
    EXPECT_FALSE(is_false_start(100));
}
