#include "tools/sim/text_format.hpp"

namespace splitstream::sim {

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

}  // namespace splitstream::sim
