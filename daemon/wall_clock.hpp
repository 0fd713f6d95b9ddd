#pragma once
// The two clocks the daemon reads: the steady clock in ns (what ingest
// stamps frames with, for the latency histogram) and the wall clock as
// ISO 8601 text (feed notices, the stream epoch).

#include <chrono>
#include <cstdint>
#include <string>

#include "feed/iso_time.hpp"

namespace splitstream::daemon {

inline std::int64_t steady_now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

inline std::string utc_now_iso() {
    const auto now = std::chrono::system_clock::now();
    return feed::format_iso_ms(
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
}

}  // namespace splitstream::daemon
