#pragma once
// Official marks (PROTOCOL.md §3): track times are rounded up to the next
// 1/100 s, road times up to the next whole second, and printed as officials
// print them: "9.58", "3:27.65", "1:02:11.20" (track); "27:45", "2:01:09" (road).

#include <cstdint>
#include <string>
#include <string_view>

#include "feed/message.hpp"

namespace splitstream::feed {

// The mark in milliseconds after rounding up for `course`.
std::int64_t official_mark_ms(std::int64_t elapsed_ms, venue course);

// A printed mark or gap held on the stack: every split prints one or two,
// and a std::string each would be a heap allocation on the hot path.
class mark_text {
public:
    std::string_view view() const { return {buf_, len_}; }
    operator std::string_view() const { return view(); }

private:
    friend mark_text print_mark(std::int64_t, venue);
    friend mark_text print_gap(std::int64_t, venue);
    void put(char c) { buf_[len_++] = c; }
    void put_2(std::int64_t v);
    void put_int(std::int64_t v);

    char buf_[32];  // the longest mark of an int64 of ms fits with room to spare
    std::size_t len_ = 0;
};

// The printed mark of an unrounded time.
mark_text print_mark(std::int64_t elapsed_ms, venue course);
std::string format_mark(std::int64_t elapsed_ms, venue course);

// A gap such as "+0.27" (track: hundredths rounded up; road: "+4").
mark_text print_gap(std::int64_t gap_ms, venue course);
std::string format_gap(std::int64_t gap_ms, venue course);

}  // namespace splitstream::feed
