#pragma once
// Why a feed message was refused. Parsing (ingest/) and the race rules
// (feed/) share one reason list so metrics count both the same way.

#include <cstdint>
#include <string>

namespace splitstream::feed {

enum class reject_reason {
    // Syntax and schema (ingest/frame_parser).
    invalid_json,
    missing_field,
    wrong_type,
    unknown_type,
    bad_version,
    bad_timestamp,
    bad_value,
    too_large,
    // Race rules (feed/engine).
    unknown_event,
    unknown_bib,
    not_started,
    time_backwards,
    beyond_distance,
    after_out,
    already_finished,
    event_closed,
    duplicate_bib,
    invalid_transition,
};

inline constexpr int reject_reason_count = static_cast<int>(reject_reason::invalid_transition) + 1;

struct rejection {
    reject_reason reason;
    std::string detail;  // one human-readable line naming the field or rule
};

// snake_case name used in logs and metrics labels.
const char* to_string(reject_reason r);

}  // namespace splitstream::feed
