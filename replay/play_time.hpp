#pragma once
// The times the live player takes for --from and --to.

#include <cstdint>
#include <optional>
#include <string_view>

namespace splitstream::replay {

// An offset into the recording ("90", "90.5", "1:30", "1:02:03") or an ISO
// 8601 UTC time, made relative to `first_unix_ms` (nullopt when the
// recording's start is not known). Milliseconds; nullopt for anything else.
std::optional<std::int64_t> parse_play_time(std::string_view text, std::optional<std::int64_t> first_unix_ms);

}  // namespace splitstream::replay
