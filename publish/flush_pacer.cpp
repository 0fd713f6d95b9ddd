#include "publish/flush_pacer.hpp"

#include <algorithm>

namespace splitstream::publish {

flush_pacer::clock::time_point flush_pacer::due(clock::time_point now) {
    // A quarter of the last fan-out: an event processed right after it (it
    // was read while the writes ran) is crowded; one that arrived after a
    // stretch of idle loop is not.
    next_held_ = now - last_end_ < last_took_ / 4;
    if (!next_held_) return now;
    // Held back twice running: the feed outpaces the fan-outs. Three times
    // the fan-out's time leaves the loop writing a quarter of the time
    // instead of half, and each subscriber takes three times the frames per
    // syscall (the kernel's cost is per syscall far more than per byte); a
    // chance pair of close events still waits only once the fan-out's time.
    const auto hold = last_held_ ? 3 * last_took_ : last_took_;
    return std::max(now, last_end_ + std::min(hold, max_delay_));
}

void flush_pacer::flushed(clock::time_point start, clock::time_point end) {
    last_end_ = end;
    last_took_ = end - start;
    last_held_ = next_held_;
    next_held_ = false;
}

}  // namespace splitstream::publish
