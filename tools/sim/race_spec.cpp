#include "tools/sim/race_spec.hpp"

namespace splitstream::sim {

std::vector<std::int64_t> effective_timing_points(const event_spec& e) {
    std::vector<std::int64_t> points;
    if (!e.timing_points_m.empty()) {
        for (auto p : e.timing_points_m)
            if (p > 0 && p < e.distance_m) points.push_back(p);
        return points;
    }
    if (e.timing_every_m <= 0) return points;
    for (std::int64_t p = e.timing_every_m; p < e.distance_m; p += e.timing_every_m) points.push_back(p);
    return points;
}

const char* to_string(pacing_model m) {
    switch (m) {
        case pacing_model::even:
            return "even";
        case pacing_model::sit_and_kick:
            return "sit_and_kick";
        case pacing_model::front_running:
            return "front_running";
        case pacing_model::surges:
            return "surges";
    }
    return "?";
}

const char* to_string(incident_kind k) {
    switch (k) {
        case incident_kind::dns:
            return "dns";
        case incident_kind::dnf:
            return "dnf";
        case incident_kind::dq:
            return "dq";
        case incident_kind::false_start:
            return "false_start";
        case incident_kind::photo_correction:
            return "photo_correction";
        case incident_kind::record:
            return "record";
        case incident_kind::red_card:
            return "red_card";
        case incident_kind::caution:
            return "caution";
    }
    return "?";
}

}  // namespace splitstream::sim
