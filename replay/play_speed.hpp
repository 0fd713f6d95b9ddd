#pragma once
// The --speed of both players (`sim --serve`, `replay --serve`): the one
// reading of a speed factor in the tree.

#include <optional>
#include <string_view>

namespace splitstream::replay {

// "max" is 0 (as fast as possible); otherwise a finite factor above 0 in
// decimal ("1", "2.5", "1e1"), the whole text and nothing else: "2x", "0",
// "-1", "inf", "nan", " 2" and "" are nullopt.
std::optional<double> parse_play_speed(std::string_view text);

}  // namespace splitstream::replay
