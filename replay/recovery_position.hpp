#pragma once
// Where in the upstream feed a replayed journal has got to: the feed epoch
// of the last hello and the last seq consumed, which is what ingest needs
// to resume with `?since=`. Also the duplicate rule for frames that nobody
// filtered before they were stored (`splitstream record` journals), the
// same rule ingest applies live: within one feed epoch a data message whose
// seq is not above the last consumed one is a duplicate. Heartbeats repeat
// the last seq and are never duplicates.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "feed/message.hpp"

namespace splitstream::replay {

class feed_position {
public:
    // True when `msg` is not a duplicate.
    bool admit(const feed::feed_message& msg) const {
        if (msg.type() == feed::message_type::hello || msg.type() == feed::message_type::heartbeat)
            return true;
        return !last_seq_ || msg.seq > *last_seq_;
    }
    // Records that `msg` was consumed: applied, or refused by the engine
    // (its seq is used up either way; asking for it again gains nothing).
    void consumed(const feed::feed_message& msg) {
        if (const auto* hello = std::get_if<feed::hello_msg>(&msg.body)) {
            // A new epoch restarts the sequence; the same epoch resumes it.
            if (hello->epoch != epoch_) last_seq_.reset();
            epoch_ = hello->epoch;
        }
        if (msg.type() == feed::message_type::heartbeat) return;
        if (!last_seq_ || msg.seq > *last_seq_) last_seq_ = msg.seq;
    }

    std::optional<std::uint64_t> last_seq() const { return last_seq_; }
    const std::string& epoch() const { return epoch_; }

private:
    std::optional<std::uint64_t> last_seq_;
    std::string epoch_;
};

}  // namespace splitstream::replay
