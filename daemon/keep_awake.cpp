#include "daemon/keep_awake.hpp"

#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include "daemon/wall_clock.hpp"

namespace splitstream::daemon {

namespace {

// A few microseconds of spinning between looks at the clock and the loop's
// core; `pause` tells the core (and a hypervisor that watches for it) that
// this is a spin, not work.
void spin_a_little() noexcept {
    for (int i = 0; i < 256; ++i) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#elif defined(__aarch64__)
        asm volatile("yield");
#endif
    }
}

}  // namespace

keep_awake::keep_awake(std::chrono::milliseconds window, keep_awake_meters meters)
    : window_ns_(std::chrono::duration_cast<std::chrono::nanoseconds>(window).count()), meters_(meters) {
    thread_ = std::thread([this] { run(); });
    handle_ = thread_.native_handle();
    // Returns once the thread knows its priority, so that idle_priority()
    // is the answer and not a guess.
    tid_.wait(0);
}

keep_awake::~keep_awake() {
    stop_.store(true);
    asleep_.store(false);
    asleep_.notify_one();
    thread_.join();
}

void keep_awake::frame_arrived() noexcept {
    // seq_cst store then load here, seq_cst store then load in run(): one of
    // the two sides sees the other, so a frame never finds the thread
    // falling asleep without waking it.
    last_frame_ns_.store(steady_now_ns());
    if (const int core = sched_getcpu(); core >= 0) loop_core_.store(core, std::memory_order_relaxed);
    if (asleep_.load() && asleep_.exchange(false)) asleep_.notify_one();
}

std::chrono::nanoseconds keep_awake::cpu_time() const {
    clockid_t clock{};
    timespec used{};
    if (pthread_getcpuclockid(handle_, &clock) != 0 || clock_gettime(clock, &used) != 0) return {};
    return std::chrono::seconds(used.tv_sec) + std::chrono::nanoseconds(used.tv_nsec);
}

void keep_awake::set_spinning(bool spinning) noexcept {
    spinning_.store(spinning, std::memory_order_relaxed);
    if (meters_.spinning) meters_.spinning->set(spinning ? 1 : 0);
}

void keep_awake::count_cpu() noexcept {
    if (!meters_.cpu_microseconds) return;
    const std::int64_t used_us = std::chrono::duration_cast<std::chrono::microseconds>(cpu_time()).count();
    if (used_us <= counted_cpu_us_) return;
    meters_.cpu_microseconds->inc(static_cast<std::uint64_t>(used_us - counted_cpu_us_));
    counted_cpu_us_ = used_us;
}

bool keep_awake::hot(std::int64_t now) const noexcept {
    const auto last = last_frame_ns_.load();
    return last != 0 && now - last < window_ns_;
}

void keep_awake::pin_to(int core) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(core, &set);
    // Refused (the core left the process's set since): spin where the
    // kernel puts us until the loop moves.
    const bool pinned = pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
    pinned_core_.store(pinned ? core : -1);
}

void keep_awake::run() {
    sched_param lowest{};
    lowest.sched_priority = 0;
    idle_priority_.store(pthread_setschedparam(pthread_self(), SCHED_IDLE, &lowest) == 0);
    tid_.store(gettid());
    tid_.notify_all();
    if (!idle_priority_.load()) return;
    int tried_core = -1;
    // The CPU counter moves while the thread spins, not only when it sleeps:
    // a scrape in the middle of a race shows what the race costs so far.
    constexpr std::int64_t count_every_ns = 100'000'000;
    std::int64_t counted_at = 0;
    while (!stop_.load(std::memory_order_relaxed)) {
        if (const auto now = steady_now_ns(); hot(now)) {
            if (!spinning_.load(std::memory_order_relaxed)) {
                set_spinning(true);
                counted_at = now;
            } else if (now - counted_at >= count_every_ns) {
                count_cpu();
                counted_at = now;
            }
            // Follows the loop to the core it last read a frame on: each
            // core once, so a refusal is not asked again every spin.
            if (const int core = loop_core_.load(std::memory_order_relaxed);
                core >= 0 && core != tried_core) {
                tried_core = core;
                pin_to(core);
            }
            spin_a_little();
            continue;
        }
        if (spinning_.load(std::memory_order_relaxed)) {
            // Counted first: whoever sees it stop spinning sees all it spent.
            count_cpu();
            set_spinning(false);
        }
        asleep_.store(true);
        if (stop_.load() || hot(steady_now_ns())) {
            asleep_.store(false);
            continue;
        }
        asleep_.wait(true);
    }
    count_cpu();
    set_spinning(false);
}

}  // namespace splitstream::daemon
