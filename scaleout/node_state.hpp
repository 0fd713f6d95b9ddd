#pragma once
// A node's state at one position of the feed stream (docs/scale-out.md,
// Snapshots): what a node starting later needs to go on from the frame
// after it instead of the stream's first. The engine's own snapshot
// (feed/engine_state.hpp), the stream-order state, and the derived events
// the node retains for `since=N`, in one versioned, checksummed blob.
// Pure: the bytes are kept in JetStream by snapshot_store.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "feed/derived_event.hpp"

namespace splitstream::scaleout {

struct node_state {
    std::string stream_epoch;      // the derived stream's epoch
    std::uint64_t stream_seq = 0;  // the last frame of the feed stream applied
    // stream_order's state.
    std::string feed_epoch;
    std::uint64_t feed_last_seq = 0;
    bool feed_started = false;
    std::uint64_t last_feed_seq = 0;  // the feed seq of the last frame the engine took
    std::string engine;               // feed::engine::save()
    // The retained derived events, oldest first (json as subscribers get
    // it). `json` views text that `keeps` owns: on a live node the shared
    // frame subscribers are sent, so taking a state copies no text; in a
    // decoded state a string of its own.
    struct retained_event {
        std::uint64_t seq = 0;
        feed::event_type type = feed::event_type::feed;
        std::string event;
        std::shared_ptr<const void> keeps;
        std::string_view json;
    };
    std::vector<retained_event> history;
};

std::string encode_node_state(const node_state& s);
// False with `error` when the bytes are truncated, corrupt or of another
// version.
bool decode_node_state(std::string_view bytes, node_state& out, std::string& error);

}  // namespace splitstream::scaleout
