#include "tools/sim/prng.hpp"

namespace splitstream::sim {

std::uint64_t mix64(std::uint64_t a, std::uint64_t b, std::uint64_t c) {
    auto step = [](std::uint64_t z) {
        z += 0x9e3779b97f4a7c15ULL;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    };
    return step(step(step(a) ^ b) ^ c);
}

double unit_interval(std::uint64_t bits) {
    return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

prng prng::fork(std::uint64_t salt) const {
    // The fork depends on the parent's seed only, not on how many numbers the
    // parent has drawn, so forks are stable when the parent's use changes.
    prng child(mix64(seed_material_, salt));
    child.seed_material_ = mix64(seed_material_, salt, 1);
    return child;
}

double prng::uniform() {
    return unit_interval(engine_());
}

std::int64_t prng::uniform_int(std::int64_t lo, std::int64_t hi) {
    if (hi <= lo) return lo;
    auto span = static_cast<std::uint64_t>(hi - lo) + 1;
    return lo + static_cast<std::int64_t>(engine_() % span);
}

double prng::normal(double mean, double sd) {
    double sum = 0;
    for (int i = 0; i < 12; ++i) sum += uniform();
    return mean + (sum - 6.0) * sd;
}

}  // namespace splitstream::sim
