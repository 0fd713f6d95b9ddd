// A round within a session (docs/protocol.md, Rounds and qualification): a
// cancelled heat holds up its round until it is run again, the round's own
// state says why, and every qualifier gets a ticker line. Each test names
// the rule it checks: World Athletics Competition Rules CR 18.7 (the
// Referee voids a race and has it held again) and Technical Rules TR 20
// (qualification from heats). Cases are small enough to check by hand.

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
startlist_msg heat_startlist(int heat, std::string next_round = "final") {
    startlist_msg s;
    s.name = "Men's 100m Semi-Final Heat " + std::to_string(heat);
    s.distance_m = 100;
    s.round = "semifinal";
    s.heat = heat;
    s.round_id = round_id;
    s.heats = 3;
    s.qualify = qualify_rule{2, 2};
    s.next_round = std::move(next_round);
    const char* countries[] = {"USA", "JAM", "GBR", "KEN"};
    for (int k = 1; k <= 4; ++k) {
        const std::string bib = std::to_string(heat * 10 + k);
        s.athletes.push_back(runner(bib, "Runner " + bib, countries[k - 1]));
    }
    return s;
}

void run_heat(race_driver& r, int heat, const std::vector<std::pair<std::string, std::int64_t>>& finishers) {
    const std::string ev = heat_event(heat);
    ASSERT_FALSE(r.send_to(ev, status_msg{status_code::started, {}}).rejected);
    for (const auto& [bib, ms] : finishers) ASSERT_FALSE(r.send_to(ev, finish_msg{bib, ms, {}}).rejected);
    ASSERT_FALSE(r.send_to(ev, status_msg{status_code::unofficial, {}}).rejected);
}

const std::vector<std::pair<std::string, std::int64_t>> heat1 = {
    {"11", 10010}, {"12", 10100}, {"13", 10200}, {"14", 10500}};
const std::vector<std::pair<std::string, std::int64_t>> heat2 = {
    {"21", 10050}, {"22", 10060}, {"23", 10300}, {"24", 10350}};
const std::vector<std::pair<std::string, std::int64_t>> heat3 = {
    {"31", 9990}, {"32", 10400}, {"33", 10150}, {"34", 10700}};

void define_round(race_driver& r, const std::string& next_round = "final") {
    for (int h = 1; h <= 3; ++h)
        ASSERT_FALSE(r.send_to(heat_event(h), heat_startlist(h, next_round)).rejected);
}

std::string round_state(race_driver& r) {
    auto s = r.eng().snapshot_json(round_id);
    return s ? *s : "<none>";
}

}  // namespace

// TR 20 needs every heat's results; CR 18.7: a cancelled heat is held
// again. Until it is, the round has no qualifiers, and the cancellation's
// headline and the round's state say so.
TEST(RoundSession, ACancelledHeatHoldsUpTheQualifiers_TR20_CR18_7) {
    race_driver r;
    define_round(r);
    run_heat(r, 1, heat1);
    ASSERT_FALSE(r.send_to(heat_event(2), status_msg{status_code::cancelled, {}}).rejected);
    run_heat(r, 3, heat3);
    EXPECT_TRUE(r.of(event_type::qualifiers).empty()) << "no qualifiers while heat 2 is cancelled";

    const auto states = r.of(event_type::race_state);
    const auto cancelled = std::find_if(states.begin(), states.end(), [](const derived_event& e) {
        return e.event == heat_event(2) && e.json.find(R"("state":"cancelled")") != std::string::npos;
    });
    ASSERT_NE(cancelled, states.end());
    EXPECT_EQ(cancelled->text,
              "Men's 100m Semi-Final Heat 2: the event is cancelled; no qualifiers from round M100-SF "
              "until this heat is run again");

    json_view v(round_state(r));
    EXPECT_EQ(v.str("/round"), round_id);
    EXPECT_EQ(v.str("/name"), "Men's 100m Semi-Final");
    EXPECT_EQ(v.str("/qualifiers"), "waiting");
    EXPECT_EQ(v.num("/waiting_for/0/heat"), 2);
    EXPECT_EQ(v.str("/waiting_for/0/status"), "cancelled");
    EXPECT_EQ(v.str("/waiting_for/0/why"), "heat 2 was cancelled; it must be run again (a new start list)");
    EXPECT_EQ(v.str("/waiting_for/1/heat"), "<missing>") << "heats 1 and 3 have results";
}

// CR 18.7: the re-run is a new start list for the cancelled heat; once it
// has results the round's qualifiers follow (TR 20: 2 Q per heat, 2 q).
TEST(RoundSession, TheRerunHeatReleasesTheQualifiers_CR18_7_TR20) {
    race_driver r;
    define_round(r);
    run_heat(r, 1, heat1);
    ASSERT_FALSE(r.send_to(heat_event(2), status_msg{status_code::started, {}}).rejected);
    ASSERT_FALSE(r.send_to(heat_event(2), finish_msg{"21", 9000, {}}).rejected);
    ASSERT_FALSE(r.send_to(heat_event(2), status_msg{status_code::cancelled, {}}).rejected);
    run_heat(r, 3, heat3);

    const auto rerun = r.send_to(heat_event(2), heat_startlist(2));
    ASSERT_FALSE(rerun.rejected) << rerun.rejected->detail;
    ASSERT_EQ(rerun.events.size(), 1u);
    EXPECT_EQ(rerun.events[0].type, event_type::startlist);
    EXPECT_TRUE(r.of(event_type::qualifiers).empty()) << "the re-run has not been run yet";
    EXPECT_EQ(json_view(round_state(r)).str("/waiting_for/0/why"), "heat 2 has no results yet");

    run_heat(r, 2, heat2);
    const auto q = r.of(event_type::qualifiers);
    ASSERT_EQ(q.size(), 1u);
    json_view v(q[0].json);
    // Q: 11 12 | 21 22 | 31 33; q: 13 (10.200) and 23 (10.300) before 24 (10.350).
    EXPECT_EQ(v.str("/qualified/2/bib"), "21");
    EXPECT_EQ(v.num("/qualified/2/elapsed_ms"), 10050) << "the re-run's time, not the voided 9.000";
    EXPECT_EQ(v.str("/qualified/6/bib"), "13");
    EXPECT_EQ(v.str("/qualified/7/bib"), "23");
    EXPECT_EQ(json_view(round_state(r)).str("/qualifiers"), "published");
}

// A cancelled heat accepts nothing but its re-run's start list: a finish
// for the voided race changes nothing (CR 18.7: the race is void).
TEST(RoundSession, TheVoidedHeatTakesNoMoreResults_CR18_7) {
    race_driver r;
    define_round(r);
    ASSERT_FALSE(r.send_to(heat_event(1), status_msg{status_code::started, {}}).rejected);
    ASSERT_FALSE(r.send_to(heat_event(1), status_msg{status_code::cancelled, {}}).rejected);
    const auto late = r.send_to(heat_event(1), finish_msg{"11", 10010, {}});
    ASSERT_TRUE(late.rejected);
    EXPECT_EQ(late.rejected->reason, reject_reason::event_closed);
    EXPECT_TRUE(late.events.empty());
}

// Feed v1 unchanged: a cancelled race that is not a heat of a round stays
// closed; a new start list for it is refused and changes nothing.
TEST(RoundSession, ACancelledRaceOutsideARoundStaysClosed) {
    race_driver r("W100-F");
    r.startlist({runner("1", "Ann ONE", "USA")}, {}, 100);
    r.status(status_code::cancelled);
    const auto again = r.startlist({runner("2", "Bo TWO", "GBR")}, {}, 100);
    ASSERT_TRUE(again.rejected);
    EXPECT_EQ(again.rejected->reason, reject_reason::invalid_transition);
    EXPECT_EQ(again.rejected->detail, "event W100-F is cancelled: its start list can no longer change");
    EXPECT_EQ(r.eng().snapshot_json("W100-F")->find("\"bib\":\"2\""), std::string::npos);
}

// TR 20 marks in words: each qualifier has a ticker line naming how they
// went through, with the official mark (rounded up to 1/100 s).
TEST(RoundSession, EachQualifierHasATickerLine_TR20) {
    race_driver r;
    define_round(r);
    run_heat(r, 1, heat1);
    run_heat(r, 2, heat2);
    run_heat(r, 3, heat3);
    const auto q = r.of(event_type::qualifiers);
    ASSERT_EQ(q.size(), 1u);
    json_view v(q[0].json);
    EXPECT_EQ(v.str("/next_round"), "final");
    EXPECT_EQ(v.str("/qualified/0/text"), "Runner 11 (USA) through to the final, 1st in heat 1, 10.01");
    EXPECT_EQ(v.str("/qualified/5/text"), "Runner 33 (GBR) through to the final, 2nd in heat 3, 10.15");
    EXPECT_EQ(v.str("/qualified/6/text"), "Runner 13 (GBR) through to the final as a fastest loser, 10.20");
    EXPECT_EQ(v.str("/qualified/7/text"), "Runner 23 (GBR) through to the final as a fastest loser, 10.30");
}

// Without `next_round` the line says "the next round" (the round a feed
// does not name is not guessed).
TEST(RoundSession, AQualifierLineWithoutANamedNextRound_TR20) {
    race_driver r;
    define_round(r, "");
    run_heat(r, 1, heat1);
    run_heat(r, 2, heat2);
    run_heat(r, 3, heat3);
    json_view v(r.of(event_type::qualifiers).at(0).json);
    EXPECT_EQ(v.str("/next_round"), "<missing>");
    EXPECT_EQ(v.str("/qualified/6/text"),
              "Runner 13 (GBR) through to the next round as a fastest loser, 10.20");
}

// CR 18.7 after the qualifiers are out: a heat voided and run again with
// the same outcome changes nobody (no new qualifiers, TR 20), but its new
// results print the Q/q again.
TEST(RoundSession, AHeatRunAgainAfterTheQualifiersPrintsTheMarksAgain_CR18_7_TR20) {
    race_driver r;
    define_round(r);
    run_heat(r, 1, heat1);
    run_heat(r, 2, heat2);
    run_heat(r, 3, heat3);
    ASSERT_EQ(r.of(event_type::qualifiers).size(), 1u);
    ASSERT_FALSE(r.send_to(heat_event(2), status_msg{status_code::cancelled, {}}).rejected);
    ASSERT_FALSE(r.send_to(heat_event(2), heat_startlist(2)).rejected);
    run_heat(r, 2, heat2);
    EXPECT_EQ(r.of(event_type::qualifiers).size(), 1u) << "the same athletes go through";
    const derived_event* last = nullptr;
    for (const auto& e : r.events)
        if (e.type == event_type::results && e.event == heat_event(2)) last = &e;
    ASSERT_NE(last, nullptr);
    json_view v(last->json);
    EXPECT_EQ(v.str("/ranking/0/qualified"), "Q");
    EXPECT_EQ(v.str("/ranking/3/bib"), "24");
    EXPECT_EQ(v.str("/ranking/2/qualified"), "q") << "23, 10.300, through by time";
}

// CR 18.7 with another outcome: the re-run puts someone else through, and
// the qualifiers are corrected, naming who is in and who is out.
TEST(RoundSession, AHeatRunAgainWithAnotherOutcomeCorrectsTheQualifiers_CR18_7_TR20) {
    race_driver r;
    define_round(r);
    run_heat(r, 1, heat1);
    run_heat(r, 2, heat2);
    run_heat(r, 3, heat3);
    ASSERT_FALSE(r.send_to(heat_event(2), status_msg{status_code::cancelled, {}}).rejected);
    ASSERT_FALSE(r.send_to(heat_event(2), heat_startlist(2)).rejected);
    // 24 now runs 10.250: second-fastest loser after 13 (10.200); 23 out.
    run_heat(r, 2, {{"21", 10050}, {"22", 10060}, {"24", 10250}, {"23", 10300}});
    const auto q = r.of(event_type::qualifiers);
    ASSERT_EQ(q.size(), 2u);
    EXPECT_EQ(q[1].text,
              "Correction: Men's 100m Semi-Final: 8 through (6 Q, 2 q); now through: Runner 24 (KEN); "
              "no longer through: Runner 23 (GBR)");
    EXPECT_EQ(json_view(q[1].json).num("/corrects"), static_cast<std::int64_t>(q[0].seq));
}
