#pragma once
// Official marks (PROTOCOL.md §3): track times are rounded up to the next
// 1/100 s, road times up to the next whole second, and printed as officials
// print them: "9.58", "3:27.65", "1:02:11.20" (track); "27:45", "2:01:09" (road).

#include <cstdint>
#include <string>

#include "feed/message.hpp"

namespace splitstream::feed {

// The mark in milliseconds after rounding up for `course`.
std::int64_t official_mark_ms(std::int64_t elapsed_ms, venue course);

// The printed mark of an unrounded time.
std::string format_mark(std::int64_t elapsed_ms, venue course);

// A gap such as "+0.27" (track: hundredths rounded up; road: "+4").
std::string format_gap(std::int64_t gap_ms, venue course);

}  // namespace splitstream::feed
