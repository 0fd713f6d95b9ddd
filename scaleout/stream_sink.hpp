#pragma once
// What a node's link to NATS hands its owner, on the owner's io_context
// (scaleout/nats_link.hpp).

#include <optional>
#include <string>
#include <string_view>

#include "feed/engine.hpp"
#include "scaleout/node_state.hpp"

namespace splitstream::scaleout {

class stream_sink {
public:
    virtual ~stream_sink() = default;
    // The derived stream's epoch, shared by every node (kept in the bucket).
    virtual void on_stream_epoch(const std::string& epoch) = 0;
    // The next frame of the stream, in stream order.
    virtual void on_stream_frame(std::string_view message_id, std::string_view bytes) = 0;
    // Snapshots (docs/scale-out.md): the sink's state after the last frame
    // it took, for other nodes to start from (the node fills the stream
    // fields); nullopt when it keeps none. And a state another node saved,
    // handed over before the frame after it.
    virtual std::optional<node_state> stream_state() { return std::nullopt; }
    virtual void on_stream_state(node_state&& state, feed::engine&& engine) {
        (void)state;
        (void)engine;
    }
    // The stream is read up to where it was when the node joined (once per
    // start): what it holds is known.
    virtual void on_stream_caught_up() = 0;
};

}  // namespace splitstream::scaleout
