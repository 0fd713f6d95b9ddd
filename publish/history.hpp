#pragma once
// The retained history: the most recent derived events as their shared
// frames, bounded by count and by bytes, oldest evicted first. `since`
// resume reads from here.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "feed/derived_event.hpp"
#include "publish/frame.hpp"

namespace splitstream::publish {

struct history_entry {
    std::uint64_t seq = 0;
    feed::event_type type = feed::event_type::feed;
    std::string event;
    frame_ptr frame;
    // When the hub published it: a delayed subscriber gets it this much
    // later (`delay=`).
    std::chrono::steady_clock::time_point published{};
};

// One event of a history restored from a stored node state: views, valid
// during the call that takes them.
struct restored_event {
    std::uint64_t seq = 0;
    feed::event_type type = feed::event_type::feed;
    std::string_view event;
    std::string_view json;
};

class history {
public:
    history(std::size_t max_events, std::size_t max_bytes);

    // Forgets everything; afterwards every event with seq > floor counts as
    // retained (none is missing yet).
    void reset(std::uint64_t floor);
    // Appends an event (seq above head()) and evicts the oldest over limits.
    void append(history_entry e);
    // While delayed subscribers exist: events younger than `age` (by
    // publish time, against the newest) are not evicted by the count limit,
    // only by the byte limit, so a delayed subscriber's next event stays.
    void set_min_age(std::chrono::steady_clock::duration age) { min_age_ = age; }

    // Every event with seq > floor() and <= head() is retained.
    std::uint64_t floor() const { return floor_; }
    std::uint64_t head() const { return head_; }
    // True when a subscriber that saw everything up to `since` can be
    // given exactly what it missed.
    bool covers(std::uint64_t since) const { return since >= floor_ && since <= head_; }
    // Index of the first entry with seq > since.
    std::size_t first_after(std::uint64_t since) const;

    // The seq of the last retained event published at or before `t`; the
    // floor when every retained event is newer.
    std::uint64_t position_at(std::chrono::steady_clock::time_point t) const;

    const history_entry& at(std::size_t i) const { return entries_[i]; }
    std::size_t size() const { return entries_.size(); }
    std::size_t bytes() const { return bytes_; }

private:
    static std::size_t cost(const history_entry& e);
    void evict_front();

    std::deque<history_entry> entries_;
    std::size_t max_events_;
    std::size_t max_bytes_;
    std::size_t bytes_ = 0;
    std::uint64_t floor_ = 0;
    std::uint64_t head_ = 0;
    std::chrono::steady_clock::duration min_age_{0};
};

}  // namespace splitstream::publish
