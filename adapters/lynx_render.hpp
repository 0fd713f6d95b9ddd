#pragma once
// The other way round: a feed v1 session written as FinishLynx would have
// written it, so the simulator can drive the FinishLynx adapter (`sim
// --format lif`). lynx.evt holds every start list (event n of the session as
// FinishLynx event n, round 1, heat 1); each event gets one LIF with its
// results as they stand at the end of the feed; meet.toml maps the events
// back to their ids and carries what FinishLynx files cannot: records in
// force and PB/SB. Converting the three with the meet file gives the same
// results and records as the feed.
//
// Pure: messages in, file contents out (UTF-8).

#include <string>
#include <vector>

#include "feed/message.hpp"

namespace splitstream::adapters {

struct rendered_file {
    std::string name;
    std::string text;
};

// In the order to read them: lynx.evt, then the LIFs; meet.toml last.
std::vector<rendered_file> render_lynx(const std::vector<feed::feed_message>& session,
                                       const std::string& feed);

}  // namespace splitstream::adapters
