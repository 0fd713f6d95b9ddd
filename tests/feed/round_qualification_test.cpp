// Rounds of heats and their qualifiers (docs/protocol.md, Rounds): each test
// names the World Athletics Technical Rule (TR) it checks. Every case is
// small enough to check by hand: 3 heats of 4, times in thousandths.

#include <gtest/gtest.h>

#include "tests/feed/race_builder.hpp"

using namespace splitstream::feed;
using namespace splitstream::feed::testing;

namespace {

constexpr const char* round_id = "M100-SF";

std::string heat_event(int heat) {
    return "M100-SF-H" + std::to_string(heat);
}

// Bibs "11".."14" run heat 1, "21".."24" heat 2, "31".."34" heat 3.
std::vector<athlete_entry> field_of(int heat) {
    std::vector<athlete_entry> field;
    const char* countries[] = {"USA", "JAM", "GBR", "KEN"};
    for (int k = 1; k <= 4; ++k) {
        const std::string bib = std::to_string(heat * 10 + k);
        field.push_back(runner(bib, "Runner " + bib, countries[k - 1]));
    }
    return field;
}

startlist_msg heat_startlist(int heat, qualify_rule rule, int heats = 3,
                             std::vector<athlete_entry> field = {}) {
    startlist_msg s;
    s.name = "Men's 100m Semi-Final Heat " + std::to_string(heat);
    s.distance_m = 100;
    s.round = "semifinal";
    s.heat = heat;
    s.round_id = round_id;
    s.heats = heats;
    s.qualify = rule;
    s.athletes = field.empty() ? field_of(heat) : std::move(field);
    return s;
}

// A heat run to its unofficial results: (bib, elapsed_ms, judges' place?).
struct finisher {
    std::string bib;
    std::int64_t ms;
    std::optional<int> place = {};
};

void run_heat(race_driver& r, int heat, const std::vector<finisher>& finishers,
              status_code end = status_code::unofficial) {
    const std::string ev = heat_event(heat);
    r.send_to(ev, status_msg{status_code::started, {}});
    for (const auto& f : finishers) r.send_to(ev, finish_msg{f.bib, f.ms, f.place});
    r.send_to(ev, status_msg{end, {}});
}

// The round of the hand-checked cases: start lists for 3 heats, and
// heats 1 and 2 run. Heat 3 is left to the test.
void define_round(race_driver& r, qualify_rule rule) {
    for (int h = 1; h <= 3; ++h) ASSERT_FALSE(r.send_to(heat_event(h), heat_startlist(h, rule)).rejected);
}

const std::vector<finisher> heat1 = {{"11", 10010}, {"12", 10100}, {"13", 10200}, {"14", 10500}};
const std::vector<finisher> heat2 = {{"21", 10050}, {"22", 10060}, {"23", 10300}, {"24", 10350}};
const std::vector<finisher> heat3 = {{"31", 9990}, {"32", 10400}, {"33", 10150}, {"34", 10700}};

// "11:Q 12:Q ... 13:q": who goes through, in the event's order.
std::string through(const derived_event& e, const char* list = "/qualified") {
    json_view v(e.json);
    std::string out;
    for (int k = 0;; ++k) {
        const std::string at = std::string(list) + "/" + std::to_string(k);
        const std::string bib = v.str((at + "/bib").c_str());
        if (bib == "<missing>") break;
        if (!out.empty()) out += ' ';
        out += bib + ":" + v.str((at + "/by").c_str());
    }
    return out;
}

// The Q/q mark printed beside `bib` in the last results of `event`.
std::string mark_in_results(const race_driver& r, const std::string& event, const std::string& bib) {
    const derived_event* last = nullptr;
    for (const auto& e : r.events)
        if (e.type == event_type::results && e.event == event) last = &e;
    if (!last) return "<no results>";
    json_view v(last->json);
    for (int k = 0; k < 8; ++k) {
        const std::string at = "/ranking/" + std::to_string(k);
        if (v.str((at + "/bib").c_str()) == bib) {
            json_view row(last->json);
            const std::string q = row.str((at + "/qualified").c_str());
            return q == "<missing>" ? "" : q;
        }
    }
    return "<not ranked>";
}

}  // namespace

// TR 20 (qualification from heats): the first `by_place` of each heat (Q),
// then the fastest `by_time` of all the others (q).
TEST(RoundQualification, FirstByPlaceInEachHeatThenFastestByTime_TR20) {
    race_driver r;
    define_round(r, {2, 2});
    run_heat(r, 1, heat1);
    run_heat(r, 2, heat2);
    run_heat(r, 3, heat3);
    auto q = r.of(event_type::qualifiers);
    ASSERT_EQ(q.size(), 1u);
    EXPECT_EQ(through(q[0]), "11:Q 12:Q 21:Q 22:Q 31:Q 33:Q 13:q 23:q");
    json_view v(q[0].json);
    EXPECT_EQ(v.str("/event"), round_id);
    EXPECT_EQ(v.str("/round"), round_id);
    EXPECT_EQ(v.num("/rule/by_place"), 2);
    EXPECT_EQ(v.num("/rule/by_time"), 2);
    EXPECT_EQ(v.num("/qualified/6/heat"), 1);
    EXPECT_EQ(v.num("/qualified/6/place"), 3);
    EXPECT_EQ(v.str("/qualified/6/mark"), "10.20");
    EXPECT_EQ(v.num("/qualified/6/elapsed_ms"), 10200);
    EXPECT_EQ(v.str("/text"),
              "Men's 100m Semi-Final: 8 through (6 Q, 2 q); fastest losers: Runner 13 (GBR) 10.20, "
              "Runner 23 (GBR) 10.30");
}

// TR 20: qualifiers come from results; until every heat has them (here:
// unofficial results) the round has none.
TEST(RoundQualification, DerivedOnlyWhenEveryHeatHasResults_TR20) {
    race_driver r;
    define_round(r, {2, 2});
    run_heat(r, 1, heat1);
    run_heat(r, 2, heat2);
    EXPECT_TRUE(r.of(event_type::qualifiers).empty());
    r.send_to(heat_event(3), status_msg{status_code::started, {}});
    for (const auto& f : heat3) r.send_to(heat_event(3), finish_msg{f.bib, f.ms, {}});
    EXPECT_TRUE(r.of(event_type::qualifiers).empty()) << "heat 3 finished but has no results yet";
    r.send_to(heat_event(3), status_msg{status_code::unofficial, {}});
    EXPECT_EQ(r.of(event_type::qualifiers).size(), 1u);
}

// Official results print Q and q beside each qualifier: the heats' results
// are re-issued with them, and later results keep them.
TEST(RoundQualification, HeatResultsCarryQAndQMarks) {
    race_driver r;
    define_round(r, {2, 2});
    run_heat(r, 1, heat1);
    run_heat(r, 2, heat2);
    EXPECT_EQ(mark_in_results(r, heat_event(1), "11"), "") << "no marks before the round is complete";
    run_heat(r, 3, heat3);
    EXPECT_EQ(mark_in_results(r, heat_event(1), "11"), "Q");
    EXPECT_EQ(mark_in_results(r, heat_event(1), "12"), "Q");
    EXPECT_EQ(mark_in_results(r, heat_event(1), "13"), "q");
    EXPECT_EQ(mark_in_results(r, heat_event(1), "14"), "");
    EXPECT_EQ(mark_in_results(r, heat_event(3), "33"), "Q");
    r.send_to(heat_event(1), status_msg{status_code::official, {}});
    const auto& last = r.events.back();
    ASSERT_EQ(last.type, event_type::results);
    EXPECT_TRUE(json_view(last.json).boolean("/official"));
    EXPECT_EQ(mark_in_results(r, heat_event(1), "13"), "q");
    EXPECT_EQ(last.text,
              "Men's 100m Semi-Final Heat 1, official results: 1 Runner 11 (USA) 10.01 Q, "
              "2 Runner 12 (JAM) 10.10 Q, 3 Runner 13 (GBR) 10.20 q");
    EXPECT_EQ(r.of(event_type::qualifiers).size(), 1u) << "official results changed nobody's place";
}

// TR 21 with TR 19: places by time compare the photo-finish times to the
// thousandth, not the printed marks: 10.201 and 10.209 both print 10.21.
TEST(RoundQualification, TimesCompareInThousandthsNotPrintedMarks_TR21) {
    race_driver r;
    define_round(r, {2, 1});
    run_heat(r, 1, {{"11", 10010}, {"12", 10100}, {"13", 10209}, {"14", 10500}});
    run_heat(r, 2, {{"21", 10050}, {"22", 10060}, {"23", 10201}, {"24", 10350}});
    run_heat(r, 3, heat3);
    auto q = r.of(event_type::qualifiers);
    ASSERT_EQ(q.size(), 1u);
    EXPECT_EQ(through(q[0]), "11:Q 12:Q 21:Q 22:Q 31:Q 33:Q 23:q");
    EXPECT_EQ(json_view(q[0].json).str("/qualified/6/mark"), "10.21");
}

// TR 21: equal to the thousandth for the last place by time. The tied go
// through if practicable, else lots are drawn: the engine cannot judge
// either, so it names them and puts nobody through in their place.
TEST(RoundQualification, TieAtTheThousandthForTheLastPlaceIsNamedNotGuessed_TR21) {
    race_driver r;
    define_round(r, {2, 1});
    run_heat(r, 1, {{"11", 10010}, {"12", 10100}, {"13", 10205}, {"14", 10500}});
    run_heat(r, 2, {{"21", 10050}, {"22", 10060}, {"23", 10205}, {"24", 10350}});
    run_heat(r, 3, heat3);
    auto q = r.of(event_type::qualifiers);
    ASSERT_EQ(q.size(), 1u);
    EXPECT_EQ(through(q[0]), "11:Q 12:Q 21:Q 22:Q 31:Q 33:Q");
    EXPECT_EQ(through(q[0], "/tied"), "13:q 23:q");
    json_view v(q[0].json);
    EXPECT_EQ(v.num("/tied_places"), 1);
    EXPECT_EQ(v.str("/text"),
              "Men's 100m Semi-Final: 6 through (6 Q, 0 q); tie for 1 place by time between Runner 13 (GBR) "
              "and Runner 23 (GBR): all through if practicable, else lots to be drawn");
    EXPECT_EQ(mark_in_results(r, heat_event(1), "13"), "") << "no mark until the officials decide";
}

// TR 21: a tie that fits in the places left is no tie for qualification.
TEST(RoundQualification, TiedAthletesWhoAllFitGoThrough_TR21) {
    race_driver r;
    define_round(r, {2, 2});
    run_heat(r, 1, {{"11", 10010}, {"12", 10100}, {"13", 10205}, {"14", 10500}});
    run_heat(r, 2, {{"21", 10050}, {"22", 10060}, {"23", 10205}, {"24", 10350}});
    run_heat(r, 3, heat3);
    auto q = r.of(event_type::qualifiers);
    ASSERT_EQ(q.size(), 1u);
    EXPECT_EQ(through(q[0]), "11:Q 12:Q 21:Q 22:Q 31:Q 33:Q 13:q 23:q");
    EXPECT_EQ(through(q[0], "/tied"), "");
}

// TR 21: equal thousandths at the last place by place are separated by the
// judges' reading of the photo finish when there is one (the place in the
// heat, PROTOCOL.md §3); the one placed after is a candidate by time.
TEST(RoundQualification, JudgesPlaceSeparatesEqualTimesForTheLastQ_TR21) {
    race_driver r;
    define_round(r, {2, 2});
    run_heat(r, 1, {{"11", 10010}, {"12", 10100, 3}, {"13", 10100, 2}, {"14", 10500}});
    run_heat(r, 2, heat2);
    run_heat(r, 3, heat3);
    auto q = r.of(event_type::qualifiers);
    ASSERT_EQ(q.size(), 1u);
    EXPECT_EQ(through(q[0]), "11:Q 13:Q 21:Q 22:Q 31:Q 33:Q 12:q 23:q");
}

// TR 21: a dead heat the judges cannot separate for the last place by
// place: both share the place; through if practicable, else lots.
TEST(RoundQualification, DeadHeatForTheLastQIsATie_TR21) {
    race_driver r;
    define_round(r, {2, 2});
    run_heat(r, 1, {{"11", 10010}, {"12", 10100}, {"13", 10100}, {"14", 10500}});
    run_heat(r, 2, heat2);
    run_heat(r, 3, heat3);
    auto q = r.of(event_type::qualifiers);
    ASSERT_EQ(q.size(), 1u);
    EXPECT_EQ(through(q[0]), "11:Q 21:Q 22:Q 31:Q 33:Q 23:q 24:q");
    EXPECT_EQ(through(q[0], "/tied"), "12:Q 13:Q");
    EXPECT_NE(json_view(q[0].json).str("/text").find("tie for 1 place by place between Runner 12 (JAM) and "
                                                     "Runner 13 (GBR)"),
              std::string::npos);
}

// An athlete who did not finish, or was disqualified, has no place and no
// time: never through, whatever the rule.
TEST(RoundQualification, AthletesOutOfTheRaceNeverGoThrough_TR20) {
    race_driver r;
    define_round(r, {2, 2});
    run_heat(r, 1, heat1);
    run_heat(r, 2, heat2);
    const std::string h3 = heat_event(3);
    r.send_to(h3, irm_msg{"32", irm_code::dns, {}, {}, {}});
    r.send_to(h3, status_msg{status_code::started, {}});
    r.send_to(h3, finish_msg{"31", 9990, {}});
    r.send_to(h3, irm_msg{"33", irm_code::dnf, {}, {}, 60});
    r.send_to(h3, irm_msg{"34", irm_code::dnf, {}, {}, 40});
    r.send_to(h3, status_msg{status_code::unofficial, {}});
    auto q = r.of(event_type::qualifiers);
    ASSERT_EQ(q.size(), 1u);
    EXPECT_EQ(through(q[0]), "11:Q 12:Q 21:Q 22:Q 31:Q 13:q 23:q");
}

// A disqualification after the qualifiers changes who goes through: the
// qualifiers again, as a correction naming the one they replace, and the
// heats' results with their new marks. The appeal upheld puts it back.
TEST(RoundQualification, DisqualificationRederivesTheQualifiersAsACorrection_TR20) {
    race_driver r;
    define_round(r, {2, 2});
    run_heat(r, 1, heat1);
    run_heat(r, 2, heat2);
    run_heat(r, 3, heat3);
    const std::uint64_t first = r.of(event_type::qualifiers)[0].seq;
    r.send_to(heat_event(1), irm_msg{"12", irm_code::dq, "TR16.8", {}, {}});
    auto q = r.of(event_type::qualifiers);
    ASSERT_EQ(q.size(), 2u);
    EXPECT_EQ(through(q[1]), "11:Q 13:Q 21:Q 22:Q 31:Q 33:Q 23:q 24:q");
    json_view v(q[1].json);
    EXPECT_EQ(v.num("/corrects"), static_cast<std::int64_t>(first));
    EXPECT_EQ(v.str("/text"),
              "Correction: Men's 100m Semi-Final: 8 through (6 Q, 2 q); now through: Runner 24 (KEN); "
              "no longer through: Runner 12 (JAM)");
    EXPECT_EQ(mark_in_results(r, heat_event(1), "13"), "Q");
    EXPECT_EQ(mark_in_results(r, heat_event(2), "24"), "q");

    r.send_to(heat_event(1), irm_msg{"12", irm_code::ok, {}, {}, {}});
    q = r.of(event_type::qualifiers);
    ASSERT_EQ(q.size(), 3u);
    EXPECT_EQ(through(q[2]), "11:Q 12:Q 21:Q 22:Q 31:Q 33:Q 13:q 23:q");
    EXPECT_EQ(json_view(q[2].json).num("/corrects"), static_cast<std::int64_t>(q[1].seq));
    EXPECT_EQ(mark_in_results(r, heat_event(2), "24"), "");
}

// A correction that changes nobody's qualification is no news for the round.
TEST(RoundQualification, ACorrectionThatChangesNobodyIsNotRepublished) {
    race_driver r;
    define_round(r, {2, 2});
    run_heat(r, 1, heat1);
    run_heat(r, 2, heat2);
    run_heat(r, 3, heat3);
    const std::size_t corrections = r.of(event_type::correction).size();
    r.send_to(heat_event(3), finish_msg{"34", 10650, {}});
    EXPECT_EQ(r.of(event_type::qualifiers).size(), 1u);
    EXPECT_EQ(r.of(event_type::correction).size(), corrections + 1)
        << "the heat's own correction is still published";
}

// A feed v1 race (no round) neither gets qualifiers nor prints marks.
TEST(RoundQualification, ARaceOutsideARoundIsUnchanged) {
    race_driver r("M100-F");
    r.start(field_of(1), {}, 100);
    for (const auto& f : heat1) r.finish(f.bib, f.ms);
    r.status(status_code::official);
    EXPECT_TRUE(r.of(event_type::qualifiers).empty());
    EXPECT_EQ(r.events.back().json.find("qualified"), std::string::npos);
    EXPECT_EQ(r.of(event_type::startlist)[0].json.find("round_id"), std::string::npos);
}

// ---- start lists a round refuses -------------------------------------------

namespace {

// The start list's refusal, after which nothing has changed: no event was
// made, and the round still takes its right start list.
rejection refused(race_driver& r, int heat, const startlist_msg& bad) {
    const std::size_t before = r.events.size();
    auto result = r.send_to(heat_event(heat), bad);
    EXPECT_EQ(r.events.size(), before) << "a refused start list makes no event";
    EXPECT_TRUE(result.rejected.has_value());
    return result.rejected.value_or(rejection{reject_reason::invalid_json, "accepted"});
}

}  // namespace

// TR 20: the places to fill (by place in every heat, plus by time) cannot
// outnumber the athletes of the round.
TEST(RoundStartList, RuleThatCannotBeMetIsRefused_TR20) {
    race_driver r;
    ASSERT_FALSE(r.send_to(heat_event(1), heat_startlist(1, {3, 4})).rejected);
    ASSERT_FALSE(r.send_to(heat_event(2), heat_startlist(2, {3, 4})).rejected);
    auto why = refused(r, 3, heat_startlist(3, {3, 4}));
    EXPECT_EQ(why.reason, reject_reason::bad_value);
    EXPECT_EQ(why.detail,
              "round M100-SF: the rule cannot be met: 3 by place in each of 3 heats and 4 by time need 13 "
              "athletes, the round has 12");
    EXPECT_EQ(r.eng().snapshot_json(heat_event(3)), std::nullopt) << "heat 3 was not defined";
}

TEST(RoundStartList, NegativeOrEmptyRuleIsRefused) {
    race_driver r;
    auto negative = refused(r, 1, heat_startlist(1, {-1, 3}));
    EXPECT_EQ(negative.reason, reject_reason::bad_value);
    EXPECT_EQ(negative.detail,
              "round M100-SF: qualification rule -1 by place, 3 by time sends nobody through");
    EXPECT_EQ(refused(r, 1, heat_startlist(1, {0, 0})).reason, reject_reason::bad_value);
    EXPECT_FALSE(r.send_to(heat_event(1), heat_startlist(1, {2, 2})).rejected);
}

TEST(RoundStartList, HeatsOfOneRoundMustAgree) {
    race_driver r;
    ASSERT_FALSE(r.send_to(heat_event(1), heat_startlist(1, {2, 2})).rejected);
    auto heats = refused(r, 2, heat_startlist(2, {2, 2}, 4));
    EXPECT_EQ(heats.reason, reject_reason::bad_value);
    EXPECT_EQ(heats.detail, "round M100-SF has 3 heats; this start list says 4");
    auto rule = refused(r, 2, heat_startlist(2, {3, 2}));
    EXPECT_EQ(rule.detail, "round M100-SF qualifies 2 by place and 2 by time; this start list says 3 and 2");
    auto twice = refused(r, 2, heat_startlist(1, {2, 2}));
    EXPECT_EQ(twice.detail, "round M100-SF: heat 1 is already event M100-SF-H1");
    auto beyond = refused(r, 2, heat_startlist(5, {2, 2}));
    EXPECT_EQ(beyond.detail, "round M100-SF: heat 5 of 3 heats does not exist");
    startlist_msg no_heats = heat_startlist(2, {2, 2});
    no_heats.heats.reset();
    EXPECT_EQ(refused(r, 2, no_heats).reason, reject_reason::missing_field);
    EXPECT_FALSE(r.send_to(heat_event(2), heat_startlist(2, {2, 2})).rejected)
        << "the right one still goes in";
}

TEST(RoundStartList, AHeatCannotLeaveItsRound) {
    race_driver r;
    ASSERT_FALSE(r.send_to(heat_event(1), heat_startlist(1, {2, 2})).rejected);
    startlist_msg alone = heat_startlist(1, {2, 2});
    alone.round_id.clear();
    EXPECT_EQ(refused(r, 1, alone).reason, reject_reason::invalid_transition);
    startlist_msg other = heat_startlist(1, {2, 2});
    other.round_id = "M200-SF";
    EXPECT_EQ(refused(r, 1, other).detail, "event M100-SF-H1 is a heat of round M100-SF, not of M200-SF");
}

// A late-joining subscriber reads the same from the state: the heat's round
// and the Q/q in its results.
TEST(RoundQualification, TheStateNamesTheRoundAndPrintsTheMarks) {
    race_driver r;
    define_round(r, {2, 2});
    run_heat(r, 1, heat1);
    run_heat(r, 2, heat2);
    run_heat(r, 3, heat3);
    const auto state = r.eng().snapshot_json(heat_event(1));
    ASSERT_TRUE(state);
    EXPECT_NE(state->find(R"("heat":1,"round_id":"M100-SF")"), std::string::npos) << *state;
    EXPECT_NE(state->find(R"("bib":"13")"), std::string::npos);
    EXPECT_NE(state->find(R"("qualified":"q")"), std::string::npos) << *state;
    EXPECT_NE(r.eng().events_json().find(R"("round_id":"M100-SF")"), std::string::npos);
}

// TR 21, both kinds at once: a dead heat for the last place by place and
// equal thousandths for the last place by time are two ties, each named.
TEST(RoundQualification, ATieByPlaceAndATieByTimeAreNamedApart_TR21) {
    race_driver r;
    define_round(r, {2, 1});
    run_heat(r, 1, {{"11", 10010}, {"12", 10100}, {"13", 10100}, {"14", 10500}});
    run_heat(r, 2, heat2);
    run_heat(r, 3, {{"31", 9990}, {"32", 10300}, {"33", 10150}, {"34", 10700}});
    auto q = r.of(event_type::qualifiers);
    ASSERT_EQ(q.size(), 1u);
    EXPECT_EQ(through(q[0]), "11:Q 21:Q 22:Q 31:Q 33:Q");
    EXPECT_EQ(through(q[0], "/tied"), "12:Q 13:Q 23:q 32:q");
    json_view v(q[0].json);
    EXPECT_EQ(v.num("/tied_places"), 2);
    EXPECT_EQ(
        v.str("/text"),
        "Men's 100m Semi-Final: 5 through (5 Q, 0 q); tie for 1 place by place between Runner 12 (JAM) and "
        "Runner 13 (GBR): all through if practicable, else lots to be drawn; tie for 1 place by time "
        "between Runner 23 (GBR) and Runner 32 (JAM): all through if practicable, else lots to be drawn");
}
