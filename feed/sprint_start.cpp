// Sprint starts: the rulings of World Athletics TR 16.8 and TR 39.8.3, as
// docs/protocol.md (Sprint starts) cites them.

#include "feed/sprint_start.hpp"

namespace splitstream::feed {

false_start_ruling rule_false_start(bool combined_event, bool earlier_start_false) {
    if (combined_event && !earlier_start_false)
        return {false_start_outcome::warning, "TR39.8.3", "TR 39.8.3"};
    if (combined_event) return {false_start_outcome::dq, "TR39.8.3", "TR 39.8.3"};
    return {false_start_outcome::dq, "TR16.8", "TR 16.8"};
}

std::string format_reaction(std::int64_t reaction_ms) {
    const std::string thousandths = std::to_string(reaction_ms % 1000);
    return std::to_string(reaction_ms / 1000) + "." + std::string(3 - thousandths.size(), '0') + thousandths;
}

const char* to_string(false_start_outcome o) {
    switch (o) {
        case false_start_outcome::dq:
            return "dq";
        case false_start_outcome::warning:
            return "warning";
    }
    return "?";
}

}  // namespace splitstream::feed
