#include "ingest/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace splitstream::ingest {

backoff::backoff(backoff_options options, std::uint64_t seed) : options_(options), random_(seed) {}

std::chrono::milliseconds backoff::next() {
    const double initial = static_cast<double>(options_.initial.count());
    const double cap = static_cast<double>(options_.cap.count());
    // Bounded exponent: beyond it the cap applies anyway, and pow stays finite.
    const int exponent = std::min(attempt_, 60);
    double delay = std::min(cap, initial * std::pow(options_.multiplier, exponent));
    ++attempt_;
    const double jitter = std::clamp(options_.jitter, 0.0, 1.0);
    if (jitter > 0.0) {
        std::uniform_real_distribution<double> take(0.0, jitter);
        delay *= 1.0 - take(random_);
    }
    return std::chrono::milliseconds(static_cast<std::int64_t>(delay));
}

}  // namespace splitstream::ingest
