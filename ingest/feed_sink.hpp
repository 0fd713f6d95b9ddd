#pragma once
// What ingest hands to the daemon. Calls arrive on the daemon's event loop,
// in the order the daemon must apply them: messages strictly in feed order,
// never a duplicate; health facts where they happen.

#include <cstdint>
#include <optional>
#include <string>

#include "feed/engine.hpp"
#include "feed/message.hpp"
#include "feed/rejection.hpp"

namespace splitstream::ingest {

struct received_frame {
    std::string bytes;         // the frame as received
    std::int64_t wall_ns = 0;  // receive time, system clock, ns since the Unix epoch
    std::int64_t mono_ns = 0;  // receive time, steady clock, ns
    int line = 0;              // which upstream delivered it (0 = A, 1 = B, push: 2+)
};

class feed_sink {
public:
    virtual ~feed_sink() = default;
    // A message to apply now, in feed order (hello and heartbeat included).
    virtual void on_message(const received_frame& frame, const feed::feed_message& msg) = 0;
    // A frame refused by the parser (syntax or schema); seq when readable.
    virtual void on_rejected(const received_frame& frame, const feed::rejection& why,
                             std::optional<std::uint64_t> seq) = 0;
    // An upstream-health fact: connected, disconnected, gap, stale, resumed, epoch.
    virtual void on_notice(const feed::feed_notice& notice) = 0;
};

}  // namespace splitstream::ingest
