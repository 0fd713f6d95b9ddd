#pragma once
// Where a subscriber that asked for `recent=N` starts: just before the N-th
// most recent retained event that matches its filter, so it is given those
// N events and then goes live (docs/publish.md, "Recent headlines").

#include <cstdint>
#include <optional>

#include "publish/filter.hpp"
#include "publish/history.hpp"

namespace splitstream::publish {

struct recent_position {
    std::uint64_t after = 0;  // resume from here: every retained event with seq > after follows
    std::uint64_t count = 0;  // matching events among them up to `up_to` (at most N)
};

// The start for the last `n` events matching `filter` with seq <= up_to
// (the head, or a delayed subscriber's position). With fewer matching
// events retained, everything retained (from the floor). nullopt when the
// history cannot serve it: its floor is above 0 (older events are gone)
// and no matching event is retained, so snapshots are the only honest
// start.
std::optional<recent_position> recent_start(const history& h, const subscription_filter& filter,
                                            std::uint64_t n, std::uint64_t up_to);

}  // namespace splitstream::publish
