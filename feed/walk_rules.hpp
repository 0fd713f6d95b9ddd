#pragma once
// The numbers of race walking judging (World Athletics Technical Rules,
// Book C2.1, TR 54): how many red cards send a walker to the Penalty Zone
// or out of the race, and how long the Penalty Zone holds them. Pure
// functions, so the rules can be checked one by one.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "feed/message.hpp"

namespace splitstream::feed {

// One card as the Chief Judge received it.
struct walk_card {
    std::string judge;
    walk_offence offence = walk_offence::loss_of_contact;
    card_kind kind = card_kind::red;
};

// A walker's judging so far: cards in the order they came, and the
// Penalty Zone once three red cards sent them there (TR 54.7.3).
struct walk_record {
    std::vector<walk_card> cards;
    std::optional<std::int64_t> penalty_ms;  // the time owed in the Penalty Zone
    std::optional<std::int64_t> entered_ms;
    std::optional<std::int64_t> left_ms;

    int red_cards() const;
    bool red_from(const std::string& judge) const;
    bool caution_from(const std::string& judge, walk_offence offence) const;
    bool in_penalty_zone() const { return entered_ms && !left_ms; }
    bool empty() const { return cards.empty(); }
};

namespace walk_rules {

// Red cards that send a walker to the Penalty Zone (TR 54.7.3).
inline constexpr int penalty_zone_cards = 3;

// Red cards, from different judges, after which the Chief Judge
// disqualifies: the 4th where the Penalty Zone rule applies (TR 54.7.3),
// the 3rd where it does not (TR 54.7.1).
int disqualifying_cards(bool penalty_zone);

// The rule a disqualification by red cards cites.
const char* disqualification_rule(bool penalty_zone);

// The time a walker stays in the Penalty Zone for a race of `distance_m`
// (TR 54.7.3): up to 5 km 0.5 min, 10 km 1 min, 20 km 2 min, 30 km
// 3 min, 35 km 3.5 min, beyond that (50 km) 5 min.
std::int64_t penalty_time_ms(std::int64_t distance_m);

// "loss of contact", "bent knee".
const char* offence_words(walk_offence o);

}  // namespace walk_rules

}  // namespace splitstream::feed
