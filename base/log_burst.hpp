#pragma once
// One log line per burst: a warning that a client or an upstream can cause
// at will (a refused connection, a rejected frame) is logged at most once
// per interval, and the next line logged says how many were not. A peer
// that repeats the fault a thousand times a second then costs one line a
// second, not a full disk. Not thread-safe: one per executor.

#include <chrono>
#include <cstdint>
#include <optional>

namespace splitstream {

class log_burst {
public:
    using clock = std::chrono::steady_clock;

    explicit log_burst(std::chrono::milliseconds interval = std::chrono::seconds(1)) : interval_(interval) {}

    // Whether to log this occurrence now. When it says yes, the value is how
    // many occurrences since the last line were not logged (0: none).
    std::optional<std::uint64_t> admit(clock::time_point now = clock::now()) {
        if (logged_once_ && now - last_ < interval_) {
            ++unlogged_;
            return std::nullopt;
        }
        logged_once_ = true;
        last_ = now;
        const auto skipped = unlogged_;
        unlogged_ = 0;
        return skipped;
    }

private:
    std::chrono::milliseconds interval_;
    clock::time_point last_{};
    bool logged_once_ = false;
    std::uint64_t unlogged_ = 0;
};

}  // namespace splitstream
