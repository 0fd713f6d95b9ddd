#include "tools/sim/prng.hpp"

namespace splitstream::sim {

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
