#pragma once
// The other way round from lynx_scoreboard.hpp: a feed v1 session as the
// bytes FinishLynx sends through tools/lynx/splitstream.lss, so the
// simulator can drive the scoreboard adapter (`sim --format lss`).
//
// Each gun is a results header naming the heat, then GUN. Each split at a
// point the format can name (a whole number of laps of lss_lap_m before the
// finish, on the track) is a results block of that point's passings so far,
// with laps to go. Each finish, IRM and results status is a results block
// of every athlete placed or out (DNS/DNF/DQ lines, as with "always send
// place"), with UNOFFICIAL or OFFICIAL in its header once the feed says so.
// An IRM before the gun goes out with the gun: a results block before it
// would start the race. What the format cannot carry is lost: splits
// elsewhere, a recall, the rule of a DQ, where a DNF stopped.
//
// Start lists are not part of the scoreboard output: they come from
// lynx.evt (lynx_render.hpp), and the meet file maps FinishLynx's event
// numbers back to the session's ids with records, PB/SB and lap_m.
//
// Pure: messages in, bytes out.

#include <cstdint>
#include <string>
#include <vector>

#include "feed/message.hpp"

namespace splitstream::adapters {

inline constexpr std::int64_t lss_lap_m = 400;

// Bytes FinishLynx sends at one moment (the ts of the feed message that
// made them).
struct timed_bytes {
    std::string ts;
    std::string bytes;
};

struct lss_session {
    std::string lynx_evt;   // every start list (event n of the session is FinishLynx event n-1-1)
    std::string meet_toml;  // ids, records, PB/SB, lap_m
    std::vector<timed_bytes> stream;
};

lss_session render_lss(const std::vector<feed::feed_message>& session, const std::string& feed);

}  // namespace splitstream::adapters
