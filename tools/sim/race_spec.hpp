#pragma once
// What the simulator is asked to produce: a championship session of events,
// each with its athletes, targets, pacing model and incidents. Built from a
// JSON spec file (docs/simulator.md), from a real results file, or in code.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace splitstream::sim {

enum class pacing_model { even, sit_and_kick, front_running, surges };

struct surge {
    std::int64_t at_m = 0;
    std::int64_t length_m = 200;
    double factor = 0.06;  // the pack runs this fraction faster during the surge
    std::string bib;       // who surges to the front; empty: chosen by the seed
};

struct pacing_spec {
    pacing_model model = pacing_model::even;
    std::int64_t kick_m = 400;           // sit_and_kick: length of the fast finish
    double kick = 0.12;                  // sit_and_kick: how much faster the last kick_m is
    std::string front_runner;            // front_running: who leads early; empty: seeded choice
    std::vector<surge> surges;           // surges
    std::int64_t pack_spread_ms = 1200;  // how far back the pack reaches mid-race
};

struct athlete_spec {
    std::string bib;
    std::string name;
    std::string country;
    std::optional<int> lane;
    std::optional<std::int64_t> pb_ms;
    std::optional<std::int64_t> sb_ms;
    // The finish time aimed for. With `exact`, the thousandths are used as
    // they are; otherwise the time is a printed mark and the finish lands
    // 1..9 ms under it, so rounding up prints it again.
    std::int64_t target_ms = 0;
    bool exact = false;
    // A relay team's runners in leg order (docs/protocol.md, Relays); empty
    // for an athlete.
    std::vector<std::string> runners;
};

struct record_spec {
    std::string kind;  // WR, OR, CR, AR, NR, WL, MR
    std::int64_t mark_ms = 0;
    std::string holder;
    std::string country;
    std::string area;
    std::optional<int> year;
};

enum class incident_kind { dns, dnf, dq, false_start, photo_correction, record, red_card, caution };

struct incident_spec {
    incident_kind kind = incident_kind::dns;
    std::string bib;            // false_start: who, if named; record: empty = the winner
    std::int64_t at_m = 0;      // dnf: where the athlete stops
    std::string rule;           // dq
    std::string reason;         // dq, dnf, dns
    std::int64_t after_ms = 0;  // dq, photo_correction: delay after the finish; 0 = default
    std::int64_t delta_ms = 0;  // photo_correction: first reading minus the true time
    std::string record_kind;    // record: which record in force the target goes under
    std::string judge;          // red_card, caution: the judge's id
    std::string offence;        // red_card, caution: "~" (loss of contact) or ">" (bent knee)

    // false_start with a bib: that athlete's reaction time (0: seeded under 0.100).
    std::int64_t reaction_ms = 0;
};

// A race walking judge named in the start list (walk_judging.hpp).
struct judge_spec {
    std::string id;
    std::string name;
    std::string country;
};

// A leader named at a timing point (from a results file): the athlete who
// must be first there, and the leader's time when the source gives one.
struct leader_constraint {
    std::int64_t distance_m = 0;
    std::string bib;
    std::optional<std::int64_t> elapsed_ms;
};

struct event_spec {
    std::string id;
    std::string name;
    std::string round = "final";
    std::optional<int> heat;
    // A heat of a round (docs/protocol.md, Rounds and qualification): sent
    // in its start list. Empty `round_id`: a race on its own.
    std::string round_id;
    std::optional<int> heats;
    std::int64_t qualify_by_place = 0;
    std::int64_t qualify_by_time = 0;
    std::string next_round;
    // The next round of a session: its field is the qualifiers of the
    // round `qualifiers_of` (an earlier round of the spec), each aiming at
    // their heat time times `qualifier_pace` (below 1: faster).
    std::string qualifiers_of;
    double qualifier_pace = 0.99;
    std::int64_t distance_m = 0;
    std::string venue = "track";
    std::vector<std::int64_t> timing_points_m;  // empty: every timing_every_m
    std::int64_t timing_every_m = 100;
    std::int64_t start_offset_ms = 0;          // startlist, from the session start
    std::int64_t gun_after_ms = 30000;         // gun, after the startlist
    std::int64_t unofficial_after_ms = 15000;  // after the last result
    std::int64_t official_after_ms = 30000;    // after unofficial
    std::int64_t finish_noise_ms = 0;          // sd of noise added to targets (not exact ones)
    pacing_spec pacing;
    std::vector<athlete_spec> athletes;
    std::vector<record_spec> records;
    std::vector<incident_spec> incidents;
    std::vector<leader_constraint> leaders;
    // A race walk: its judges and whether the Penalty Zone rule applies.
    std::vector<judge_spec> judges;
    bool penalty_zone = false;
};

struct session_spec {
    std::string feed = "splitstream-sim";
    std::string epoch;  // empty: feed name + "-" + seed
    std::int64_t start_unix_ms = 0;
    std::vector<event_spec> events;
};

// The points where splits are sent: the explicit list, or every
// timing_every_m metres short of the finish.
std::vector<std::int64_t> effective_timing_points(const event_spec& e);

const char* to_string(pacing_model m);
const char* to_string(incident_kind k);

}  // namespace splitstream::sim
