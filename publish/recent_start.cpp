#include "publish/recent_start.hpp"

namespace splitstream::publish {

std::optional<recent_position> recent_start(const history& h, const subscription_filter& filter,
                                            std::uint64_t n, std::uint64_t up_to) {
    recent_position pos{.after = h.floor(), .count = 0};
    // Backwards from the newest event at or before up_to: the walk costs at
    // most the events between the N-th match and up_to.
    for (std::size_t i = h.first_after(up_to); i-- > 0 && pos.count < n;) {
        const auto& e = h.at(i);
        if (!filter.matches(e.type, e.event)) continue;
        ++pos.count;
        pos.after = e.seq - 1;
    }
    if (pos.count < n) pos.after = h.floor();  // fewer than n: everything retained
    if (pos.count == 0 && h.floor() > 0) return std::nullopt;
    return pos;
}

}  // namespace splitstream::publish
