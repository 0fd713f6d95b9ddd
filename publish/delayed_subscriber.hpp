#pragma once
// A subscriber with a broadcast delay (`delay=`), as the hub's delay timer
// sees it. Delayed subscribers take no part in the fan-out: each is fed
// from the retained history, every event at its publish time + delay, by
// one hub timer that wakes at the earliest time any of them is due.

#include <chrono>
#include <cstddef>
#include <limits>

namespace splitstream::publish {

class delayed_subscriber {
public:
    virtual ~delayed_subscriber() = default;
    // Queues (and starts writing) every retained event due by `now`, and
    // asks the hub for a wake-up when its next one is due
    // (hub::wake_delayed_at). May close the subscriber (its next event was
    // evicted), which removes it from the hub.
    virtual void release_due(std::chrono::steady_clock::time_point now) = 0;

    std::chrono::milliseconds delay{0};
    std::size_t delay_index = std::numeric_limits<std::size_t>::max();  // owned by the hub
};

}  // namespace splitstream::publish
