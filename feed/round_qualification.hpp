#pragma once
// Who goes through from a round of heats (World Athletics Technical Rules
// TR 20 and TR 21, cited in docs/protocol.md): the first `by_place` of each
// heat by place (Q), then the `by_time` fastest of all the others (q).
// Pure: a function from the heats' results to the qualifiers.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "feed/message.hpp"

namespace splitstream::feed {

// One athlete's result in one heat, as the heat's standings hold it.
struct heat_result {
    std::string bib;
    std::string name;
    std::string country;
    int heat = 0;
    std::optional<int> place;                // none: not placed (DNF, DQ, DNS, no finish)
    std::optional<std::int64_t> elapsed_ms;  // the photo-finish time, thousandths
};

enum class qualified_by { place, time };                               // printed "Q" and "q"
inline constexpr qualified_by qualified_by_last = qualified_by::time;  // as venue_last

const char* to_string(qualified_by b);

struct qualifier {
    heat_result result;
    qualified_by by = qualified_by::place;
    bool operator==(const qualifier& o) const {
        return result.bib == o.result.bib && result.heat == o.result.heat && by == o.by;
    }
};

struct qualification {
    // Through, in order: by place (heat, then place), then by time (fastest first).
    std::vector<qualifier> qualified;
    // Athletes the rules cannot separate for the last places of one kind
    // (equal place in a heat, or equal thousandths for the last places by
    // time): TR 21 puts them all through where practicable, otherwise lots
    // are drawn. The engine cannot judge either, so it names them and
    // guesses nothing. `by` is the kind of place they tie for.
    std::vector<qualifier> tied;
    // How many places the tied athletes contend for, in all and by kind
    // (a round can have a tie by place and one by time).
    int tied_places = 0;
    int tied_places_by_place = 0;
    int tied_places_by_time = 0;
    bool operator==(const qualification&) const = default;
};

// `heats[k]` is the whole field of heat k+1. The rule is valid (checked
// when the start lists were accepted).
qualification qualify(const qualify_rule& rule, const std::vector<std::vector<heat_result>>& heats);

}  // namespace splitstream::feed
