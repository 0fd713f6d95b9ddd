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
    while (!entries_.empty() && (entries_.size() > max_events_ || bytes_ > max_bytes_)) evict_front();
    if (entries_.empty()) floor_ = head_;
}

std::size_t history::first_after(std::uint64_t since) const {
    auto it = std::upper_bound(entries_.begin(), entries_.end(), since,
                               [](std::uint64_t s, const history_entry& e) { return s < e.seq; });
    return static_cast<std::size_t>(it - entries_.begin());
}

}  // namespace splitstream::publish
