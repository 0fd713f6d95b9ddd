#pragma once
// The text conventions of FinishLynx files: comma-delimited fields, quoted
// when they hold a comma, and times written to the precision the operator
// chose ("9.87", "11.234", "3:29.381", "1:02:11.2").

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace splitstream::adapters {

// The fields of one line; a field in double quotes may hold commas and
// doubled quotes (""). nullopt when a quote is left open. Fields are
// trimmed of surrounding blanks.
std::optional<std::vector<std::string>> split_lynx_fields(std::string_view line);

// Milliseconds of "ss.fff", "m:ss.fff" or "h:mm:ss.fff" (any number of
// fraction digits; past the thousandths they are dropped, never rounded:
// a photo-finish time is never made faster or slower by the adapter).
// nullopt for anything else, an empty text included.
std::optional<std::int64_t> parse_lynx_time(std::string_view text);

// A whole number with nothing around it; nullopt otherwise.
std::optional<int> parse_lynx_int(std::string_view text);

}  // namespace splitstream::adapters
