#pragma once
// What a connection that carries the feed (an upstream_client or a push
// session) reports to the feed_ingest that owns it. Every call happens on
// the connection's executor, which is the daemon's one io_context. After a
// connection's stop() it makes no further calls.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "ingest/sequencer.hpp"

namespace splitstream::ingest {

class line_handler {
public:
    virtual ~line_handler() = default;

    // The seq to resume after, asked for on every (re)connect as
    // `?since=`; nullopt when nothing has been applied yet.
    virtual std::optional<std::uint64_t> resume_position() const = 0;

    // The WebSocket handshake succeeded; `since` is what was asked for.
    virtual void on_line_up(int line, std::optional<std::uint64_t> since) = 0;
    // One frame, with its receive times, parsed or refused.
    virtual void on_line_frame(sequenced_frame frame) = 0;
    // An established connection ended; `reason` names why.
    virtual void on_line_down(int line, std::string_view reason) = 0;
    // No frame arrived for `silent`; the connection is being closed.
    virtual void on_line_stale(int line, std::chrono::milliseconds silent) = 0;
    // A frame over the size limit arrived; the connection closed with 1009.
    virtual void on_line_oversize(int line) = 0;
    // The next connection attempt starts after `delay`.
    virtual void on_line_reconnect(int line, std::chrono::milliseconds delay) = 0;
    // A connection attempt failed before the WebSocket was open; `step` is
    // resolve, connect, tls or websocket, `error` says why. A reconnect
    // follows (on_line_reconnect).
    virtual void on_line_attempt_failed(int /*line*/, std::string_view /*step*/, std::string_view /*error*/) {
    }
};

}  // namespace splitstream::ingest
