#pragma once
// The English of the race engine's headlines (PROTOCOL.md §3): ordinals,
// distances, IRM and medal words, record names. Internal to the race files
// (race*.cpp). The appenders are inline: a split's headline, built for
// nearly every message, uses them.

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include "feed/message.hpp"
#include "feed/race.hpp"

namespace splitstream::feed::race_text {

inline void append_int(std::string& out, std::int64_t v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, static_cast<std::size_t>(r.ptr - buf));
}

// "st", "nd", "rd" or "th", as 1st, 12th, 22nd, 113th. Views, not C
// strings: appending them needs no strlen.
inline std::string_view ordinal_suffix(int n) {
    const int tens = n % 100;
    if (tens >= 11 && tens <= 13) return "th";
    switch (n % 10) {
        case 1:
            return "st";
        case 2:
            return "nd";
        case 3:
            return "rd";
        default:
            return "th";
    }
}

// "3rd".
inline void append_ordinal(std::string& out, int n) {
    append_int(out, n);
    out += ordinal_suffix(n);
}

// "800 m".
inline void append_metres(std::string& out, std::int64_t m) {
    append_int(out, m);
    out += std::string_view(" m");
}

std::string ordinal(int n);
std::string metres(std::int64_t m);

// The headline's words for an event entering phase `p`, after its title
// and ": " ("the race is under way").
const char* phase_words(race_phase p);

// What an irm message says the athlete did ("did not finish", "is
// disqualified", "is reinstated").
const char* irm_words(irm_code c);
// The same status as a correction states it ("disqualified", "reinstated").
const char* status_words(irm_code c);

// "world record", "European record" (AR, by area), "personal best"; an
// unknown kind as given.
std::string record_name(std::string_view kind, std::string_view area);

// "gold", "silver", "bronze"; nullptr below the podium.
const char* medal_of(int place);
// Medals are won only in a final ("final" in any case).
bool is_final_round(std::string_view round);

}  // namespace splitstream::feed::race_text
