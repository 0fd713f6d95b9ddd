#pragma once
// Makes derived events: assigns the next seq, writes the envelope of
// PROTOCOL.md §2, and leaves the payload to the caller. One serialisation
// per event, straight into its final string.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "feed/derived_event.hpp"
#include "feed/json_writer.hpp"

namespace splitstream::feed {

// The feed message (or health observation) that causes the events.
struct event_source {
    std::string_view ts;
    std::uint64_t seq = 0;
    std::string_view trace;
};

class emitter {
public:
    // Events in `spare` (when given) are reused before new ones are made,
    // so their strings' buffers are written over rather than allocated.
    emitter(std::uint64_t& next_seq, event_source source, std::vector<derived_event>& out,
            std::vector<derived_event>* spare = nullptr)
        : next_seq_(next_seq), source_(source), out_(out), spare_(spare) {}

    // Writes the envelope of a new event and returns a writer positioned
    // inside its object for the payload fields. Call end() before the next
    // begin(): the writer refers to the event's string.
    json_writer begin(event_type type, std::string_view event, std::string_view text);
    // The same envelope, for a caller that writes the payload itself: each
    // member it appends starts with a comma. Call end() as after begin().
    std::string& begin_raw(event_type type, std::string_view event, std::string_view text);
    void end();

    std::size_t emitted() const { return out_.size(); }
    // Seq of the event begun last.
    std::uint64_t last_seq() const { return next_seq_ - 1; }

private:
    derived_event& next_event();

    std::uint64_t& next_seq_;
    event_source source_;
    std::vector<derived_event>& out_;
    std::vector<derived_event>* spare_;
};

}  // namespace splitstream::feed
