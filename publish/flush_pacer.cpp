#include "publish/flush_pacer.hpp"

#include <algorithm>

namespace splitstream::publish {

namespace {

// Each fan-out's own figure weighs an eighth of the average: a pair of
// close events does not make load, a few fan-outs of a burst do.
constexpr double load_weight = 1.0 / 8;
// One fan-out's figure counts up to this: after an idle stretch, a burst
// shows as load within three fan-outs.
constexpr double load_sample_max = 8;

}  // namespace

flush_pacer::clock::time_point flush_pacer::due(clock::time_point now) {
    // A quarter of the last fan-out: an event processed right after it (it
    // was read while the writes ran) is crowded; one that arrived after a
    // stretch of idle loop is not.
    next_held_ = now - last_end_ < last_took_ / 4 && load_ > hold_above_;
    if (!next_held_) return now;
    // Held back twice running: the feed outpaces the fan-outs. Three times
    // the fan-out's time leaves the loop writing a quarter of the time
    // instead of half, and each subscriber takes three times the frames per
    // syscall (the kernel's cost is per syscall far more than per byte); a
    // chance pair of close events still waits only once the fan-out's time.
    const auto hold = last_held_ ? 3 * last_took_ : last_took_;
    return std::max(now, last_end_ + std::min(hold, max_delay_));
}

void flush_pacer::flushed(clock::time_point start, clock::time_point end, std::size_t events) {
    // The events this fan-out carried came since the last one started: per
    // that time, times what a fan-out takes, is the load. A hold stretches
    // the time and the events alike, so it does not change the figure.
    if (last_start_ != clock::time_point{} && start > last_start_) {
        const double since = std::chrono::duration<double>(start - last_start_).count();
        const double took = std::chrono::duration<double>(end - start).count();
        const double sample = std::min(static_cast<double>(events) * took / since, load_sample_max);
        load_ += load_weight * (sample - load_);
    }
    last_start_ = start;
    last_end_ = end;
    last_took_ = end - start;
    last_held_ = next_held_;
    next_held_ = false;
}

}  // namespace splitstream::publish
