// The rules of a relay team and its legs (World Athletics TR 24).

#include "feed/relay.hpp"

#include <array>

namespace splitstream::feed::relay {

bool is_relay(const startlist_msg& m) {
    for (const auto& a : m.athletes)
        if (!a.runners.empty()) return true;
    return false;
}

std::optional<rejection> check_teams(const startlist_msg& m) {
    if (!is_relay(m)) return std::nullopt;
    auto refuse = [](std::string detail) { return rejection{reject_reason::bad_value, std::move(detail)}; };
    if (m.distance_m % legs != 0)
        return refuse("a relay of " + std::to_string(m.distance_m) +
                      " m does not split into 4 equal legs (TR 24)");
    for (const auto& team : m.athletes) {
        const std::string who = "relay team " + team.bib;
        if (team.runners.size() != static_cast<std::size_t>(legs))
            return refuse(who + " has " + std::to_string(team.runners.size()) +
                          " runners: a team is 4 athletes, one for each leg (TR 24)");
        std::array<bool, legs + 1> seen{};
        for (const auto& r : team.runners) {
            if (r.leg < 1 || r.leg > legs)
                return refuse(who + ": leg " + std::to_string(r.leg) + " is not one of legs 1-4 (TR 24)");
            if (seen[static_cast<std::size_t>(r.leg)])
                return refuse(who + " names two runners for leg " + std::to_string(r.leg) +
                              ": each athlete runs one leg (TR 24)");
            seen[static_cast<std::size_t>(r.leg)] = true;
            if (r.name.empty())
                return refuse(who + ": the runner of leg " + std::to_string(r.leg) + " has no name");
        }
    }
    return std::nullopt;
}

int leg_at(std::int64_t distance_m, std::int64_t race_m) {
    if (race_m <= 0 || distance_m <= 0) return 1;
    const std::int64_t leg_m = race_m / legs;
    const auto leg = static_cast<int>((distance_m + leg_m - 1) / leg_m);
    return leg < 1 ? 1 : leg > legs ? legs : leg;
}

int changeover_at(std::int64_t distance_m, std::int64_t race_m) {
    const std::int64_t leg_m = race_m / legs;
    if (leg_m <= 0 || distance_m % leg_m != 0) return 0;
    const auto k = static_cast<int>(distance_m / leg_m);
    return k >= 1 && k < legs ? k : 0;
}

std::int64_t leg_start_m(int leg, std::int64_t race_m) {
    return static_cast<std::int64_t>(leg - 1) * (race_m / legs);
}

const relay_runner* runner_on(const athlete_entry& team, int leg) {
    for (const auto& r : team.runners)
        if (r.leg == leg) return &r;
    return nullptr;
}

const char* changeover_word(int changeover) {
    switch (changeover) {
        case 1:
            return "first";
        case 2:
            return "second";
        case 3:
            return "third";
        default:
            return "?";
    }
}

}  // namespace splitstream::feed::relay
