// Race walking (docs/protocol.md, Race walking): judges' red cards and
// cautions, the Penalty Zone and the Chief Judge's disqualification. Each
// test names the World Athletics Technical Rule (TR 54, Book C2.1) it
// checks; every case is small enough to check by hand.

#include <gtest/gtest.h>

#include "feed/walk_rules.hpp"
#include "tests/feed/race_builder.hpp"

using namespace splitstream::feed;
using namespace splitstream::feed::testing;

namespace {

constexpr const char* walk_event = "M20KW-F";

std::vector<judge_entry> eight_judges() {
    std::vector<judge_entry> judges;
    for (int j = 1; j <= 8; ++j) judges.push_back({std::to_string(j), "Judge " + std::to_string(j), "HUN"});
    return judges;
}

// A 20 km road walk under way: three walkers, eight judges.
void start_walk(race_driver& r, bool penalty_zone = true, std::int64_t distance = 20'000) {
    startlist_msg s;
    s.name = "Men's 20 Kilometres Race Walk Final";
    s.distance_m = distance;
    s.course = venue::road;
    s.round = "final";
    s.athletes = {runner("101", "Perseus KARLSTROM", "SWE"), runner("102", "Alvaro MARTIN", "ESP"),
                  runner("103", "Caio BONFIM", "BRA")};
    s.judges = eight_judges();
    s.penalty_zone = penalty_zone;
    r.send(s);
    r.status(status_code::started);
}

apply_result red(race_driver& r, const std::string& bib, const std::string& judge,
                 walk_offence o = walk_offence::bent_knee) {
    return r.send(card_msg{bib, judge, o, card_kind::red});
}

std::string state_of(race_driver& r) {
    return *r.eng().snapshot_json(walk_event);
}

}  // namespace

// TR 54.7.1: a red card reaches the Chief Judge and counts towards the
// walker's total; the headline names the offence (TR 54.2) and the judge.
TEST(RaceWalk, RedCardIsAnnouncedWithTheWalkersCount) {
    race_driver r(walk_event);
    start_walk(r);
    ASSERT_FALSE(red(r, "101", "5", walk_offence::loss_of_contact).rejected);
    auto second = red(r, "101", "3");
    ASSERT_FALSE(second.rejected);
    ASSERT_EQ(second.events.size(), 1u);
    EXPECT_EQ(second.events[0].type, event_type::card);
    EXPECT_EQ(second.events[0].text,
              "Perseus Karlstrom (SWE) receives a red card (bent knee) from judge 3: 2 cards");
    json_view v(second.events[0].json);
    EXPECT_EQ(v.str("/bib"), "101");
    EXPECT_EQ(v.str("/judge"), "3");
    EXPECT_EQ(v.str("/offence"), ">");
    EXPECT_EQ(v.str("/kind"), "red");
    EXPECT_EQ(v.num("/red_cards"), 2);

    json_view state(state_of(r));
    EXPECT_EQ(state.num("/athletes/0/red_cards"), 2) << "the walker's cards are in the state";
    EXPECT_EQ(state.str("/athletes/0/cards/0/offence"), "~");
    EXPECT_EQ(state.str("/athletes/0/cards/1/judge"), "3");
}

// TR 54.7.3: where the Penalty Zone rule applies, the third red card sends
// the walker to the Penalty Zone, for 2 minutes in a 20 km race.
TEST(RaceWalk, ThirdRedCardSendsTheWalkerToThePenaltyZone) {
    race_driver r(walk_event);
    start_walk(r);
    red(r, "102", "1");
    red(r, "102", "2");
    auto third = red(r, "102", "4");
    ASSERT_EQ(third.events.size(), 2u);
    EXPECT_EQ(third.events[1].type, event_type::penalty_zone);
    EXPECT_EQ(third.events[1].text,
              "Alvaro Martin (ESP) must enter the Penalty Zone for 2:00 after 3 red cards (TR 54.7.3)");
    json_view v(third.events[1].json);
    EXPECT_EQ(v.str("/state"), "due");
    EXPECT_EQ(v.num("/penalty_ms"), 120'000);

    auto enter = r.send(penalty_zone_msg{"102", penalty_action::enter, 3'000'000});
    ASSERT_FALSE(enter.rejected);
    EXPECT_EQ(enter.events.at(0).text, "Alvaro Martin (ESP) enters the Penalty Zone for 2:00");
    auto leave = r.send(penalty_zone_msg{"102", penalty_action::leave, 3'120'000});
    ASSERT_FALSE(leave.rejected);
    EXPECT_EQ(leave.events.at(0).text, "Alvaro Martin (ESP) leaves the Penalty Zone after 2:00");
    json_view state(state_of(r));
    EXPECT_EQ(state.str("/athletes/1/status"), "OK") << "the Penalty Zone does not take the walker out";
}

// TR 54.7.3: the walker stays in the Penalty Zone for the whole time; a
// leave before it is refused and the walker is still in.
TEST(RaceWalk, LeavingThePenaltyZoneEarlyIsRefused) {
    race_driver r(walk_event);
    start_walk(r);
    for (const char* j : {"1", "2", "3"}) red(r, "103", j);
    r.send(penalty_zone_msg{"103", penalty_action::enter, 3'000'000});
    const std::string before = state_of(r);
    auto early = r.send(penalty_zone_msg{"103", penalty_action::leave, 3'090'000});
    ASSERT_TRUE(early.rejected);
    EXPECT_EQ(early.rejected->reason, reject_reason::bad_value);
    EXPECT_EQ(early.rejected->detail, "bib 103 leaves the Penalty Zone after 1:30 of its 2:00 (TR 54.7.3)");
    EXPECT_TRUE(early.events.empty());
    EXPECT_EQ(state_of(r), before);
}

// TR 54.7.3: a walker stays in the Penalty Zone for the time; a split or
// a finish while there is refused and changes nothing.
TEST(RaceWalk, NoSplitOrFinishFromThePenaltyZone) {
    race_driver r(walk_event);
    start_walk(r);
    for (const char* j : {"1", "2", "3"}) red(r, "103", j);
    r.send(penalty_zone_msg{"103", penalty_action::enter, 3'000'000});
    const std::string before = state_of(r);
    auto split = r.split("103", 13'000, 3'060'000);
    ASSERT_TRUE(split.rejected);
    EXPECT_EQ(split.rejected->reason, reject_reason::invalid_transition);
    EXPECT_EQ(split.rejected->detail, "split for bib 103 in the Penalty Zone");
    auto finish = r.finish("103", 3'100'000);
    ASSERT_TRUE(finish.rejected);
    EXPECT_EQ(finish.rejected->detail, "finish of bib 103 in the Penalty Zone");
    EXPECT_EQ(state_of(r), before);
    r.send(penalty_zone_msg{"103", penalty_action::leave, 3'120'000});
    EXPECT_FALSE(r.split("103", 13'000, 3'200'000).rejected) << "out of the zone, on the course again";
}

// TR 54.7.3: only a walker with three red cards owes Penalty Zone time.
TEST(RaceWalk, EnteringThePenaltyZoneWithoutThreeCardsIsRefused) {
    race_driver r(walk_event);
    start_walk(r);
    red(r, "101", "1");
    auto enter = r.send(penalty_zone_msg{"101", penalty_action::enter, 3'000'000});
    ASSERT_TRUE(enter.rejected);
    EXPECT_EQ(enter.rejected->reason, reject_reason::invalid_transition);
    EXPECT_TRUE(enter.events.empty());
}

// TR 54.7.3: the Penalty Zone time grows with the race distance.
TEST(RaceWalk, PenaltyZoneTimeFollowsTheRaceDistance) {
    EXPECT_EQ(walk_rules::penalty_time_ms(5'000), 30'000);
    EXPECT_EQ(walk_rules::penalty_time_ms(10'000), 60'000);
    EXPECT_EQ(walk_rules::penalty_time_ms(20'000), 120'000);
    EXPECT_EQ(walk_rules::penalty_time_ms(30'000), 180'000);
    EXPECT_EQ(walk_rules::penalty_time_ms(35'000), 210'000);
    EXPECT_EQ(walk_rules::penalty_time_ms(50'000), 300'000);

    race_driver r(walk_event);
    start_walk(r, true, 35'000);
    for (const char* j : {"1", "2", "3"}) red(r, "101", j);
    auto due = r.of(event_type::penalty_zone);
    ASSERT_EQ(due.size(), 1u);
    EXPECT_EQ(json_view(due[0].json).num("/penalty_ms"), 210'000);
    EXPECT_NE(due[0].text.find("for 3:30"), std::string::npos) << due[0].text;
}

// TR 54.7.3: with the Penalty Zone rule, the fourth red card disqualifies;
// the walker leaves the running order and the results list DQ with the rule.
TEST(RaceWalk, FourthRedCardDisqualifiesWithThePenaltyZoneRule) {
    race_driver r(walk_event);
    start_walk(r);
    r.split("101", 1000, 240'000);
    r.split("102", 1000, 241'000);
    for (const char* j : {"1", "2", "3"}) red(r, "101", j);
    auto fourth = red(r, "101", "7", walk_offence::loss_of_contact);
    ASSERT_FALSE(fourth.rejected);
    ASSERT_GE(fourth.events.size(), 2u);
    EXPECT_EQ(fourth.events[0].type, event_type::card);
    EXPECT_EQ(fourth.events[1].type, event_type::irm);
    EXPECT_EQ(fourth.events[1].text,
              "Perseus Karlstrom (SWE) disqualified by the Chief Judge after 4 red cards (TR 54.7.3)");
    json_view irm(fourth.events[1].json);
    EXPECT_EQ(irm.str("/code"), "DQ");
    EXPECT_EQ(irm.str("/rule"), "TR 54.7.3");

    json_view state(state_of(r));
    EXPECT_EQ(state.str("/athletes/0/bib"), "102") << "the DQ'd walker no longer leads";
    EXPECT_EQ(state.str("/athletes/2/bib"), "101");
    EXPECT_EQ(state.str("/athletes/2/status"), "DQ");

    r.finish("102", 4'660'000);
    r.finish("103", 4'670'000);
    auto results = r.status(status_code::official);
    json_view res(results.events.back().json);
    EXPECT_EQ(res.str("/ranking/0/bib"), "102");
    EXPECT_EQ(res.num("/ranking/0/place"), 1);
    EXPECT_EQ(res.str("/ranking/2/bib"), "101");
    EXPECT_EQ(res.str("/ranking/2/mark"), "DQ");
    EXPECT_EQ(res.str("/ranking/2/rule"), "TR 54.7.3");
}

// TR 54.7.1: without the Penalty Zone rule, three red cards from three
// judges disqualify, and there is no Penalty Zone.
TEST(RaceWalk, ThirdRedCardDisqualifiesWithoutThePenaltyZoneRule) {
    race_driver r(walk_event);
    start_walk(r, /*penalty_zone=*/false);
    red(r, "103", "1");
    red(r, "103", "2");
    auto third = red(r, "103", "3");
    ASSERT_GE(third.events.size(), 2u);
    EXPECT_EQ(third.events[1].type, event_type::irm);
    EXPECT_EQ(third.events[1].text,
              "Caio Bonfim (BRA) disqualified by the Chief Judge after 3 red cards (TR 54.7.1)");
    EXPECT_TRUE(r.of(event_type::penalty_zone).empty());
}

// TR 54.7.1: only one red card from each judge counts for a walker; a
// second is refused and changes nothing.
TEST(RaceWalk, SecondRedCardFromTheSameJudgeIsRefused) {
    race_driver r(walk_event);
    start_walk(r);
    red(r, "101", "3");
    const std::string before = state_of(r);
    auto again = red(r, "101", "3", walk_offence::loss_of_contact);
    ASSERT_TRUE(again.rejected);
    EXPECT_EQ(again.rejected->reason, reject_reason::invalid_transition);
    EXPECT_EQ(again.rejected->detail,
              "judge 3 already gave bib 101 a red card: one per judge counts (TR 54.7.1)");
    EXPECT_TRUE(again.events.empty());
    EXPECT_EQ(state_of(r), before);
}

// TR 54.3: the judges are appointed before the race; a card from a judge
// the start list does not name is refused and changes nothing.
TEST(RaceWalk, CardFromAnUnknownJudgeIsRefused) {
    race_driver r(walk_event);
    start_walk(r);
    const std::string before = state_of(r);
    auto card = red(r, "101", "9");
    ASSERT_TRUE(card.rejected);
    EXPECT_EQ(card.rejected->reason, reject_reason::bad_value);
    EXPECT_EQ(card.rejected->detail, "judge 9 is not a judge of M20KW-F");
    EXPECT_EQ(state_of(r), before);
}

// TR 54.7.1: red cards judge the progression during the race; a card that
// comes after the walker's finish is refused and changes nothing.
TEST(RaceWalk, CardAfterTheFinishIsRefused) {
    race_driver r(walk_event);
    start_walk(r);
    r.finish("102", 4'660'000);
    const std::string before = state_of(r);
    auto card = red(r, "102", "1");
    ASSERT_TRUE(card.rejected);
    EXPECT_EQ(card.rejected->reason, reject_reason::already_finished);
    EXPECT_EQ(card.rejected->detail, "card for bib 102 after the athlete's finish");
    EXPECT_EQ(state_of(r), before);
}

// TR 54.7.1: a card names a walker of the race; an unknown bib is refused.
TEST(RaceWalk, CardForAnUnknownBibIsRefused) {
    race_driver r(walk_event);
    start_walk(r);
    const std::string before = state_of(r);
    auto card = red(r, "999", "1");
    ASSERT_TRUE(card.rejected);
    EXPECT_EQ(card.rejected->reason, reject_reason::unknown_bib);
    EXPECT_EQ(state_of(r), before);
}

// TR 54.7.1: a card before the gun has no race to judge.
TEST(RaceWalk, CardBeforeTheStartIsRefused) {
    race_driver r(walk_event);
    startlist_msg s;
    s.name = "Men's 20 Kilometres Race Walk Final";
    s.distance_m = 20'000;
    s.course = venue::road;
    s.athletes = {runner("101", "Perseus KARLSTROM", "SWE")};
    s.judges = eight_judges();
    r.send(s);
    auto card = red(r, "101", "1");
    ASSERT_TRUE(card.rejected);
    EXPECT_EQ(card.rejected->reason, reject_reason::not_started);
}

// TR 54.5: a caution (yellow paddle) is shown but has no effect on the
// walker; a judge cautions a walker once per offence.
TEST(RaceWalk, CautionsAreShownWithoutEffect) {
    race_driver r(walk_event);
    start_walk(r);
    auto caution = r.send(card_msg{"101", "2", walk_offence::loss_of_contact, card_kind::yellow});
    ASSERT_FALSE(caution.rejected);
    EXPECT_EQ(caution.events.at(0).text, "Perseus Karlstrom (SWE) is cautioned by judge 2 (loss of contact)");
    EXPECT_EQ(json_view(caution.events[0].json).num("/red_cards"), 0);
    ASSERT_FALSE(r.send(card_msg{"101", "2", walk_offence::bent_knee, card_kind::yellow}).rejected)
        << "the other offence may be cautioned too";
    auto again = r.send(card_msg{"101", "2", walk_offence::loss_of_contact, card_kind::yellow});
    ASSERT_TRUE(again.rejected);
    EXPECT_EQ(again.rejected->reason, reject_reason::invalid_transition);
    for (const char* j : {"3", "4", "5"})
        r.send(card_msg{"101", j, walk_offence::bent_knee, card_kind::yellow});
    EXPECT_TRUE(r.of(event_type::penalty_zone).empty()) << "cautions never send to the Penalty Zone";
    EXPECT_TRUE(r.of(event_type::irm).empty()) << "nor disqualify";
}

// A race without judges is not judged as a walk: the start list publishes
// no judges (feed v1 unchanged) and a card is refused.
TEST(RaceWalk, RaceWithoutJudgesRefusesCards) {
    race_driver r(walk_event);
    r.start({runner("101", "Perseus KARLSTROM", "SWE")}, {}, 20'000, venue::road);
    EXPECT_EQ(r.events.front().json.find("judges"), std::string::npos);
    auto card = red(r, "101", "1");
    ASSERT_TRUE(card.rejected);
    EXPECT_EQ(card.rejected->detail, "event M20KW-F names no race walking judges");
}
