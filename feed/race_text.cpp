// The English of the race engine's headlines: the words that need no
// inlining (feed/race_text.hpp).

#include "feed/race_text.hpp"

#include "feed/areas.hpp"

namespace splitstream::feed::race_text {

std::string ordinal(int n) {
    std::string out;
    append_ordinal(out, n);
    return out;
}

std::string metres(std::int64_t m) {
    std::string out;
    append_metres(out, m);
    return out;
}

const char* phase_words(race_phase p) {
    switch (p) {
        case race_phase::started:
            return "the race is under way";
        case race_phase::recalled:
            return "false start, the field is recalled";
        case race_phase::finished:
            return "all athletes have finished";
        case race_phase::unofficial:
            return "unofficial results";
        case race_phase::official:
            return "results are official";
        case race_phase::cancelled:
            return "the event is cancelled";
        case race_phase::scheduled:
            return "scheduled";
    }
    return "";
}

const char* irm_words(irm_code c) {
    switch (c) {
        case irm_code::dns:
            return "did not start";
        case irm_code::dnf:
            return "did not finish";
        case irm_code::dq:
            return "is disqualified";
        case irm_code::ok:
            return "is reinstated";
    }
    return "";
}

const char* status_words(irm_code c) {
    switch (c) {
        case irm_code::dns:
            return "did not start";
        case irm_code::dnf:
            return "did not finish";
        case irm_code::dq:
            return "disqualified";
        case irm_code::ok:
            return "reinstated";
    }
    return "";
}

std::string record_name(std::string_view kind, std::string_view area) {
    if (kind == "WR") return "world record";
    if (kind == "OR") return "Olympic record";
    if (kind == "CR") return "championship record";
    if (kind == "AR") return std::string(area_adjective(area)) + " record";
    if (kind == "NR") return "national record";
    if (kind == "WL") return "world lead";
    if (kind == "MR") return "meeting record";
    if (kind == "PB") return "personal best";
    if (kind == "SB") return "season's best";
    return std::string(kind);
}

const char* medal_of(int place) {
    switch (place) {
        case 1:
            return "gold";
        case 2:
            return "silver";
        case 3:
            return "bronze";
        default:
            return nullptr;
    }
}

bool is_final_round(std::string_view round) {
    if (round.size() != 5) return false;
    for (std::size_t i = 0; i < 5; ++i)
        if ((round[i] | 0x20) != "final"[i]) return false;
    return true;
}

}  // namespace splitstream::feed::race_text
