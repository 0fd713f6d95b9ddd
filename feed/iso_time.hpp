#pragma once
// ISO 8601 UTC timestamps to and from milliseconds since 1970: the one
// grammar in the tree, for the frame parser's checks (strict) and for the
// times people type or recordings hold (lenient: the simulator's spec, the
// replay's --from/--to, the live player's recordings). Pure and
// locale-free.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace splitstream::feed {

// "2024-08-06T19:53:31.650Z" for the given Unix time in ms.
std::string format_iso_ms(std::int64_t unix_ms);

// Which texts parse_iso_ms takes. Both read "YYYY-MM-DDTHH:MM:SS[.fff]"
// with hours to 23, minutes to 59, seconds to 60 (a leap second) and a
// zone of "Z", "+HH:MM" or "-HH:MM" (offsets to 23:59).
enum class iso_grammar {
    // What a feed frame must carry (PROTOCOL.md): the zone is required, the
    // "T" too, the day must exist in its month (29 February in leap years
    // only) and a fraction has 1 to 9 digits.
    strict,
    // What a person types or an older recording holds: no zone is taken as
    // UTC, a space may stand for the "T", any day up to 31 passes in any
    // month (31 April is 1 May), and a fraction may have any number of
    // digits, none included.
    lenient,
};

// Milliseconds since 1970 for `iso`, nullopt for any text the grammar
// refuses. Digits past the milliseconds are dropped.
std::optional<std::int64_t> parse_iso_ms(std::string_view iso, iso_grammar grammar = iso_grammar::lenient);

// Whether parse_iso_ms would take `iso`, without working out the time: the
// frame parser checks every frame's `ts` and keeps it as text.
bool is_iso_timestamp(std::string_view iso, iso_grammar grammar);

}  // namespace splitstream::feed
