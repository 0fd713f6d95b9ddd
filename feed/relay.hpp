#pragma once
// Relays (extension): a start list entry that carries `runners` is a team
// of four, each running one leg in the declared order (World Athletics
// TR 24). The legs are equal, so the changeovers are at each quarter of
// the race distance. What a team's runners and legs add to the race's
// events is written here; the race itself ranks the team like an athlete.

#include <cstdint>
#include <optional>
#include <string>

#include "feed/message.hpp"
#include "feed/rejection.hpp"

namespace splitstream::feed::relay {

inline constexpr int legs = 4;

// Whether the start list is a relay: any entry carries runners.
bool is_relay(const startlist_msg& m);

// A relay start list is refused (bad_value) unless every team has four
// runners with the legs 1..4 once each and a name, and the distance
// splits into four equal legs (TR 24).
std::optional<rejection> check_teams(const startlist_msg& m);

// The leg being run at `distance_m` of a `race_m` relay: a changeover
// counts for the leg it ends. 1..4.
int leg_at(std::int64_t distance_m, std::int64_t race_m);
// The changeover (1..3) at `distance_m`, or 0 when it is not one.
int changeover_at(std::int64_t distance_m, std::int64_t race_m);
// The distance at which leg `leg` starts (0 for the first).
std::int64_t leg_start_m(int leg, std::int64_t race_m);

// The team's runner on `leg`, nullptr when the team has none.
const relay_runner* runner_on(const athlete_entry& team, int leg);

// "first", "second", "third".
const char* changeover_word(int changeover);

}  // namespace splitstream::feed::relay
