#include "publish/flush_pacer.hpp"

#include <algorithm>

namespace splitstream::publish {

flush_pacer::clock::time_point flush_pacer::due(clock::time_point now) const {
    // A quarter of the last fan-out: an event processed right after it (it
    // was read while the writes ran) is crowded; one that arrived after a
    // stretch of idle loop is not.
    const bool crowded = now - last_end_ < last_took_ / 4;
    if (!crowded) return now;
    return std::max(now, last_end_ + std::min(last_took_, max_delay_));
}

void flush_pacer::flushed(clock::time_point start, clock::time_point end) {
    last_end_ = end;
    last_took_ = end - start;
}

}  // namespace splitstream::publish
