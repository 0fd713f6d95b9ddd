#pragma once
// A seeded pseudo-random source whose output is the same on every platform
// and standard library: std::mt19937_64 (fully specified by the standard)
// with uniform and normal variates computed here, never through the
// std::*_distribution classes, whose algorithms are implementation-defined.

#include <cstdint>
#include <random>

#include "base/mix64.hpp"

namespace splitstream::sim {

class prng {
public:
    explicit prng(std::uint64_t seed) : engine_(seed), seed_material_(seed) {}

    // Derives an independent stream for a named part (an event, an athlete)
    // so that adding one part does not shift the numbers of the others.
    prng fork(std::uint64_t salt) const;

    std::uint64_t next() { return engine_(); }
    // Uniform in [0, 1), 53 bits.
    double uniform();
    // Uniform integer in [lo, hi], both inclusive; lo <= hi.
    std::int64_t uniform_int(std::int64_t lo, std::int64_t hi);
    // Approximately normal (Irwin-Hall sum of 12 uniforms): plain arithmetic
    // only, so no libm differences; bounded to mean +- 6 sd.
    double normal(double mean, double sd);

private:
    std::mt19937_64 engine_;
    std::uint64_t seed_material_;
};

// Seeds are derived with the project's one mixer: base/mix64.hpp.
using splitstream::mix64;
using splitstream::unit_interval;

}  // namespace splitstream::sim
