#pragma once
// When the hub's next fan-out may run (docs/publish.md, "Frames and
// writes"). While the feed brings more than two events in the time a
// fan-out takes (1.3 with the send ring's cheaper fan-outs), a fan-out that took d holds the next one back by
// d, so that the events pile up and each subscriber takes them in one gather write instead of one write each;
// crowding that lasts (the fan-out that just ran was held back too) is held back three times as long. Below
// that load nothing is held back: an event read while the writes ran goes out right after them, with whatever
// else came meanwhile, which costs it the least latency the one loop allows. An event that finds the loop
// idle always goes out at once.

#include <chrono>
#include <cstddef>

namespace splitstream::publish {

class flush_pacer {
public:
    using clock = std::chrono::steady_clock;

    // `hold_above`: the load (events per fan-out time) above which crowded
    // events are held back. Holding back halves the CPU per event at any
    // load, and costs each held event up to three fan-outs' time. Below two
    // events per fan-out time the loop keeps up without (at 100 subscribers
    // and 1,000 events a second the load is 0.5-1, at times near 2 on a
    // slow machine), so latency comes first; above it, the writes' cost.
    // Fan-outs through the send ring take a third less time, so the same
    // feed shows as a third less load: the same point is 1.3. Left at 2
    // there, a feed paced by its subscribers (scenario (c) of
    // docs/benchmarks.md) settled at a load just below it, unheld, in
    // frames of 2-3 events instead of 25, at 3x the CPU per delivery.
    static constexpr double hold_above_sendmsg = 2;
    static constexpr double hold_above_send_ring = 1.3;

    explicit flush_pacer(clock::duration max_delay, double hold_above = hold_above_sendmsg)
        : max_delay_(max_delay), hold_above_(hold_above) {}

    // When the fan-out for an event published at `now`, with none
    // scheduled yet, should run: `now`, or later when the event came hard
    // on the heels of the last fan-out (it waited while the writes ran)
    // and the feed outpaces the fan-outs.
    clock::time_point due(clock::time_point now);
    // A fan-out of `events` events ran from `start` to `end`.
    void flushed(clock::time_point start, clock::time_point end, std::size_t events);

    // The feed's recent load: events per fan-out time (1 keeps the loop
    // busy with fan-outs of one event each); held back above hold_above.
    double load() const { return load_; }

private:
    clock::duration max_delay_;
    double hold_above_;
    clock::time_point last_start_{};
    clock::time_point last_end_{};
    clock::duration last_took_{};
    double load_ = 0;         // events per fan-out time, averaged over the last fan-outs
    bool next_held_ = false;  // the fan-out scheduled by the last due() was held back
    bool last_held_ = false;  // so was the one that ran last
};

}  // namespace splitstream::publish
