#include "daemon/rejection_notices.hpp"

#include <string>

#include "daemon/wall_clock.hpp"

namespace splitstream::daemon {

std::optional<feed::feed_notice> rejection_notices::on_rejected(const feed::rejection& why,
                                                                std::optional<std::uint64_t> seq,
                                                                bool by_rules, std::uint64_t last_feed_seq,
                                                                clock::time_point now, spdlog::logger& log) {
    ++since_notice_;
    const std::string seq_text = seq ? std::to_string(*seq) : "?";
    // A feed that breaks the rules on every frame must not flood the log.
    if (by_rules) {
        if (const auto unlogged = rule_log_.admit(now)) {
            if (*unlogged > 0)
                log.warn("frame seq {} refused by the race rules: {}: {} ({} more since the last line)",
                         seq_text, feed::to_string(why.reason), why.detail, *unlogged);
            else
                log.warn("frame seq {} refused by the race rules: {}: {}", seq_text,
                         feed::to_string(why.reason), why.detail);
        }
    }
    if (now - last_notice_ < notice_interval_) return std::nullopt;
    last_notice_ = now;
    feed::feed_notice n;
    n.state = "rejected";
    n.ts = utc_now_iso();
    n.src_seq = last_feed_seq;
    n.text = "Timing feed: frame seq " + seq_text + " rejected (" + feed::to_string(why.reason) + ")";
    n.details = {{"reason", std::string(feed::to_string(why.reason))},
                 {"detail", why.detail},
                 {"count", static_cast<std::int64_t>(since_notice_)}};
    if (seq) n.details.emplace_back("frame_seq", static_cast<std::int64_t>(*seq));
    since_notice_ = 0;
    return n;
}

}  // namespace splitstream::daemon
