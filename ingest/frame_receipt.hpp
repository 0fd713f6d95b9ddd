#pragma once
// What a connection that carries the feed does with each frame it has read:
// stamps it with its receive times (wall clock for the journal, monotonic
// for latency and staleness) and parses it. Shared by upstream_client and
// push_session.

#include <boost/beast/core/buffers_to_string.hpp>

#include <chrono>
#include <cstdint>

#include "ingest/frame_parser.hpp"
#include "ingest/sequencer.hpp"

namespace splitstream::ingest {

// The frame in `buffer`, which is emptied for the next read; `received` is
// set to the monotonic receive time.
template <class DynamicBuffer>
sequenced_frame take_frame(DynamicBuffer& buffer, int line, frame_parser& parser,
                           std::chrono::steady_clock::time_point& received) {
    const auto wall = std::chrono::system_clock::now();
    received = std::chrono::steady_clock::now();
    auto ns = [](auto time_point) -> std::int64_t {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(time_point.time_since_epoch()).count();
    };
    sequenced_frame in;
    in.frame.bytes = boost::beast::buffers_to_string(buffer.data());
    buffer.consume(buffer.size());
    in.frame.wall_ns = ns(wall);
    in.frame.mono_ns = ns(received);
    in.frame.line = line;
    in.outcome = parser.parse(in.frame.bytes);
    return in;
}

}  // namespace splitstream::ingest
