// Relays (docs/protocol.md, Relays): a start list entry with `runners` is a
// team of four, one runner per leg (World Athletics TR 24). Each test
// names the rule it checks. The times are the men's 4x400 m final of the
// Paris 2024 Olympic Games where the official splits give them, so each
// leg time can be checked by hand: USA 44.45 + 43.26 + 43.54 + 43.18.

#include <gtest/gtest.h>

#include "tests/feed/race_builder.hpp"

using namespace splitstream::feed;
using namespace splitstream::feed::testing;

namespace {

athlete_entry team(std::string bib, std::string name, std::string country, std::vector<std::string> runners) {
    athlete_entry t = runner(std::move(bib), std::move(name), std::move(country));
    int leg = 0;
    for (auto& r : runners) t.runners.push_back(relay_runner{++leg, std::move(r), {}});
    return t;
}

athlete_entry usa() {
    return team("USA", "United States", "USA",
                {"Christopher BAILEY", "Vernon NORWOOD", "Bryce DEADMON", "Rai BENJAMIN"});
}
athlete_entry bot() {
    return team("BOT", "Botswana", "BOT",
                {"Bayapo NDORI", "Busang Collen KEBINATSHIPI", "Anthony PESELA", "Letsile TEBOGO"});
}
athlete_entry gbr() {
    return team("GBR", "Great Britain & N.I.", "GBR",
                {"Alex HAYDOCK-WILSON", "Matthew HUDSON-SMITH", "Lewis DAVEY", "Charlie DOBSON"});
}

startlist_msg relay_startlist(std::vector<athlete_entry> teams, std::vector<record_entry> records = {}) {
    startlist_msg s;
    s.name = "Men's 4x400m Relay Final";
    s.distance_m = 1600;
    s.round = "final";
    s.timing_points_m = {400, 800, 1200};
    s.athletes = std::move(teams);
    s.records = std::move(records);
    return s;
}

void start_relay(race_driver& r, std::vector<athlete_entry> teams, std::vector<record_entry> records = {}) {
    r.send(relay_startlist(std::move(teams), std::move(records)));
    r.status(status_code::started);
}

std::string state_of(race_driver& r) {
    return r.eng().snapshot_json("M1500-F").value_or("<no event>");
}

}  // namespace

// TR 24: a team is four athletes, each running one leg.
TEST(Relay, TR24_TeamOfThreeRunnersIsRejectedAndDefinesNothing) {
    race_driver r;
    auto three = usa();
    three.runners.pop_back();
    const auto res = r.send(relay_startlist({three, bot()}));
    ASSERT_TRUE(res.rejected);
    EXPECT_EQ(res.rejected->reason, reject_reason::bad_value);
    EXPECT_EQ(res.rejected->detail,
              "relay team USA has 3 runners: a team is 4 athletes, one for each leg (TR 24)");
    EXPECT_TRUE(res.events.empty());
    EXPECT_FALSE(r.eng().snapshot_json("M1500-F")) << "no event was defined";
}

// TR 24: five named runners is not a team of four either.
TEST(Relay, TR24_TeamOfFiveRunnersIsRejected) {
    race_driver r;
    auto five = bot();
    five.runners.push_back(relay_runner{4, "Leungo SCOTCH", {}});
    const auto res = r.send(relay_startlist({usa(), five}));
    ASSERT_TRUE(res.rejected);
    EXPECT_EQ(res.rejected->reason, reject_reason::bad_value);
    EXPECT_EQ(res.rejected->detail,
              "relay team BOT has 5 runners: a team is 4 athletes, one for each leg (TR 24)");
}

// TR 24: each athlete runs one leg; a leg named twice leaves another
// without a runner.
TEST(Relay, TR24_RepeatedLegIsRejected) {
    race_driver r;
    auto repeated = gbr();
    repeated.runners[3].leg = 3;
    const auto res = r.send(relay_startlist({usa(), repeated}));
    ASSERT_TRUE(res.rejected);
    EXPECT_EQ(res.rejected->reason, reject_reason::bad_value);
    EXPECT_EQ(res.rejected->detail,
              "relay team GBR names two runners for leg 3: each athlete runs one leg (TR 24)");
}

// TR 24: in a relay every entry is a team of four; an entry without
// runners beside teams is refused, not taken for an athlete.
TEST(Relay, TR24_EntryWithoutRunnersAmongTeamsIsRejected) {
    race_driver r;
    const auto res = r.send(relay_startlist({usa(), runner("JAM", "Jamaica", "JAM")}));
    ASSERT_TRUE(res.rejected);
    EXPECT_EQ(res.rejected->reason, reject_reason::bad_value);
    EXPECT_EQ(res.rejected->detail,
              "relay team JAM has 0 runners: a team is 4 athletes, one for each leg (TR 24)");
}

// TR 24: the four legs are equal; a 4x100 m changes at 100, 200 and 300 m,
// and a distance that does not split into four legs is refused.
TEST(Relay, TR24_LegsAreQuartersOfTheDistance) {
    race_driver r;
    auto short_relay = relay_startlist({usa(), bot()});
    short_relay.distance_m = 400;
    short_relay.timing_points_m = {100, 200, 300};
    r.send(short_relay);
    r.status(status_code::started);
    r.split("USA", 300, 28500);
    const auto splits = r.of(event_type::split);
    ASSERT_EQ(splits.size(), 1u);
    EXPECT_EQ(json_view(splits[0].json).num("/changeover"), 3);
    EXPECT_EQ(splits[0].text,
              "United States (USA) leads at the third changeover in 28.50; Bryce Deadmon ran leg 3");

    race_driver odd("M-ODD");
    auto uneven = relay_startlist({usa(), bot()});
    uneven.distance_m = 1602;
    const auto res = odd.send(uneven);
    ASSERT_TRUE(res.rejected);
    EXPECT_EQ(res.rejected->reason, reject_reason::bad_value);
    EXPECT_EQ(res.rejected->detail, "a relay of 1602 m does not split into 4 equal legs (TR 24)");
}

// TR 24: a rejected replacement start list changes nothing; the team
// keeps the runners it had.
TEST(Relay, TR24_RejectedReplacementKeepsTheDeclaredTeams) {
    race_driver r;
    r.send(relay_startlist({usa(), bot()}));
    const std::string before = state_of(r);
    auto three = usa();
    three.runners.pop_back();
    const auto res = r.send(relay_startlist({three, bot()}));
    ASSERT_TRUE(res.rejected);
    EXPECT_TRUE(res.events.empty());
    EXPECT_EQ(state_of(r), before);
}

// TR 24 (the declared order of running): a start list replaced while the
// race is scheduled changes the order, and the splits name the new runner
// of each leg.
TEST(Relay, TR24_ChangedRunningOrderBeforeTheStartNamesTheNewRunner) {
    race_driver r;
    r.send(relay_startlist({usa(), bot()}));
    auto swapped = usa();
    std::swap(swapped.runners[1].name, swapped.runners[2].name);
    EXPECT_FALSE(r.send(relay_startlist({swapped, bot()})).rejected);
    r.status(status_code::started);
    r.split("USA", 400, 44450);
    r.split("USA", 800, 87710);
    const auto splits = r.of(event_type::split);
    ASSERT_EQ(splits.size(), 2u);
    EXPECT_EQ(json_view(splits[1].json).str("/runner/name"), "Bryce DEADMON");
}

// TR 24: the start list names each team's runners in leg order.
TEST(Relay, TR24_StartListNamesTeamsAndRunners) {
    race_driver r;
    r.send(relay_startlist({usa(), bot(), gbr()}));
    const auto lists = r.of(event_type::startlist);
    ASSERT_EQ(lists.size(), 1u);
    EXPECT_EQ(lists[0].text, "Men's 4x400m Relay Final: start list, 3 teams");
    json_view v(lists[0].json);
    EXPECT_EQ(v.str("/athletes/0/name"), "United States");
    EXPECT_EQ(v.num("/athletes/0/runners/1/leg"), 2);
    EXPECT_EQ(v.str("/athletes/0/runners/1/name"), "Vernon NORWOOD");
    EXPECT_EQ(v.str("/athletes/2/runners/3/name"), "Charlie DOBSON");
}

// TR 24: a changeover ends one runner's leg; the leg time is the team's
// time there less its time at the previous changeover (44.45 + 43.26 =
// 1:27.71 at the second).
TEST(Relay, TR24_ChangeoverSplitGivesTheLegTimeAndItsRunner) {
    race_driver r;
    start_relay(r, {usa(), bot()});
    r.split("USA", 400, 44450);
    r.split("USA", 800, 87710);
    r.split("BOT", 800, 87900);
    const auto splits = r.of(event_type::split);
    ASSERT_EQ(splits.size(), 3u);
    EXPECT_EQ(splits[0].text,
              "United States (USA) leads at the first changeover in 44.45; Christopher Bailey ran "
              "leg 1 in 44.45");
    EXPECT_EQ(splits[1].text,
              "United States (USA) leads at the second changeover in 1:27.71; Vernon Norwood ran "
              "leg 2 in 43.26");
    json_view v(splits[1].json);
    EXPECT_EQ(v.num("/leg"), 2);
    EXPECT_EQ(v.num("/changeover"), 2);
    EXPECT_EQ(v.num("/leg_ms"), 43260);
    EXPECT_EQ(v.str("/runner/name"), "Vernon NORWOOD");
    // Botswana has no time at the first changeover: its leg 2 is unknown.
    EXPECT_EQ(splits[2].text,
              "Botswana (BOT) 2nd at the second changeover, +0.19; Busang Collen Kebinatshipi ran "
              "leg 2");
    EXPECT_EQ(json_view(splits[2].json).num("/leg_ms"), -999999)
        << "no leg_ms without the previous changeover";
}

// TR 24: between changeovers the split names the runner with the baton.
TEST(Relay, TR24_SplitWithinALegNamesItsRunner) {
    race_driver r;
    start_relay(r, {usa(), bot()});
    r.split("BOT", 600, 65100);
    const auto splits = r.of(event_type::split);
    ASSERT_EQ(splits.size(), 1u);
    EXPECT_EQ(splits[0].text, "Botswana (BOT) leads at 600 m in 1:05.10 (Busang Collen Kebinatshipi, leg 2)");
    json_view v(splits[0].json);
    EXPECT_EQ(v.num("/leg"), 2);
    EXPECT_EQ(v.num("/changeover"), -999999);
}

// TR 24: the lead changes between teams; the headline names the team and
// the runner who took it (Deadmon on leg 3, Paris 2024).
TEST(Relay, TR24_LeaderChangeNamesTheTeamAndTheRunner) {
    race_driver r;
    start_relay(r, {usa(), bot()});
    r.split("BOT", 400, 44300);
    r.split("USA", 400, 44450);
    r.split("USA", 1200, 131250);
    r.split("BOT", 1200, 131490);
    const auto changes = r.of(event_type::leader_change);
    ASSERT_EQ(changes.size(), 1u);
    EXPECT_EQ(changes[0].text,
              "United States (USA) takes the lead from Botswana (BOT) at 1200 m (Bryce Deadmon, leg 3)");
    json_view v(changes[0].json);
    EXPECT_EQ(v.str("/leader/bib"), "USA");
    EXPECT_EQ(v.num("/leg"), 3);
    EXPECT_EQ(v.str("/runner/name"), "Bryce DEADMON");
    EXPECT_EQ(v.str("/previous_runner/name"), "Anthony PESELA");
}

// TR 24: the anchor's leg ends at the finish: 2:54.43 - 2:11.25 = 43.18.
TEST(Relay, TR24_FinishGivesTheAnchorLeg) {
    race_driver r;
    start_relay(r, {usa(), bot()});
    r.split("USA", 1200, 131250);
    r.finish("USA", 174430);
    const auto finishes = r.of(event_type::finish);
    ASSERT_EQ(finishes.size(), 1u);
    EXPECT_EQ(finishes[0].text,
              "United States (USA) finishes 1st in 2:54.43; Rai Benjamin ran leg 4 in 43.18");
    json_view v(finishes[0].json);
    EXPECT_EQ(v.num("/leg"), 4);
    EXPECT_EQ(v.num("/leg_ms"), 43180);
    EXPECT_EQ(v.str("/runner/name"), "Rai BENJAMIN");
}

// TR 24.7: a baton passed outside the takeover zone disqualifies the team;
// the DQ carries its rule, and the results list the team after the
// finishers with its runners.
TEST(Relay, TR24_7_ChangeoverOutsideTheZoneDisqualifiesTheTeam) {
    race_driver r;
    start_relay(r, {usa(), bot(), gbr()});
    r.finish("USA", 174430);
    r.finish("BOT", 174530);
    r.finish("GBR", 175830);
    const auto dq =
        r.send(irm_msg{"GBR", irm_code::dq, "TR 24.7", "changeover outside the takeover zone", {}});
    ASSERT_FALSE(dq.rejected);
    const auto irms = r.of(event_type::irm);
    ASSERT_EQ(irms.size(), 1u);
    EXPECT_EQ(irms[0].text,
              "Great Britain & N.I. (GBR) is disqualified (TR 24.7: changeover outside the takeover zone)");
    r.status(status_code::official);
    const auto results = r.of(event_type::results);
    ASSERT_FALSE(results.empty());
    json_view v(results.back().json);
    EXPECT_EQ(v.str("/ranking/2/bib"), "GBR");
    EXPECT_EQ(v.str("/ranking/2/mark"), "DQ");
    EXPECT_EQ(v.str("/ranking/2/rule"), "TR 24.7");
    EXPECT_EQ(v.str("/ranking/2/runners/0/name"), "Alex HAYDOCK-WILSON");
}

// TR 24: the results list each team's four runners in leg order.
TEST(Relay, TR24_ResultsListTheFourRunners) {
    race_driver r;
    start_relay(r, {usa(), bot()});
    r.finish("BOT", 174530);
    r.finish("USA", 174430);
    r.status(status_code::official);
    json_view v(r.of(event_type::results).back().json);
    EXPECT_EQ(v.str("/ranking/0/bib"), "USA");
    EXPECT_EQ(v.str("/ranking/0/medal"), "gold");
    EXPECT_EQ(v.str("/ranking/0/runners/0/name"), "Christopher BAILEY");
    EXPECT_EQ(v.str("/ranking/0/runners/3/name"), "Rai BENJAMIN");
    EXPECT_EQ(v.str("/ranking/1/runners/3/name"), "Letsile TEBOGO");
}

// Records (PROTOCOL.md §3) by team: the holder is the team with its
// runners. USA's 2:54.43 beat the Olympic record of 2:55.39 (Beijing 2008);
// Botswana's 2:54.53 the African record of 2:57.27 (Tokyo 2021).
TEST(Relay, TR24_RecordsAreSetByTheTeamWithItsRunners) {
    race_driver r;
    start_relay(r, {usa(), bot()},
                {record(record_kind::or_, 175390, "USA"), record(record_kind::ar, 177270, "BOT", "AFR")});
    r.finish("USA", 174430);
    r.finish("BOT", 174530);
    const auto records = r.of(event_type::record);
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0].text, "United States (USA) sets a new Olympic record: 2:54.43 (provisional)");
    json_view o(records[0].json);
    EXPECT_EQ(o.str("/kind"), "OR");
    EXPECT_EQ(o.str("/runners/2/name"), "Bryce DEADMON");
    EXPECT_EQ(records[1].text, "Botswana (BOT) sets a new African record: 2:54.53 (provisional)");
    EXPECT_EQ(json_view(records[1].json).str("/runners/3/name"), "Letsile TEBOGO");
}

// TR 24: the running order names the runner with the baton now: after the
// second changeover, the third leg's.
TEST(Relay, TR24_StateNamesTheRunnerOnTheCurrentLeg) {
    race_driver r;
    start_relay(r, {usa(), bot()});
    r.split("USA", 800, 87710);
    json_view v(state_of(r));
    EXPECT_EQ(v.str("/athletes/0/bib"), "USA");
    EXPECT_EQ(v.str("/athletes/0/on_leg/name"), "Bryce DEADMON");
    EXPECT_EQ(v.num("/athletes/0/on_leg/leg"), 3);
    EXPECT_EQ(v.str("/athletes/1/on_leg/name"), "Bayapo NDORI") << "not yet timed: the first leg";
    EXPECT_EQ(v.str("/athletes/1/runners/1/name"), "Busang Collen KEBINATSHIPI");
}
