#pragma once
// Reconnect delays: exponential growth from `initial` by `multiplier` up to
// `cap`, each delay lowered by a random fraction up to `jitter` so that many
// clients do not reconnect in step. Pure apart from its own random engine.

#include <chrono>
#include <cstdint>
#include <random>

namespace splitstream::ingest {

struct backoff_options {
    std::chrono::milliseconds initial{100};
    std::chrono::milliseconds cap{10'000};
    double multiplier = 2.0;
    double jitter = 0.2;  // 0..1: fraction of the delay that may be taken off
};

class backoff {
public:
    explicit backoff(backoff_options options, std::uint64_t seed = std::random_device{}());

    // The delay before the next attempt; each call without reset() grows it.
    std::chrono::milliseconds next();
    // After a connection that worked: the next delay is `initial` again.
    void reset() { attempt_ = 0; }
    int attempts() const { return attempt_; }

private:
    backoff_options options_;
    std::mt19937_64 random_;
    int attempt_ = 0;
};

}  // namespace splitstream::ingest
