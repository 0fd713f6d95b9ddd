#pragma once
// Counts open connections per remote address so that one address cannot
// take every slot. A connection holds its slot (a shared_ptr that gives it
// back when the last owner drops it) through the HTTP session and, after an
// upgrade, the subscriber session. Touched only on the hub's io_context
// thread.

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>

#include "base/net.hpp"

namespace splitstream::publish {

// The key a client's address is counted under: IPv4 addresses (also
// IPv4-mapped IPv6) as they are, IPv6 by their /64 prefix, since a single
// IPv6 host is routinely given a whole /64 to pick addresses from.
std::string address_key(const net::ip::address& address);

class address_limiter : public std::enable_shared_from_this<address_limiter> {
public:
    // `limit` 0: no limit (every acquire succeeds).
    explicit address_limiter(std::size_t limit) : limit_(limit) {}

    // A slot for `address`, or nullptr when it already holds `limit`.
    std::shared_ptr<void> try_acquire(const std::string& address);
    std::size_t open(const std::string& address) const;

private:
    std::size_t limit_;
    std::unordered_map<std::string, std::size_t> open_;
};

}  // namespace splitstream::publish
