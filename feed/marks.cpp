#include "feed/marks.hpp"

#include <charconv>

namespace splitstream::feed {

namespace {

std::int64_t round_up(std::int64_t ms, std::int64_t unit) {
    return (ms + unit - 1) / unit * unit;
}

}  // namespace

void mark_text::put_2(std::int64_t v) {
    put(static_cast<char>('0' + v / 10 % 10));
    put(static_cast<char>('0' + v % 10));
}

void mark_text::put_int(std::int64_t v) {
    auto r = std::to_chars(buf_ + len_, buf_ + sizeof buf_, v);
    len_ = static_cast<std::size_t>(r.ptr - buf_);
}

std::int64_t official_mark_ms(std::int64_t elapsed_ms, venue course) {
    if (elapsed_ms < 0) elapsed_ms = 0;
    return round_up(elapsed_ms, course == venue::road ? 1000 : 10);
}

mark_text print_mark(std::int64_t elapsed_ms, venue course) {
    const std::int64_t ms = official_mark_ms(elapsed_ms, course);
    const std::int64_t hundredths = ms / 10 % 100;
    const std::int64_t total_s = ms / 1000;
    const std::int64_t h = total_s / 3600;
    const std::int64_t m = total_s / 60 % 60;
    const std::int64_t s = total_s % 60;
    mark_text out;
    if (h > 0) {
        out.put_int(h);
        out.put(':');
        out.put_2(m);
        out.put(':');
        out.put_2(s);
    } else if (m > 0) {
        out.put_int(m);
        out.put(':');
        out.put_2(s);
    } else {
        out.put_int(s);
    }
    if (course == venue::track) {
        out.put('.');
        out.put_2(hundredths);
    }
    return out;
}

std::string format_mark(std::int64_t elapsed_ms, venue course) {
    return std::string(print_mark(elapsed_ms, course).view());
}

mark_text print_gap(std::int64_t gap_ms, venue course) {
    const mark_text mark = print_mark(gap_ms, course);
    mark_text out;
    out.put('+');
    for (char c : mark.view()) out.put(c);
    return out;
}

std::string format_gap(std::int64_t gap_ms, venue course) {
    return std::string(print_gap(gap_ms, course).view());
}

}  // namespace splitstream::feed
