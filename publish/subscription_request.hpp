#pragma once
// An accepted `GET /v1/stream` upgrade: what the subscriber asked for and
// may see, checked by the HTTP side before the WebSocket session starts.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "publish/filter.hpp"
#include "publish/jwt.hpp"

namespace splitstream::publish {

struct subscription_request {
    subscription_filter filter;
    std::optional<std::uint64_t> since;  // resume after this seq
    std::optional<std::string> epoch;    // the epoch `since` belongs to; absent: current
    bool batch = false;                  // several events per frame, one per line (`batch=1`)
    std::optional<token_claims> claims;  // when tokens are required
    std::string accept_key;              // Sec-WebSocket-Accept for the 101 response
    std::string remote;                  // "address:port", for logs
    std::shared_ptr<void> address_slot;  // this connection's per-address slot (address_limiter)
    std::optional<std::string> control;  // the control channel it follows (`control=`), a valid name
};

}  // namespace splitstream::publish
