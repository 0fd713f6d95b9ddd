#include "feed/walk_rules.hpp"

#include <algorithm>

namespace splitstream::feed {

int walk_record::red_cards() const {
    return static_cast<int>(std::count_if(cards.begin(), cards.end(),
                                          [](const walk_card& c) { return c.kind == card_kind::red; }));
}

bool walk_record::red_from(const std::string& judge) const {
    return std::any_of(cards.begin(), cards.end(),
                       [&](const walk_card& c) { return c.kind == card_kind::red && c.judge == judge; });
}

bool walk_record::caution_from(const std::string& judge, walk_offence offence) const {
    return std::any_of(cards.begin(), cards.end(), [&](const walk_card& c) {
        return c.kind == card_kind::yellow && c.judge == judge && c.offence == offence;
    });
}

namespace walk_rules {

int disqualifying_cards(bool penalty_zone) {
    return penalty_zone ? 4 : 3;
}

const char* disqualification_rule(bool penalty_zone) {
    return penalty_zone ? "TR 54.7.3" : "TR 54.7.1";
}

std::int64_t penalty_time_ms(std::int64_t distance_m) {
    if (distance_m <= 5000) return 30'000;
    if (distance_m <= 10'000) return 60'000;
    if (distance_m <= 20'000) return 120'000;
    if (distance_m <= 30'000) return 180'000;
    if (distance_m <= 35'000) return 210'000;
    return 300'000;
}

const char* offence_words(walk_offence o) {
    switch (o) {
        case walk_offence::loss_of_contact:
            return "loss of contact";
        case walk_offence::bent_knee:
            return "bent knee";
    }
    return "?";
}

}  // namespace walk_rules

const char* to_string(walk_offence o) {
    switch (o) {
        case walk_offence::loss_of_contact:
            return "~";
        case walk_offence::bent_knee:
            return ">";
    }
    return "?";
}

const char* to_string(card_kind k) {
    switch (k) {
        case card_kind::red:
            return "red";
        case card_kind::yellow:
            return "yellow";
    }
    return "?";
}

const char* to_string(penalty_action a) {
    switch (a) {
        case penalty_action::enter:
            return "enter";
        case penalty_action::leave:
            return "leave";
    }
    return "?";
}

}  // namespace splitstream::feed
