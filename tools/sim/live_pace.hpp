#pragma once
// The clock of sim's live modes that push to a consumer (`--connect`,
// `--post`): an item stamped `ts` is due (ts - session start) / speed after
// the first wait began, against absolute deadlines on the steady clock, so
// waits do not add up. Speed 0 is "max": nothing waits.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace splitstream::sim {

class live_pace {
public:
    live_pace(std::int64_t session_start_unix_ms, double speed);

    // Sleeps until the item stamped `ts` (ISO 8601) is due; an item that does
    // not read as a time, or is already due, does not wait.
    void wait_for(std::string_view ts);

private:
    std::int64_t session_start_ms_;
    double speed_;
    std::optional<std::chrono::steady_clock::time_point> started_;
};

}  // namespace splitstream::sim
