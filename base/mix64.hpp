#pragma once
// A 64-bit mix of several values (the SplitMix64 finaliser): stateless and
// the same on every platform. The simulator derives its seeds with it and
// the live player its per-seq fault decisions, so a seed replays the same.

#include <cstdint>

namespace splitstream {

inline std::uint64_t mix64(std::uint64_t a, std::uint64_t b = 0, std::uint64_t c = 0) {
    auto step = [](std::uint64_t z) {
        z += 0x9e3779b97f4a7c15ULL;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    };
    return step(step(step(a) ^ b) ^ c);
}

// Uniform in [0, 1) from mix64's output: its top 53 bits.
inline double unit_interval(std::uint64_t bits) {
    return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

}  // namespace splitstream
