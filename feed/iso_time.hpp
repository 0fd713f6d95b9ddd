#pragma once
// ISO 8601 UTC timestamps to and from milliseconds since 1970, for every
// part that reads or writes one outside the frame parser's checks: the
// simulator, the live player's schedule, the daemon's notices. Pure and
// locale-free.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace splitstream::feed {

// "2024-08-06T19:53:31.650Z" for the given Unix time in ms.
std::string format_iso_ms(std::int64_t unix_ms);

// Parses "YYYY-MM-DDTHH:MM:SS[.fff]" followed by "Z", "+HH:MM", "-HH:MM"
// or nothing (taken as UTC); a space may stand for the "T". Digits past
// the milliseconds are dropped. nullopt for any other text.
std::optional<std::int64_t> parse_iso_ms(std::string_view iso);

}  // namespace splitstream::feed
