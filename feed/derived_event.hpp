#pragma once
// Derived events (PROTOCOL.md §2): what the engine publishes. Each event is
// serialised exactly once, when it is made; every consumer shares `json`.

#include <cstdint>
#include <string>

namespace splitstream::feed {

enum class event_type {
    startlist,
    race_state,
    split,
    leader_change,
    finish,
    record,
    irm,
    correction,
    results,
    feed,
    // Appended after `feed` so the numbers of the v1 types do not move.
    qualifiers,
    // Race walking (extension).
    card,
    penalty_zone,
    // Sprint starts (extension).
    false_start,
};

// The last type: metrics count 0..last, and a stored node state
// (scaleout/node_state.cpp) holds events of 0..last.
inline constexpr event_type event_type_last = event_type::false_start;
inline constexpr int event_type_count = static_cast<int>(event_type_last) + 1;

struct derived_event {
    std::uint64_t seq = 0;  // strictly increasing within one stream epoch
    event_type type = event_type::feed;
    std::string event;  // event id; empty for upstream-health (`feed`) events
    std::string text;   // the ticker headline, also inside `json`
    std::string json;   // the whole event as one JSON object, no newline
};

const char* to_string(event_type t);
// Parses a type name as used in `types=` filters; false when unknown.
bool parse_event_type(const std::string& name, event_type& out);

}  // namespace splitstream::feed
