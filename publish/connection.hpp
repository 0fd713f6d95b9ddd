#pragma once
// What the hub knows of every open connection (HTTP or WebSocket): enough
// to shut it down when the server stops. Implementations live on the
// server's io_context thread.

#include <chrono>
#include <cstddef>
#include <limits>
#include <span>

#include "publish/frame.hpp"
#include "publish/history.hpp"

namespace splitstream::publish {

class connection {
public:
    virtual ~connection() = default;
    // Stop: a subscriber closes with 1001 "going away", an HTTP connection
    // closes its socket. Called on the io_context thread. Never ends this or
    // any other connection's life synchronously.
    virtual void shutdown() = 0;

    // The hub's list of open connections runs through them (two pointers
    // each instead of a hash-set node).
    connection* prev_connection = nullptr;
    connection* next_connection = nullptr;
};

// A WebSocket subscriber as the hub's fan-out sees it.
class subscriber {
public:
    virtual ~subscriber() = default;
    // Offers the events published since the last fan-out, in seq order, and
    // queues (shares) the ones that match the subscriber's filter: no write,
    // no allocation once the queue has grown. Returns true when something
    // is queued and no write is in flight, so the hub must kick() it. A
    // subscriber whose queue would exceed its limits is marked and closed
    // later, on its own turn: never inside this call.
    virtual bool offer(std::span<const history_entry> batch) = 0;
    // Starts one gather write of what is queued (only after offer() said so).
    virtual void kick() = 0;
    // The stream epoch changed: the subscriber's positions mean nothing now.
    virtual void epoch_changed() = 0;
    // The hub's periodic turn (one timer for every subscriber, instead of
    // one each): pings, the idle and token deadlines, and giving back the
    // memory of a subscriber that went idle.
    virtual void tick(std::chrono::steady_clock::time_point now) = 0;
    // The control channel this subscriber follows changed: queue `message`
    // (shared, immutable) at once, past any filter or fan-out delay. May
    // start a write; never ends the subscriber synchronously.
    virtual void control_changed(const frame_ptr& message) = 0;

    std::size_t hub_index = std::numeric_limits<std::size_t>::max();  // owned by the hub
};

}  // namespace splitstream::publish
