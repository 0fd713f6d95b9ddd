#include "tools/sim/text_format.hpp"

#include <cstdio>

namespace splitstream::sim {

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
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ", static_cast<long long>(y),
                  m, d, static_cast<long long>(ms_of_day / 3600000),
                  static_cast<long long>(ms_of_day / 60000 % 60),
                  static_cast<long long>(ms_of_day / 1000 % 60), static_cast<long long>(ms_of_day % 1000));
    return buf;
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
    std::string_view zone = s.substr(pos);
    if (zone != "Z" && zone != "+00:00" && !zone.empty()) return std::nullopt;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
    auto days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    return ((days * 24 + h) * 60 + mi) * 60000 + sec * 1000 + ms;
}

std::optional<std::int64_t> parse_mark_ms(std::string_view s) {
    if (s.empty()) return std::nullopt;
    std::int64_t total_s = 0;
    std::int64_t part = 0;
    bool have_digit = false;
    std::size_t i = 0;
    for (; i < s.size() && s[i] != '.'; ++i) {
        if (s[i] == ':') {
            if (!have_digit) return std::nullopt;
            total_s = total_s * 60 + part;
            part = 0;
            have_digit = false;
        } else if (s[i] >= '0' && s[i] <= '9') {
            part = part * 10 + (s[i] - '0');
            have_digit = true;
        } else {
            return std::nullopt;
        }
    }
    if (!have_digit) return std::nullopt;
    total_s = total_s * 60 + part;
    std::int64_t frac_ms = 0;
    if (i < s.size()) {
        std::int64_t scale = 100;
        for (++i; i < s.size(); ++i) {
            if (s[i] < '0' || s[i] > '9' || scale == 0) return std::nullopt;
            frac_ms += (s[i] - '0') * scale;
            scale /= 10;
        }
    }
    return total_s * 1000 + frac_ms;
}

std::string format_track_mark(std::int64_t elapsed_ms) {
    std::int64_t hundredths = (elapsed_ms + 9) / 10;
    std::int64_t secs = hundredths / 100;
    char buf[96];
    if (secs >= 3600)
        std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld.%02lld", static_cast<long long>(secs / 3600),
                      static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60),
                      static_cast<long long>(hundredths % 100));
    else if (secs >= 60)
        std::snprintf(buf, sizeof buf, "%lld:%02lld.%02lld", static_cast<long long>(secs / 60),
                      static_cast<long long>(secs % 60), static_cast<long long>(hundredths % 100));
    else
        std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(secs),
                      static_cast<long long>(hundredths % 100));
    return buf;
}

}  // namespace splitstream::sim
