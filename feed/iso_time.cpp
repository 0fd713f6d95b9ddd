#include "feed/iso_time.hpp"

namespace splitstream::feed {

namespace {

// Howard Hinnant's days_from_civil / civil_from_days.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
}

int days_in_month(int year, int month) {
    static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month != 2) return days[month - 1];
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return leap ? 29 : 28;
}

// The N digits at p as a number; false if any is not a digit. The caller
// has checked that they are inside the text.
template <int N>
bool read_digits(const char* p, int& out) {
    out = 0;
    for (int i = 0; i < N; ++i) {
        const auto digit = static_cast<unsigned>(p[i] - '0');
        if (digit > 9) return false;
        out = out * 10 + static_cast<int>(digit);
    }
    return true;
}

// The parts of a time as written, before any check of their ranges.
struct iso_parts {
    int y, mo, d, h, mi, sec, ms = 0, offset_min = 0;
};

// The one grammar, both modes (iso_time.hpp says what each takes).
bool read_iso(std::string_view s, iso_grammar grammar, iso_parts& out) {
    const bool strict = grammar == iso_grammar::strict;
    // Read into a local: stores through `out` could alias the text, which
    // would keep every part in memory rather than in registers.
    iso_parts t;
    if (s.size() < 19) return false;
    const char* p = s.data();
    if (!read_digits<4>(p, t.y) || p[4] != '-' || !read_digits<2>(p + 5, t.mo) || p[7] != '-' ||
        !read_digits<2>(p + 8, t.d) || (p[10] != 'T' && (strict || p[10] != ' ')) ||
        !read_digits<2>(p + 11, t.h) || p[13] != ':' || !read_digits<2>(p + 14, t.mi) || p[16] != ':' ||
        !read_digits<2>(p + 17, t.sec))
        return false;
    std::size_t pos = 19;
    if (pos < s.size() && s[pos] == '.') {
        const std::size_t first = ++pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            // Digits past the milliseconds are read over, not kept.
            if (pos - first < 3) t.ms = t.ms * 10 + (s[pos] - '0');
            ++pos;
        }
        const std::size_t digits = pos - first;
        if (digits < 3) t.ms *= digits == 2 ? 10 : digits == 1 ? 100 : 1;
        // Nanoseconds are the finest a timing system sends.
        if (strict && (digits == 0 || digits > 9)) return false;
    }
    if (pos == s.size()) {
        if (strict) return false;  // no zone: UTC
    } else if (s[pos] == 'Z') {
        if (pos + 1 != s.size()) return false;
    } else if ((s[pos] == '+' || s[pos] == '-') && pos + 6 == s.size() && s[pos + 3] == ':') {
        int oh, om;
        if (!read_digits<2>(p + pos + 1, oh) || !read_digits<2>(p + pos + 4, om) || oh > 23 || om > 59)
            return false;
        t.offset_min = (s[pos] == '-' ? -1 : 1) * (oh * 60 + om);
    } else {
        return false;
    }
    if (t.mo < 1 || t.mo > 12) return false;
    const int last_day = strict ? days_in_month(t.y, t.mo) : 31;
    if (t.d < 1 || t.d > last_day || t.h > 23 || t.mi > 59 || t.sec > 60) return false;
    out = t;
    return true;
}

}  // namespace

std::string format_iso_ms(std::int64_t unix_ms) {
    std::int64_t days = unix_ms >= 0 ? unix_ms / 86400000 : (unix_ms - 86399999) / 86400000;
    std::int64_t ms_of_day = unix_ms - days * 86400000;
    std::int64_t y;
    unsigned m, d;
    civil_from_days(days, y, m, d);
    std::string out;
    out.reserve(24);
    // Zero-padded to `width` digits (a year past 9999 takes more).
    auto put = [&out](std::int64_t v, int width, char after) {
        if (v < 0) {
            out += '-';
            v = -v;
        }
        char digits[20];
        int n = 0;
        do {
            digits[n++] = static_cast<char>('0' + v % 10);
            v /= 10;
        } while (v > 0);
        for (int i = n; i < width; ++i) out += '0';
        while (n > 0) out += digits[--n];
        out += after;
    };
    put(y, 4, '-');
    put(m, 2, '-');
    put(d, 2, 'T');
    put(ms_of_day / 3600000, 2, ':');
    put(ms_of_day / 60000 % 60, 2, ':');
    put(ms_of_day / 1000 % 60, 2, '.');
    put(ms_of_day % 1000, 3, 'Z');
    return out;
}

std::optional<std::int64_t> parse_iso_ms(std::string_view iso, iso_grammar grammar) {
    iso_parts t;
    if (!read_iso(iso, grammar, t)) return std::nullopt;
    auto days = days_from_civil(t.y, static_cast<unsigned>(t.mo), static_cast<unsigned>(t.d));
    // Local time = UTC + offset.
    return ((days * 24 + t.h) * 60 + t.mi - t.offset_min) * 60000 + std::int64_t{t.sec} * 1000 + t.ms;
}

bool is_iso_timestamp(std::string_view iso, iso_grammar grammar) {
    iso_parts t;
    return read_iso(iso, grammar, t);
}

}  // namespace splitstream::feed
