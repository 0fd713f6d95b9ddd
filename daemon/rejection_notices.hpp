#pragma once
// How the daemon tells of refused frames without flooding anyone: one log
// line per burst for the race rules' refusals (ingest logs the parser's
// own), and at most one `rejected` feed event per interval for subscribers,
// carrying the count since the last one.

#include <spdlog/logger.h>

#include <chrono>
#include <cstdint>
#include <optional>

#include "base/log_burst.hpp"
#include "feed/engine.hpp"
#include "feed/rejection.hpp"

namespace splitstream::daemon {

class rejection_notices {
public:
    using clock = std::chrono::steady_clock;

    rejection_notices(std::chrono::milliseconds log_interval, std::chrono::milliseconds notice_interval)
        : notice_interval_(notice_interval), rule_log_(log_interval) {}

    // One refused frame (`seq` when readable) at `now`. `by_rules`: refused
    // by the race engine, logged here on `log` when a line is due. Returns
    // the `rejected` notice to journal and publish when one is due;
    // `last_feed_seq` is the feed position it reports.
    std::optional<feed::feed_notice> on_rejected(const feed::rejection& why, std::optional<std::uint64_t> seq,
                                                 bool by_rules, std::uint64_t last_feed_seq,
                                                 clock::time_point now, spdlog::logger& log);

private:
    std::chrono::milliseconds notice_interval_;
    clock::time_point last_notice_{};
    std::uint64_t since_notice_ = 0;
    log_burst rule_log_;  // the race rules' refusals
};

}  // namespace splitstream::daemon
