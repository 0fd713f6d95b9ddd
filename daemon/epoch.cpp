#include "daemon/epoch.hpp"

#include <cstdio>
#include <random>

#include "daemon/wall_clock.hpp"

namespace splitstream::daemon {

std::string new_epoch() {
    std::random_device rd;
    char buf[128];
    const auto iso = utc_now_iso();
    std::snprintf(buf, sizeof buf, "%.19s-%08x", iso.c_str(), rd());
    std::string epoch = buf;
    for (auto& c : epoch)
        if (c == ':') c = '-';
    return epoch;
}

}  // namespace splitstream::daemon
