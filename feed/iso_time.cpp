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

bool read_digits(std::string_view s, std::size_t pos, std::size_t n, std::int64_t& out) {
    if (pos + n > s.size()) return false;
    out = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        out = out * 10 + (s[i] - '0');
    }
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

std::optional<std::int64_t> parse_iso_ms(std::string_view s) {
    std::int64_t y, mo, d, h, mi, sec, ms = 0;
    if (!read_digits(s, 0, 4, y) || s.size() < 19 || s[4] != '-' || !read_digits(s, 5, 2, mo) ||
        s[7] != '-' || !read_digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != ' ') ||
        !read_digits(s, 11, 2, h) || s[13] != ':' || !read_digits(s, 14, 2, mi) || s[16] != ':' ||
        !read_digits(s, 17, 2, sec))
        return std::nullopt;
    std::size_t pos = 19;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        std::int64_t scale = 100;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            ms += (s[pos] - '0') * scale;
            scale /= 10;
            ++pos;
        }
    }
    std::int64_t offset_min = 0;
    const std::string_view zone = s.substr(pos);
    if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
        std::int64_t oh, om;
        if (!read_digits(zone, 1, 2, oh) || !read_digits(zone, 4, 2, om) || oh > 23 || om > 59)
            return std::nullopt;
        offset_min = (zone[0] == '-' ? -1 : 1) * (oh * 60 + om);
    } else if (zone != "Z" && !zone.empty()) {
        return std::nullopt;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
    auto days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    // Local time = UTC + offset.
    return ((days * 24 + h) * 60 + mi - offset_min) * 60000 + sec * 1000 + ms;
}

}  // namespace splitstream::feed
