#pragma once
// The field of a session's next round: who the heats the simulator made
// send through, by the rules the engine applies (feed/round_qualification),
// read from the heats' own generated finishes and IRM codes. Pure.

#include <string>
#include <vector>

#include "tools/sim/race_generator.hpp"
#include "tools/sim/race_spec.hpp"

namespace splitstream::sim {

// One heat of the round and the messages generated for it.
struct generated_heat {
    const event_spec* spec = nullptr;
    const std::vector<timed_message>* messages = nullptr;
};

// The qualifiers of `heats` (one round, all sharing its rule), in the order
// the engine lists them (by place, heat by heat, then by time), each with
// their heat's athlete details and a target of their heat time x `pace`.
// Athletes tied for the last places (TR 21) are left out, as the engine
// leaves them to the officials.
std::vector<athlete_spec> qualifiers_of(const std::vector<generated_heat>& heats, double pace);

}  // namespace splitstream::sim
