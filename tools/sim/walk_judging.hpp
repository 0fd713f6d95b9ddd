#pragma once
// Race walking in the simulator: the judges' red cards and cautions of an
// event's spec become `card` messages at the moment each walker passes the
// card's distance; a walker the red cards disqualify stops there, and one
// they send to the Penalty Zone enters it and loses the time the rules
// give (TR 54.7.3, feed/walk_rules.hpp). The engine derives the rest.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tools/sim/race_spec.hpp"

namespace splitstream::sim {

// What the cards of a spec do to its walkers, known before the race is run.
struct walk_plan {
    std::map<std::string, std::int64_t> out_at_m;         // disqualified: stops at this distance
    std::map<std::string, std::int64_t> penalty_after_m;  // sent to the Penalty Zone by the card here
    std::int64_t penalty_ms = 0;                          // the race's Penalty Zone time
};

walk_plan plan_walk(const event_spec& e);

// A walker's times: distance -> elapsed, the finish at the race distance
// when there is one.
using walker_times = std::map<std::int64_t, std::int64_t>;

// The walker's elapsed time at `at_m`, interpolated between the known times
// (from the gun), or carried on at the average pace beyond the last one.
std::int64_t elapsed_at(const walker_times& times, std::int64_t at_m);

// When the walker sent to the Penalty Zone goes in: a little after the
// card that sends them (`times` before any penalty is added).
std::int64_t penalty_entry_ms(const walker_times& times, std::int64_t card_m);

struct walk_message {
    std::int64_t elapsed_ms = 0;  // from the gun
    const char* type = "card";
    std::string fields;  // JSON members after `event`, each starting with a comma
};

// The cards and Penalty Zone entries and exits of the race, by walker
// (`times` before any penalty is added).
std::vector<walk_message> walk_messages(const event_spec& e, const walk_plan& plan,
                                        const std::map<std::string, walker_times>& times);

// `,"penalty_zone":true,"judges":[...]` for the start list; empty when the
// event names no judges.
std::string walk_startlist_fields(const event_spec& e);

}  // namespace splitstream::sim
