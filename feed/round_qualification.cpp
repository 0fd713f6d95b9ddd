// The qualification of a round of heats. Places within a heat come from the
// heat's standings (thousandths, then the judges' place: TR 21.1); places
// by time compare thousandths across heats (TR 21.2), never printed marks.

#include "feed/round_qualification.hpp"

#include <algorithm>

namespace splitstream::feed {

const char* to_string(qualified_by b) {
    return b == qualified_by::place ? "Q" : "q";
}

namespace {

// Moves `group` into the qualified list when it fits in the `free` places
// left, into the tied list when it is larger (the rules cannot split it).
// Returns the places it took.
int take_group(std::vector<const heat_result*>& group, int free, qualified_by by, qualification& out) {
    const bool fits = static_cast<int>(group.size()) <= free;
    for (const auto* r : group) (fits ? out.qualified : out.tied).push_back(qualifier{*r, by});
    if (!fits) {
        out.tied_places += free;
        (by == qualified_by::place ? out.tied_places_by_place : out.tied_places_by_time) += free;
    }
    const int taken = fits ? static_cast<int>(group.size()) : free;
    group.clear();
    return taken;
}

}  // namespace

qualification qualify(const qualify_rule& rule, const std::vector<std::vector<heat_result>>& heats) {
    qualification out;
    std::vector<const heat_result*> others;
    for (const auto& heat : heats) {
        std::vector<const heat_result*> placed;
        for (const auto& r : heat)
            if (r.place) placed.push_back(&r);
        std::stable_sort(placed.begin(), placed.end(),
                         [](const heat_result* a, const heat_result* b) { return *a->place < *b->place; });
        // By place (TR 20.3): the first `by_place`; athletes sharing a
        // place move together (TR 21.3).
        int free = static_cast<int>(rule.by_place);
        std::size_t k = 0;
        while (k < placed.size() && free > 0) {
            std::vector<const heat_result*> group;
            const int place = *placed[k]->place;
            while (k < placed.size() && *placed[k]->place == place) group.push_back(placed[k++]);
            free -= take_group(group, free, qualified_by::place, out);
        }
        for (; k < placed.size(); ++k) others.push_back(placed[k]);
    }
    // Athletes tied for a place by place are not also candidates by time:
    // their tie is decided first (lots or all through).
    std::stable_sort(others.begin(), others.end(), [](const heat_result* a, const heat_result* b) {
        if (*a->elapsed_ms != *b->elapsed_ms) return *a->elapsed_ms < *b->elapsed_ms;
        return a->heat < b->heat;
    });
    int free = static_cast<int>(rule.by_time);
    std::size_t k = 0;
    while (k < others.size() && free > 0) {
        std::vector<const heat_result*> group;
        const std::int64_t t = *others[k]->elapsed_ms;
        while (k < others.size() && *others[k]->elapsed_ms == t) group.push_back(others[k++]);
        free -= take_group(group, free, qualified_by::time, out);
    }
    return out;
}

}  // namespace splitstream::feed
