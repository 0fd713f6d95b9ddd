#include "publish/history.hpp"

#include <algorithm>

namespace splitstream::publish {

history::history(std::size_t max_events, std::size_t max_bytes)
    : max_events_(max_events), max_bytes_(max_bytes) {}

void history::reset(std::uint64_t floor) {
    entries_.clear();
    bytes_ = 0;
    floor_ = floor;
    head_ = floor;
}

std::size_t history::cost(const history_entry& e) {
    return sizeof(history_entry) + sizeof(frame) + e.frame->bytes.size() + e.event.size();
}

void history::evict_front() {
    bytes_ -= cost(entries_.front());
    floor_ = entries_.front().seq;
    entries_.pop_front();
}

void history::append(history_entry e) {
    head_ = e.seq;
    bytes_ += cost(e);
    entries_.push_back(std::move(e));
    const auto newest = entries_.back().published;
    auto over = [&] {
        if (bytes_ > max_bytes_) return true;
        if (entries_.size() <= max_events_) return false;
        return min_age_.count() == 0 || entries_.front().published + min_age_ < newest;
    };
    while (!entries_.empty() && over()) evict_front();
    if (entries_.empty()) floor_ = head_;
}

std::size_t history::first_after(std::uint64_t since) const {
    auto it = std::upper_bound(entries_.begin(), entries_.end(), since,
                               [](std::uint64_t s, const history_entry& e) { return s < e.seq; });
    return static_cast<std::size_t>(it - entries_.begin());
}

}  // namespace splitstream::publish

namespace splitstream::publish {

std::uint64_t history::position_at(std::chrono::steady_clock::time_point t) const {
    auto it = std::upper_bound(entries_.begin(), entries_.end(), t,
                               [](auto tp, const history_entry& e) { return tp < e.published; });
    return it == entries_.begin() ? floor_ : std::prev(it)->seq;
}

}  // namespace splitstream::publish
