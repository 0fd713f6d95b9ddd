#pragma once
// A seeded pseudo-random source whose output is the same on every platform
// and standard library: std::mt19937_64 (fully specified by the standard)
// with uniform and normal variates computed here, never through the
// std::*_distribution classes, whose algorithms are implementation-defined.

#include <cstdint>
#include <random>

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

// A 64-bit mix of several values (SplitMix64 finaliser): stateless and
// deterministic, used to derive seeds and per-seq fault decisions.
std::uint64_t mix64(std::uint64_t a, std::uint64_t b = 0, std::uint64_t c = 0);
// Uniform in [0, 1) from mix64's output.
double unit_interval(std::uint64_t bits);

}  // namespace splitstream::sim
