#pragma once
// Pins the calling thread to one core: the benchmarks that measure one core
// waking another put the sender and the reader on cores of their choosing.

#include <pthread.h>
#include <sched.h>

namespace splitstream::bench {

inline void pin_to_cpu(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

}  // namespace splitstream::bench
