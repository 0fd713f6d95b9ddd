#pragma once
// What the daemon adds to `/healthz` and `/readyz` (the publish server
// writes status, ready, epoch and head itself).

#include <cstdint>
#include <string>

namespace splitstream::daemon {

struct health_facts {
    int upstreams_connected = 0;
    std::uint64_t feed_seq = 0;  // the last feed seq applied
    bool recovered = false;      // the journal has been read back
};

// JSON object members without braces:
// `"upstreams_connected":1,"feed_seq":42,"recovered":true`.
std::string health_members(const health_facts& facts);

}  // namespace splitstream::daemon
