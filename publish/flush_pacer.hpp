#pragma once
// When the hub's next fan-out may run (docs/publish.md, "Frames and
// writes"). A fan-out that took d holds the next one back by d, so that
// while the loop is busy with writes the events pile up and each subscriber
// takes them in one gather write instead of one write each. But only when
// events are crowding in: an event that finds the loop idle goes out at
// once, whatever the last fan-out cost, so a steady feed slower than the
// fan-out is never delayed. Crowding that lasts (the fan-out that just ran
// was held back too) is load rather than two events that happened to come
// close together, and is held back three times as long.

#include <chrono>

namespace splitstream::publish {

class flush_pacer {
public:
    using clock = std::chrono::steady_clock;

    explicit flush_pacer(clock::duration max_delay) : max_delay_(max_delay) {}

    // When the fan-out for an event published at `now`, with none
    // scheduled yet, should run: `now`, or later when the event came hard
    // on the heels of the last fan-out (it waited while the writes ran, so
    // more are likely queued behind it).
    clock::time_point due(clock::time_point now);
    // A fan-out ran from `start` to `end`.
    void flushed(clock::time_point start, clock::time_point end);

private:
    clock::duration max_delay_;
    clock::time_point last_end_{};
    clock::duration last_took_{};
    bool next_held_ = false;  // the fan-out scheduled by the last due() was held back
    bool last_held_ = false;  // so was the one that ran last
};

}  // namespace splitstream::publish
