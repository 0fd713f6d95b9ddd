#pragma once
// The snapshot timeline: for each event, its state (the snapshot JSON) at
// moments in the recent past, so that a subscriber with a broadcast delay
// can be given the state as of its delayed position instead of the state
// of now (docs/publish.md, "Broadcast delay"). An event whose state
// changed takes a checkpoint at most once per `interval`; a change inside
// the interval stays marked and is taken when the interval is over.
// Checkpoints older than `keep` are pruned, except the newest of them per
// event (a position `keep` ago still needs one). Touched only on the hub's
// thread.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace splitstream::publish {

class snapshot_timeline {
public:
    using clock = std::chrono::steady_clock;

    struct checkpoint {
        std::uint64_t seq = 0;  // the state includes every event up to this seq
        clock::time_point at{};
        std::shared_ptr<const std::string> state;  // the event's snapshot JSON object
    };

    snapshot_timeline(clock::duration keep, clock::duration interval);

    // The event's state changed (a derived event of it was published).
    void mark_changed(std::string_view event);
    // Changed events whose last checkpoint is at least `interval` old (or
    // that have none); their marks are cleared, the caller records them.
    std::vector<std::string> take_due(clock::time_point now);
    // When the earliest still-marked event becomes due; nullopt if none.
    std::optional<clock::time_point> next_due() const;

    void record(std::string_view event, std::uint64_t seq, clock::time_point at, std::string state);
    // The newest checkpoint of `event` with seq <= `seq`; null if none.
    const checkpoint* at_or_before(std::string_view event, std::uint64_t seq) const;

    void prune(clock::time_point now);
    void clear();

    // Memory held: the states, their bookkeeping and the event ids.
    std::size_t bytes() const { return bytes_; }
    std::size_t size() const { return count_; }

private:
    struct per_event {
        std::deque<checkpoint> checkpoints;  // oldest first
        bool changed = false;
    };
    static std::size_t cost(const checkpoint& c);

    std::map<std::string, per_event, std::less<>> events_;
    clock::duration keep_;
    clock::duration interval_;
    std::size_t bytes_ = 0;
    std::size_t count_ = 0;
};

}  // namespace splitstream::publish
