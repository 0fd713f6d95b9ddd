#include "publish/publish_metrics.hpp"

namespace splitstream::publish {

const char* to_string(refusal r) {
    switch (r) {
        case refusal::connection_limit:
            return "connection_limit";
        case refusal::origin:
            return "origin";
        case refusal::unauthorized:
            return "unauthorized";
        case refusal::forbidden:
            return "forbidden";
        case refusal::bad_request:
            return "bad_request";
    }
    return "?";
}

publish_metrics::publish_metrics(metrics_registry& r)
    : subscribers(r.make_gauge("publish_subscribers", "WebSocket subscribers connected")),
      connections(r.make_gauge("publish_connections", "Open connections (HTTP and WebSocket)")),
      queue_bytes(r.make_gauge("publish_queue_bytes", "Bytes queued for subscribers and not yet written")),
      buffer_bytes(
          r.make_gauge("publish_subscriber_buffer_bytes",
                       "Buffers subscribers hold beyond their fixed size (queue slots, partial input, "
                       "write state); given back within a second of going idle")),
      history_events(r.make_gauge("publish_history_events", "Derived events retained for resume")),
      history_bytes(r.make_gauge("publish_history_bytes", "Bytes retained for resume")),
      delayed_subscribers(
          r.make_gauge("publish_delayed_subscribers", "Subscribers with a broadcast delay (delay=)")),
      timeline_bytes(r.make_gauge("publish_snapshot_timeline_bytes",
                                  "Bytes of the snapshot timeline (recent states for delayed subscribers)")),
      io_uring_threads(
          r.make_gauge("publish_io_uring_threads",
                       "Publish threads whose fan-outs go to the kernel in one io_uring submission "
                       "(0: one sendmsg per subscriber)")),
      frames_sent(r.make_counter("publish_frames_sent_total", "WebSocket frames written to subscribers")),
      send_ring_refusals(r.make_counter(
          "publish_send_ring_refusals_total",
          "Fan-out submissions the kernel refused (those writes went through the reactor instead)")),
      slow_consumer_closes(
          r.make_counter("publish_slow_consumer_closes_total",
                         "Subscribers closed with 4008 because their queue exceeded its limit")),
      delayed_evicted_closes(r.make_counter("publish_delayed_evicted_closes_total",
                                            "Delayed subscribers closed with 4008 because their next event "
                                            "left the history before it was due")),
      idle_closes(r.make_counter("publish_idle_closes_total", "Subscribers closed after the idle timeout")),
      token_expired_closes(r.make_counter("publish_token_expired_closes_total",
                                          "Subscribers closed with 4001 when their token expired")),
      token_refreshes(r.make_counter("publish_token_refreshes_total",
                                     "Tokens replaced on open connections by a refresh op")),
      protocol_errors(
          r.make_counter("publish_protocol_errors_total", "Subscribers closed for a protocol error")),
      http_requests(r.make_counter("publish_http_requests_total", "HTTP requests answered")),
      latency(r.make_histogram(
          "publish_latency_seconds", "Feed frame received to derived event frame written to a subscriber",
          {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0})),
      control_changes(r.make_counter("publish_control_changes_total",
                                     "Control channel changes accepted (POST /v1/control/{channel})")),
      control_subscribers(
          r.make_gauge("publish_control_subscribers", "Subscribers following a control channel (control=)")) {
    for (int i = 0; i < feed::event_type_count; ++i)
        derived_events[i] =
            &r.make_counter("publish_derived_events_total", "Derived events published, by type",
                            {{"type", feed::to_string(static_cast<feed::event_type>(i))}});
    for (std::size_t i = 0; i < refused.size(); ++i)
        refused[i] = &r.make_counter("publish_connections_refused_total", "Requests refused, by reason",
                                     {{"reason", to_string(static_cast<refusal>(i))}});
}

}  // namespace splitstream::publish
