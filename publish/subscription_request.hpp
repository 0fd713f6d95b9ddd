#pragma once
// An accepted `GET /v1/stream` upgrade: what the subscriber asked for and
// may see, checked by the HTTP side before the WebSocket session starts.

#include <charconv>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "publish/filter.hpp"
#include "publish/jwt.hpp"

namespace splitstream::publish {

// The most events `recent=` may ask for.
inline constexpr std::uint32_t max_recent = 1000;

// A duration as decimal seconds, shortest form ("5", "1.5", "0.25").
inline std::string seconds_text(std::chrono::milliseconds d) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, static_cast<double>(d.count()) / 1000.0);
    return std::string(buf, r.ptr);
}

struct subscription_request {
    subscription_filter filter;
    std::optional<std::uint64_t> since;  // resume after this seq
    std::optional<std::string> epoch;    // the epoch `since` belongs to; absent: current
    bool batch = false;                  // several events per frame, one per line (`batch=1`)
    // The live desk (docs/publish.md): start with the last `recent` matching
    // events instead of snapshots (ignored with `since`), and deliver every
    // event `delay` after it was published (zero: live).
    std::uint32_t recent = 0;
    std::chrono::milliseconds delay{0};
    std::optional<token_claims> claims;  // when tokens are required
    std::string accept_key;              // Sec-WebSocket-Accept for the 101 response
    std::string remote;                  // "address:port", for logs
    std::shared_ptr<void> address_slot;  // this connection's per-address slot (address_limiter)
    std::optional<std::string> control;  // the control channel it follows (`control=`), a valid name
};

}  // namespace splitstream::publish
