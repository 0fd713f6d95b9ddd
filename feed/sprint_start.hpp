#pragma once
// Sprint starts (extension): what a reaction time from the start
// information system means under World Athletics' Technical Rules (Book
// C2.1): TR 16.6 (a reaction under 0.100 s is a false start), TR 16.8
// (the athlete responsible is disqualified) and, in a combined event,
// TR 39.8.3 (the race's first false start is a warning, any later one
// disqualifies). Pure: the race applies the ruling.

#include <cstdint>
#include <string>

namespace splitstream::feed {

// TR 16.6: a reaction time less than 0.100 s shows a false start.
inline constexpr std::int64_t false_start_limit_ms = 100;

inline bool is_false_start(std::int64_t reaction_ms) {
    return reaction_ms < false_start_limit_ms;
}

enum class false_start_outcome { dq, warning };

struct false_start_ruling {
    false_start_outcome outcome = false_start_outcome::dq;
    const char* rule = "";       // as results print it: "TR16.8"
    const char* rule_text = "";  // as a headline cites it: "TR 16.8"
};

// The ruling on a false start. `earlier_start_false` says whether an
// earlier start of the same race (before a recall) already had one; false
// starts in the same start share its ruling, as they are one false start
// of the race.
false_start_ruling rule_false_start(bool combined_event, bool earlier_start_false);

// "0.099", "0.152", "1.020": seconds with thousandths, as results print a
// reaction time.
std::string format_reaction(std::int64_t reaction_ms);

const char* to_string(false_start_outcome o);

}  // namespace splitstream::feed
