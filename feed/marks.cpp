#include "feed/marks.hpp"

namespace splitstream::feed {

namespace {

std::int64_t round_up(std::int64_t ms, std::int64_t unit) {
    return (ms + unit - 1) / unit * unit;
}

void append_2(std::string& out, std::int64_t v) {
    out += static_cast<char>('0' + v / 10 % 10);
    out += static_cast<char>('0' + v % 10);
}

}  // namespace

std::int64_t official_mark_ms(std::int64_t elapsed_ms, venue course) {
    if (elapsed_ms < 0) elapsed_ms = 0;
    return round_up(elapsed_ms, course == venue::road ? 1000 : 10);
}

std::string format_mark(std::int64_t elapsed_ms, venue course) {
    const std::int64_t ms = official_mark_ms(elapsed_ms, course);
    const std::int64_t hundredths = ms / 10 % 100;
    const std::int64_t total_s = ms / 1000;
    const std::int64_t h = total_s / 3600;
    const std::int64_t m = total_s / 60 % 60;
    const std::int64_t s = total_s % 60;
    std::string out;
    out.reserve(12);
    if (h > 0) {
        out += std::to_string(h);
        out += ':';
        append_2(out, m);
        out += ':';
        append_2(out, s);
    } else if (m > 0) {
        out += std::to_string(m);
        out += ':';
        append_2(out, s);
    } else {
        out += std::to_string(s);
    }
    if (course == venue::track) {
        out += '.';
        append_2(out, hundredths);
    }
    return out;
}

std::string format_gap(std::int64_t gap_ms, venue course) {
    std::string out(1, '+');
    out += format_mark(gap_ms, course);
    return out;
}

}  // namespace splitstream::feed
