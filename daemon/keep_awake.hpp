#pragma once
// Keeps the core of the loop that reads the feed from halting while the
// feed is live, so that the next frame is read the moment it lands.
//
// Why: on a virtual machine a core with nothing to run halts, and waking it
// for the next frame is the hypervisor's business: measured on a 2-vCPU VM
// at 1,000 frames a second, 1.3 % of the frames waited 1.95 ms or more
// between the sender's write and the loop's read, and 0.01 % while the
// core was kept busy (docs/benchmarks.md, "Where (a)'s tail comes from").
// A bare-metal core wakes in microseconds: there this is not needed.
//
// How: one thread at SCHED_IDLE, the lowest priority there is, spins on the
// core where the loop last read a frame, for as long as frames keep coming
// within `window`. It runs only when nothing else on that core wants to:
// the loop, the kernel's own threads and every other process come first.
// After `window` without a frame it sleeps and costs nothing. The price is
// the core shown busy (and its power) while the feed is live. Where the
// kernel refuses SCHED_IDLE the thread does not spin at all: at any other
// priority it would take time from the loop.
//
// What it costs shows in /metrics, apart from the daemon's own work:
// `keep_awake_spinning` and `keep_awake_cpu_microseconds_total`.

#include <pthread.h>
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

#include "base/metrics.hpp"

namespace splitstream::daemon {

// Where the thread reports, when the daemon wants it to: 1 while it spins,
// 0 while it sleeps; and the CPU it has used, in microseconds, brought up
// to date when it falls asleep and every 100 ms while it spins.
struct keep_awake_meters {
    gauge* spinning = nullptr;
    counter* cpu_microseconds = nullptr;
};

class keep_awake {
public:
    // Starts the thread, asleep until the first frame.
    explicit keep_awake(std::chrono::milliseconds window, keep_awake_meters meters = {});
    // Stops and joins the thread, spinning or asleep.
    ~keep_awake();
    keep_awake(const keep_awake&) = delete;
    keep_awake& operator=(const keep_awake&) = delete;

    // The loop has read a frame (the daemon counts race frames, not
    // heartbeats): keep its core awake for `window` from now.
    // Called on the loop's thread, for every frame: two atomic stores and a
    // load, and a wake-up only when the thread was asleep.
    void frame_arrived() noexcept;

    // What the thread is doing now.
    bool spinning() const noexcept { return spinning_.load(); }
    // Its kernel thread id once it has started (0 before), and whether it
    // runs at SCHED_IDLE (false when the kernel refused: then it never spins).
    pid_t thread_id() const noexcept { return tid_.load(); }
    bool idle_priority() const noexcept { return idle_priority_.load(); }
    // The core it spins on: where the loop last read a frame (-1 before).
    int core() const noexcept { return pinned_core_.load(); }
    // The CPU time the thread has used so far.
    std::chrono::nanoseconds cpu_time() const;

private:
    void run();
    bool hot(std::int64_t now_ns) const noexcept;
    void pin_to(int core);
    void set_spinning(bool spinning) noexcept;
    void count_cpu() noexcept;

    const std::int64_t window_ns_;
    const keep_awake_meters meters_;
    // Of the thread's own CPU, what count_cpu() has reported (its thread only).
    std::int64_t counted_cpu_us_ = 0;
    std::atomic<std::int64_t> last_frame_ns_{0};
    std::atomic<int> loop_core_{-1};
    std::atomic<int> pinned_core_{-1};
    std::atomic<bool> asleep_{false};
    std::atomic<bool> spinning_{false};
    std::atomic<bool> stop_{false};
    std::atomic<pid_t> tid_{0};
    std::atomic<bool> idle_priority_{false};
    std::thread thread_;
    pthread_t handle_{};
};

}  // namespace splitstream::daemon
