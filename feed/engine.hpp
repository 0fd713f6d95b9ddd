#pragma once
// The race engine: applies validated feed messages to per-event race state
// and returns the derived events they cause, in emission order.
//
// Pure: no I/O, no clock, no threads, no logging. Given the same sequence of
// calls it returns the same events, byte for byte, with the same `seq`s; this
// is what makes replay, recovery and golden tests possible.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "feed/derived_event.hpp"
#include "feed/message.hpp"
#include "feed/rejection.hpp"
#include "feed/rounds.hpp"

namespace splitstream::feed {

class race;
struct restored_engine;

struct apply_result {
    std::vector<derived_event> events;  // in emission order
    std::optional<rejection> rejected;  // set when the message was refused
};

// An upstream-health fact reported by ingest (connected, disconnected, gap,
// stale, resumed, rejected, epoch). It becomes a derived `feed` event so it
// is sequenced, retained and journalled like any other.
struct feed_notice {
    std::string state;
    std::string ts;             // wall clock of the observation, ISO 8601 UTC
    std::uint64_t src_seq = 0;  // last feed seq applied when observed
    std::string text;           // headline; a default is made when empty
    std::vector<std::pair<std::string, std::variant<std::string, std::int64_t>>> details;
};

struct engine_options {
    std::uint64_t first_seq = 1;  // seq of the first derived event
};

class engine {
public:
    explicit engine(engine_options options = {});
    ~engine();
    engine(engine&&) noexcept;
    engine& operator=(engine&&) noexcept;
    engine(const engine&) = delete;
    engine& operator=(const engine&) = delete;

    // Applies one message. A refused message leaves every state untouched.
    apply_result apply(const feed_message& msg);
    // The same, into `out`, which is cleared first. Passing the same result
    // for every message lets the engine reuse the strings of the events it
    // held (those the caller did not move away): no allocation per event.
    void apply(const feed_message& msg, apply_result& out);

    // Sequences an upstream-health notice as a derived `feed` event.
    derived_event notice(const feed_notice& n);

    // Seq of the last derived event made, 0 before the first.
    std::uint64_t head() const { return next_seq_ - 1; }

    // Event ids in the order they were first defined.
    std::vector<std::string> event_ids() const;
    // The event's full state as a JSON object (PROTOCOL.md `snapshot.state`,
    // `GET /v1/events/{id}`), or for a round id the round's state (heats,
    // what its qualifiers wait for, the qualifiers); nullopt when unknown.
    std::optional<std::string> snapshot_json(std::string_view event) const;
    // `GET /v1/events`: a JSON array of {event, name, round, status, ...}.
    std::string events_json() const;

    // The whole state as bytes (engine_state.cpp), and the engine they
    // describe: it derives from the next message exactly what this one
    // would. A truncated, corrupt or other-version snapshot is refused with
    // the reason.
    std::string save() const;
    static restored_engine restore(std::string_view snapshot);

private:
    void recycle(apply_result& out);

    std::uint64_t next_seq_;
    std::vector<derived_event> spare_;  // recycled events, their strings kept
    std::vector<std::string> order_;
    race_map races_;
    round_book rounds_;
};

struct restored_engine {
    std::optional<engine> value;  // nullopt: refused
    std::string error;            // why, when refused
};

}  // namespace splitstream::feed
