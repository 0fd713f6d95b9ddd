// Reading --speed (replay/play_speed.hpp).

#include "replay/play_speed.hpp"

#include <charconv>
#include <cmath>

namespace splitstream::replay {

std::optional<double> parse_play_speed(std::string_view text) {
    if (text == "max") return 0.0;
    double v = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, v);
    // An infinite factor would put every frame at the start and make the
    // loop arithmetic overflow; "max" says what it means.
    if (ec != std::errc{} || ptr != end || !std::isfinite(v) || !(v > 0)) return std::nullopt;
    return v;
}

}  // namespace splitstream::replay
