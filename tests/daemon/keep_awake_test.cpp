// The feed loop's core kept awake (daemon/keep_awake.hpp): a thread at the
// lowest priority that spins on the loop's core while frames keep coming,
// and sleeps, costing nothing, once they stop.

#include "daemon/keep_awake.hpp"

#include <gtest/gtest.h>
#include <sched.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace splitstream::daemon {
namespace {

using namespace std::chrono_literals;

// Polls `done` every millisecond for at most five seconds.
template <class Done>
bool within_five_seconds(Done done) {
    for (int i = 0; i < 5000; ++i) {
        if (done()) return true;
        std::this_thread::sleep_for(1ms);
    }
    return done();
}

std::vector<int> allowed_cores() {
    cpu_set_t set;
    CPU_ZERO(&set);
    std::vector<int> cores;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return cores;
    for (int c = 0; c < CPU_SETSIZE; ++c)
        if (CPU_ISSET(c, &set)) cores.push_back(c);
    return cores;
}

// The calling thread on one core for the life of the object, as the daemon
// is when an operator pins it.
class pinned_to {
public:
    explicit pinned_to(int core) {
        sched_getaffinity(0, sizeof before_, &before_);
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(core, &one);
        sched_setaffinity(0, sizeof one, &one);
    }
    ~pinned_to() { sched_setaffinity(0, sizeof before_, &before_); }

private:
    cpu_set_t before_{};
};

TEST(KeepAwake, RunsAtTheIdlePriorityAndSleepsUntilTheFirstFrame) {
    keep_awake awake(1s);
    ASSERT_NE(awake.thread_id(), 0);
    ASSERT_TRUE(awake.idle_priority());
    EXPECT_EQ(sched_getscheduler(awake.thread_id()), SCHED_IDLE);
    EXPECT_FALSE(awake.spinning());
    const auto before = awake.cpu_time();
    std::this_thread::sleep_for(100ms);
    EXPECT_LT(awake.cpu_time() - before, 5ms) << "a feed that has sent nothing costs nothing";
    EXPECT_FALSE(awake.spinning());
}

TEST(KeepAwake, SpinsWhileFramesComeWithinTheWindowThenSleeps) {
    // Long beside the 50 ms between frames: a loaded machine that stalls
    // this thread for less than a second does not make the feed look idle.
    constexpr auto window = 1s;
    keep_awake awake(window);
    ASSERT_TRUE(awake.idle_priority());
    awake.frame_arrived();
    ASSERT_TRUE(within_five_seconds([&] { return awake.spinning(); }));
    const auto at_first_spin = awake.cpu_time();
    for (int i = 0; i < 8; ++i) {
        std::this_thread::sleep_for(50ms);
        awake.frame_arrived();
        EXPECT_TRUE(awake.spinning()) << "frame " << i << " came within the window";
    }
    EXPECT_GT(awake.cpu_time(), at_first_spin) << "it spun while the feed was live";

    const auto before_last = std::chrono::steady_clock::now();
    awake.frame_arrived();
    ASSERT_TRUE(within_five_seconds([&] { return !awake.spinning(); }));
    EXPECT_GE(std::chrono::steady_clock::now() - before_last, window) << "it slept before the window ended";

    // Asleep: no CPU at all, whatever else the machine is doing.
    const auto asleep = awake.cpu_time();
    std::this_thread::sleep_for(200ms);
    EXPECT_LT(awake.cpu_time() - asleep, 5ms);
    EXPECT_FALSE(awake.spinning());

    // The next frame wakes it.
    awake.frame_arrived();
    EXPECT_TRUE(within_five_seconds([&] { return awake.spinning(); }));
}

TEST(KeepAwake, ReportsWhetherItSpinsAndTheCpuItSpent) {
    gauge spinning;
    counter cpu_us;
    keep_awake awake(300ms, {.spinning = &spinning, .cpu_microseconds = &cpu_us});
    ASSERT_TRUE(awake.idle_priority());
    EXPECT_EQ(spinning.value(), 0);
    EXPECT_EQ(cpu_us.value(), 0u);

    awake.frame_arrived();
    ASSERT_TRUE(within_five_seconds([&] { return spinning.value() == 1; }));
    // Counted every 100 ms while it spins: a scrape mid-race sees it move.
    ASSERT_TRUE(within_five_seconds([&] {
        awake.frame_arrived();
        return cpu_us.value() > 0;
    })) << "the counter moves while it spins";

    ASSERT_TRUE(within_five_seconds([&] { return !awake.spinning(); }));
    EXPECT_EQ(spinning.value(), 0);
    // Once asleep the counter holds all the thread has used, to the
    // microsecond, but for what it used after counting (far less than 1 ms).
    const auto used = std::chrono::duration_cast<std::chrono::microseconds>(awake.cpu_time()).count();
    const auto counted = static_cast<std::int64_t>(cpu_us.value());
    EXPECT_LE(counted, used);
    EXPECT_GE(counted, used - 1000);
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(static_cast<std::int64_t>(cpu_us.value()), counted) << "nothing counted while asleep";
}

TEST(KeepAwake, FollowsTheLoopToTheCoreItReadAFrameOn) {
    const auto cores = allowed_cores();
    ASSERT_FALSE(cores.empty());
    keep_awake awake(10s);
    ASSERT_TRUE(awake.idle_priority());
    for (const int core : {cores.front(), cores.back()}) {
        pinned_to here(core);
        awake.frame_arrived();
        ASSERT_TRUE(within_five_seconds([&] { return awake.core() == core; })) << "core " << core;
        cpu_set_t set;
        CPU_ZERO(&set);
        ASSERT_EQ(sched_getaffinity(awake.thread_id(), sizeof set, &set), 0);
        EXPECT_EQ(CPU_COUNT(&set), 1);
        EXPECT_TRUE(CPU_ISSET(core, &set));
    }
}

TEST(KeepAwake, ItsThreadEndsWithItWhetherSpinningOrAsleep) {
    for (const bool spinning : {true, false}) {
        pid_t tid = 0;
        {
            keep_awake awake(10s);
            tid = awake.thread_id();
            if (spinning) {
                awake.frame_arrived();
                ASSERT_TRUE(within_five_seconds([&] { return awake.spinning(); }));
            }
            ASSERT_TRUE(std::filesystem::exists("/proc/self/task/" + std::to_string(tid)));
        }
        // Joined; the kernel removes the task's entry a moment after.
        EXPECT_TRUE(within_five_seconds([&] {
            return !std::filesystem::exists("/proc/self/task/" + std::to_string(tid));
        })) << (spinning ? "spinning" : "asleep");
    }
}

}  // namespace
}  // namespace splitstream::daemon
