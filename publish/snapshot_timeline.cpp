#include "publish/snapshot_timeline.hpp"

#include <algorithm>

namespace splitstream::publish {

snapshot_timeline::snapshot_timeline(clock::duration keep, clock::duration interval)
    : keep_(keep), interval_(interval) {}

std::size_t snapshot_timeline::cost(const checkpoint& c) {
    // The state string with its control block (one allocation), and the slot.
    return c.state->size() + sizeof(std::string) + 32 + sizeof(checkpoint);
}

void snapshot_timeline::mark_changed(std::string_view event) {
    auto it = events_.find(event);
    if (it == events_.end()) {
        it = events_.emplace(std::string(event), per_event{}).first;
        bytes_ += event.size() + sizeof(per_event) + 64;  // the map node
    }
    it->second.changed = true;
}

std::vector<std::string> snapshot_timeline::take_due(clock::time_point now) {
    std::vector<std::string> due;
    for (auto& [id, e] : events_) {
        if (!e.changed) continue;
        if (!e.checkpoints.empty() && now - e.checkpoints.back().at < interval_) continue;
        e.changed = false;
        due.push_back(id);
    }
    return due;
}

std::optional<snapshot_timeline::clock::time_point> snapshot_timeline::next_due() const {
    std::optional<clock::time_point> next;
    for (const auto& [id, e] : events_) {
        if (!e.changed) continue;
        const auto at = e.checkpoints.empty() ? clock::time_point{} : e.checkpoints.back().at + interval_;
        if (!next || at < *next) next = at;
    }
    return next;
}

void snapshot_timeline::record(std::string_view event, std::uint64_t seq, clock::time_point at,
                               std::string state) {
    auto it = events_.find(event);
    if (it == events_.end()) {
        mark_changed(event);
        it = events_.find(event);
        it->second.changed = false;
    }
    auto& list = it->second.checkpoints;
    // A checkpoint at the same seq says the same thing: keep the newer copy.
    if (!list.empty() && list.back().seq == seq) {
        bytes_ -= cost(list.back());
        list.pop_back();
        --count_;
    }
    list.push_back({seq, at, std::make_shared<const std::string>(std::move(state))});
    bytes_ += cost(list.back());
    ++count_;
}

const snapshot_timeline::checkpoint* snapshot_timeline::at_or_before(std::string_view event,
                                                                     std::uint64_t seq) const {
    auto it = events_.find(event);
    if (it == events_.end()) return nullptr;
    const auto& list = it->second.checkpoints;
    auto after = std::upper_bound(list.begin(), list.end(), seq,
                                  [](std::uint64_t s, const checkpoint& c) { return s < c.seq; });
    if (after == list.begin()) return nullptr;
    return &*std::prev(after);
}

void snapshot_timeline::prune(clock::time_point now) {
    const auto horizon = now - keep_;
    for (auto& [id, e] : events_) {
        auto& list = e.checkpoints;
        // The newest checkpoint older than the horizon stays: it is the state
        // at every position between it and the next one.
        while (list.size() >= 2 && list[1].at <= horizon) {
            bytes_ -= cost(list.front());
            list.pop_front();
            --count_;
        }
    }
}

void snapshot_timeline::clear() {
    events_.clear();
    bytes_ = 0;
    count_ = 0;
}

}  // namespace splitstream::publish
