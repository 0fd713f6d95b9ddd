#include "publish/address_limiter.hpp"

#include <algorithm>

namespace splitstream::publish {

std::string address_key(const net::ip::address& address) {
    if (address.is_v4()) return address.to_string();
    const auto v6 = address.to_v6();
    if (v6.is_v4_mapped()) return net::ip::make_address_v4(net::ip::v4_mapped, v6).to_string();
    auto bytes = v6.to_bytes();
    std::fill(bytes.begin() + 8, bytes.end(), 0);
    return net::ip::address_v6(bytes).to_string() + "/64";
}

std::shared_ptr<void> address_limiter::try_acquire(const std::string& address) {
    if (limit_ == 0) {
        // Nothing to count: a non-null pointer that owns nothing (no
        // allocation per connection).
        static char unlimited;
        return std::shared_ptr<void>(std::shared_ptr<void>(), &unlimited);
    }
    auto& n = open_[address];
    if (limit_ != 0 && n >= limit_) {
        if (n == 0) open_.erase(address);
        return nullptr;
    }
    ++n;
    // The deleter keeps the limiter alive and gives the slot back; the
    // pointer only has to be non-null, so a held slot tests true.
    auto self = shared_from_this();
    return std::shared_ptr<void>(self.get(), [self, address](void*) {
        auto it = self->open_.find(address);
        if (it != self->open_.end() && --it->second == 0) self->open_.erase(it);
    });
}

std::size_t address_limiter::open(const std::string& address) const {
    auto it = open_.find(address);
    return it == open_.end() ? 0 : it->second;
}

}  // namespace splitstream::publish
