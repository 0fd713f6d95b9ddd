#pragma once
// Text conversions the simulator needs: JSON string escaping, ISO 8601 UTC
// timestamps to and from milliseconds since 1970, and athletics marks
// ("3:29.38", "10.71") to and from milliseconds. Pure and locale-free.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "feed/iso_time.hpp"
#include "feed/json_writer.hpp"
#include "feed/marks.hpp"

namespace splitstream::sim {

// One JSON string escaper for the whole project: the engine's.
using feed::append_json_string;

// The project's ISO 8601 conversions: feed/iso_time.hpp.
using feed::format_iso_ms;
using feed::parse_iso_ms;

// Parses "SS.hh", "M:SS.hh", "H:MM:SS[.hh]" into ms; nullopt on bad text.
std::optional<std::int64_t> parse_mark_ms(std::string_view mark);
// The official track mark (PROTOCOL.md §3), as the engine prints it
// (feed/marks.hpp): rounded up to 1/100 s, "SS.hh", "M:SS.hh" or
// "H:MM:SS.hh".
inline std::string format_track_mark(std::int64_t elapsed_ms) {
    return feed::format_mark(elapsed_ms, feed::venue::track);
}

}  // namespace splitstream::sim
