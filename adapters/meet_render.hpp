#pragma once
// The meet file (meet_file.hpp) that goes with a feed v1 session rendered in
// a foreign format (lss_render.hpp, odf_render.hpp): which source unit is
// which event, and what the format cannot carry (records in force, PB/SB,
// distances, timing points, lap length).
//
// Pure: messages in, text out.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "feed/message.hpp"

namespace splitstream::adapters {

// An event of a session with its last start list, in the order events first
// appear in the session.
struct session_event {
    std::string id;
    feed::startlist_msg startlist;
};

std::vector<session_event> session_events(const std::vector<feed::feed_message>& session);

// How the source names one event.
struct meet_keys {
    std::string lynx;        // "event-round-heat"; empty: none
    std::string odf;         // ODF DocumentCode; empty: none
    std::int64_t lap_m = 0;  // 0: none
};

// meet.toml for `events`; `keys(i)` names event i in the source.
std::string render_meet_file(const std::string& feed, const std::vector<session_event>& events,
                             const std::function<meet_keys(std::size_t)>& keys);

// A time to the thousandth as the adapters read it back exactly: "3:29.381",
// "1:02:03.500".
std::string exact_time(std::int64_t ms);

}  // namespace splitstream::adapters
