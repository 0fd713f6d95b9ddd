#pragma once
// The race generator: turns one event_spec and a seed into the timing-feed
// messages of that race (PROTOCOL.md §1), each with its offset from the
// session start. Pure and deterministic: the same spec and seed give the
// same messages, byte for byte, on every platform.

#include <cstdint>
#include <string>
#include <vector>

#include "tools/sim/race_spec.hpp"

namespace splitstream::sim {

// One feed message before the session gives it a `seq` and a `ts`:
// `fields` is the JSON members after `event`, each starting with a comma.
struct timed_message {
    std::int64_t offset_ms = 0;
    std::string type;
    std::string event;
    std::string fields;
};

// Generates the event's startlist, DNS, gun (with a recall when the spec has
// a false start), splits at every timing point, finishes (with photo-finish
// corrections), DNF and DQ, then unofficial and official, sorted by offset
// (stable). Finish thousandths follow the athletes' targets (see
// athlete_spec); named leaders are first at their timing points.
std::vector<timed_message> generate_event(const event_spec& spec, std::uint64_t seed);

}  // namespace splitstream::sim
