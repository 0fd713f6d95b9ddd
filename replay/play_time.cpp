// Reading --from and --to (replay/play_time.hpp).

#include "replay/play_time.hpp"

#include "feed/iso_time.hpp"

namespace splitstream::replay {

std::optional<std::int64_t> parse_play_time(std::string_view text,
                                            std::optional<std::int64_t> first_unix_ms) {
    if (text.size() >= 19 && text[4] == '-') {
        auto t = feed::parse_iso_ms(text);
        if (!t || !first_unix_ms) return std::nullopt;
        return *t - *first_unix_ms;
    }
    double total = 0, part = 0, frac_scale = 0;
    bool digit = false;
    for (char c : text) {
        if (c >= '0' && c <= '9') {
            digit = true;
            if (frac_scale > 0) {
                part += (c - '0') * frac_scale;
                frac_scale /= 10;
            } else {
                part = part * 10 + (c - '0');
            }
        } else if (c == ':' && frac_scale == 0 && digit) {
            total = (total + part) * 60;
            part = 0;
            digit = false;
        } else if (c == '.' && frac_scale == 0) {
            frac_scale = 0.1;
        } else {
            return std::nullopt;
        }
    }
    if (!digit && frac_scale == 0) return std::nullopt;
    return static_cast<std::int64_t>((total + part) * 1000 + 0.5);
}

}  // namespace splitstream::replay
