#pragma once
// What the server needs to know about the race state, implemented by the
// daemon over the engine (and by a fake in tests). Called only on the
// server's io_context thread; calls must not block.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace splitstream::publish {

class state_provider {
public:
    virtual ~state_provider() = default;

    // The stream epoch: derived `seq`s are comparable only within one epoch.
    // When it changes, the server forgets its retained history.
    virtual std::string epoch() const = 0;
    // Seq of the last derived event the engine made (0 before the first).
    // Every event up to head() has been handed to server::publish().
    virtual std::uint64_t head() const = 0;
    // Event ids in definition order.
    virtual std::vector<std::string> event_ids() const = 0;
    // One event's full state as a JSON object; nullopt when unknown.
    virtual std::optional<std::string> snapshot_json(std::string_view event) const = 0;
    // `GET /v1/events`: a JSON array.
    virtual std::string events_json() const = 0;
    // Upstream connected and state recovered: `/readyz` answers 200.
    virtual bool ready() const = 0;
    // Extra detail for `/healthz` and `/readyz` as JSON object members
    // (e.g. `"upstream":"connected","feed_seq":42`), or empty.
    virtual std::string health_json() const { return {}; }
};

}  // namespace splitstream::publish
