#pragma once
// The publish module's metrics, registered once in the registry the daemon
// passes in (names in docs/publish.md).

#include <array>

#include "base/metrics.hpp"
#include "feed/derived_event.hpp"

namespace splitstream::publish {

enum class refusal {
    connection_limit,
    origin,
    unauthorized,
    forbidden,
    bad_request,
};

const char* to_string(refusal r);

struct publish_metrics {
    explicit publish_metrics(metrics_registry& registry);

    gauge& subscribers;
    gauge& connections;
    gauge& queue_bytes;
    gauge& buffer_bytes;
    gauge& history_events;
    gauge& history_bytes;
    gauge& delayed_subscribers;
    gauge& timeline_bytes;
    gauge& io_uring_threads;
    counter& frames_sent;
    counter& send_ring_refusals;
    counter& slow_consumer_closes;
    counter& delayed_evicted_closes;
    counter& idle_closes;
    counter& token_expired_closes;
    counter& token_refreshes;
    counter& protocol_errors;
    counter& http_requests;
    histogram& latency;
    // Control channels (control_desk).
    counter& control_changes;
    gauge& control_subscribers;
    std::array<counter*, feed::event_type_count> derived_events{};
    std::array<counter*, 5> refused{};

    void count_refusal(refusal r) { refused[static_cast<std::size_t>(r)]->inc(); }
};

}  // namespace splitstream::publish
