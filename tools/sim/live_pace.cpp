#include "tools/sim/live_pace.hpp"

#include <thread>

#include "feed/iso_time.hpp"

namespace splitstream::sim {

live_pace::live_pace(std::int64_t session_start_unix_ms, double speed)
    : session_start_ms_(session_start_unix_ms), speed_(speed) {}

void live_pace::wait_for(std::string_view ts) {
    if (!started_) started_ = std::chrono::steady_clock::now();
    const auto at = feed::parse_iso_ms(ts);
    if (speed_ <= 0 || !at || *at <= session_start_ms_) return;
    const auto offset = std::chrono::duration<double, std::milli>((*at - session_start_ms_) / speed_);
    std::this_thread::sleep_until(*started_ +
                                  std::chrono::duration_cast<std::chrono::steady_clock::duration>(offset));
}

}  // namespace splitstream::sim
