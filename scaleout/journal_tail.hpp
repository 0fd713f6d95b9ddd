#pragma once
// Which frames of an ingest node's journal the JetStream stream does not
// hold yet (docs/scale-out.md, an ingest node killed while NATS is away):
// a pure rule over message ids, so it is unit-tested alone.
//
// The stream's last applied frame is `<epoch>:<last>` (stream_order). The
// journal holds the node's accepted frames in the order it accepted them.
// Frames up to the stream's last one are there already, or were stored by
// the other ingest node; everything the journal holds after it is not:
// frames of the same epoch above `last`, and frames of a feed epoch that
// began after it. Frames of the same epoch at or below `last` are never
// sent again (the stream would skip them as copies). An empty stream holds
// nothing: every journalled frame is sent.

#include <cstdint>
#include <string>
#include <string_view>

namespace splitstream::scaleout {

class journal_tail {
public:
    // `stream_epoch` empty: the stream holds no frame yet.
    journal_tail(std::string stream_epoch, std::uint64_t stream_last);

    // The next journalled frame, in journal order: true when the stream
    // does not hold it and it is to be published again.
    bool offer(std::string_view feed_epoch, std::uint64_t seq);

private:
    std::string epoch_;
    std::uint64_t last_;
    bool past_stream_;  // the journal is past the stream's last frame
};

}  // namespace splitstream::scaleout
