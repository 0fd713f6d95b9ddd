#pragma once
// What a node's link to NATS hands its owner, on the owner's io_context
// (scaleout/nats_link.hpp).

#include <string>
#include <string_view>

namespace splitstream::scaleout {

class stream_sink {
public:
    virtual ~stream_sink() = default;
    // The derived stream's epoch, shared by every node (kept in the bucket).
    virtual void on_stream_epoch(const std::string& epoch) = 0;
    // The next frame of the stream, in stream order.
    virtual void on_stream_frame(std::string_view message_id, std::string_view bytes) = 0;
    // The stream is read up to where it was when the node joined (once per
    // start): what it holds is known.
    virtual void on_stream_caught_up() = 0;
};

}  // namespace splitstream::scaleout
