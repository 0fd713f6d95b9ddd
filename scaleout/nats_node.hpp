#pragma once
// One node's link to NATS JetStream (docs/scale-out.md): it publishes the
// frames its ingest accepted into the feed stream (an ingest node), and it
// reads the stream back in order for the engine (every node). nats.c runs
// its own threads; everything they report is posted onto the io_context,
// so the node's owner sees every call on its own loop, as from a socket.
//
// NATS away is a state, not an error: the node connects and reconnects by
// itself for as long as it lives; meanwhile accepted frames wait in a
// bounded buffer (publish_queue) and are sent once it is back.
//
// Lifetime: construct on the io_context, start(), run the loop; stop() (or
// the destructor) closes the connection and waits, bounded, for nats.c's
// last callback; no sink call comes after it.

#include <spdlog/logger.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "base/log_burst.hpp"
#include "base/metrics.hpp"
#include "base/net.hpp"
#include "feed/engine.hpp"
#include "scaleout/nats_options.hpp"
#include "scaleout/node_state.hpp"
#include "scaleout/publish_queue.hpp"
#include "scaleout/stream_sink.hpp"

namespace splitstream::scaleout {

class nats_node {
public:
    nats_node(net::io_context& ioc, nats_options options, stream_sink& sink, metrics_registry& metrics,
              std::shared_ptr<spdlog::logger> log);
    ~nats_node();
    nats_node(const nats_node&) = delete;
    nats_node& operator=(const nats_node&) = delete;

    // Starts connecting (in the background: an unreachable server is not an
    // error); returns why it cannot even try (a bad option).
    std::optional<std::string> start();
    void stop();

    // Queues an accepted frame for the stream, message id `<epoch>:<seq>`.
    void publish(std::string_view feed_epoch, std::uint64_t seq, std::string bytes);

    // An ingest node puts each derived event on its subject, message id
    // `<stream epoch>:<seq>` (the other ingest node's copy is deduped):
    // for systems that consume NATS directly. Nothing on a relay. Queued and
    // acknowledged as the frames are, in a queue of their own.
    void publish_event(std::string_view event, std::string_view type, std::uint64_t seq,
                       std::string_view json);

    // Connected, the epoch known and the stream read up to where it was
    // when the node joined: the node serves a complete stream.
    bool ready() const { return connected_ && !epoch_.empty() && caught_up_; }
    // Accepted frames not yet stored.
    std::size_t backlog() const { return queue_.size(); }
    // Why not, for /readyz; empty when ready.
    std::string not_ready_reason() const;
    // `"nats":{...}` for /healthz and /readyz.
    std::string health_json() const;

private:
    // What nats.c's threads touch (under its mutex), and their callbacks.
    struct shared;

    void set_up();           // the setup thread: stream, bucket, epoch, snapshot, subscriptions
    void write_snapshots();  // the snapshot thread
    void offer_snapshot();
    void mark_caught_up();
    void link_changed(bool up);
    void drain_stored();
    void pump();
    void pump_events();
    // Publishes `f` with a reply subject for its acknowledgement; false when
    // the connection is gone.
    bool send(const std::string& subject, const std::string& reply, const outgoing_frame& f);
    void handle_ack(std::uint64_t number, std::string body);
    void handle_event_ack(std::uint64_t number, std::string body);
    void arm_ack_timer();

    net::io_context& ioc_;
    nats_options options_;
    stream_sink& sink_;
    std::shared_ptr<spdlog::logger> log_;
    std::shared_ptr<shared> shared_;
    std::thread setup_thread_;
    std::thread snapshot_thread_;
    publish_queue queue_;
    publish_queue events_;  // derived events, each with its subject
    net::steady_timer ack_timer_;
    net::steady_timer retry_timer_;
    net::steady_timer event_retry_timer_;
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // expires with this object

    bool started_ = false;
    bool stopped_ = false;
    bool connected_ = false;
    bool ever_connected_ = false;
    bool stream_ready_ = false;  // the stream exists: publishing may start
    bool caught_up_ = false;
    std::uint64_t join_seq_ = 0;  // the stream's last seq when this node joined
    std::uint64_t stream_seq_ = 0;
    std::string epoch_;
    // Catch-up: from the start to caught up, and the snapshot it began at.
    std::chrono::steady_clock::time_point started_at_{};
    std::uint64_t snapshot_seq_ = 0;  // 0: from the stream's first frame
    std::uint64_t catchup_frames_ = 0;
    std::int64_t catchup_ms_ = -1;           // -1: not caught up yet
    std::uint64_t stored_snapshot_seq_ = 0;  // the stream seq of the last state this node stored
    std::int64_t snapshot_loop_ms_ = 0;      // the loop's time to copy the last state offered

    log_burst drop_log_;
    log_burst refusal_log_;
    log_burst event_drop_log_;
    log_burst event_refusal_log_;

    gauge* connected_gauge_ = nullptr;
    counter* disconnects_ = nullptr;
    counter* reconnects_ = nullptr;
    gauge* backlog_ = nullptr;
    counter* stored_ = nullptr;
    counter* duplicates_ = nullptr;
    counter* refusals_ = nullptr;
    counter* resends_ = nullptr;
    counter* dropped_ = nullptr;
    counter* frames_read_ = nullptr;
    counter* events_published_ = nullptr;
    gauge* events_backlog_ = nullptr;
    counter* event_duplicates_ = nullptr;
    counter* event_refusals_ = nullptr;
    counter* event_resends_ = nullptr;
    counter* events_dropped_ = nullptr;
    gauge* stream_seq_gauge_ = nullptr;
    counter* snapshots_written_ = nullptr;
    counter* snapshots_unusable_ = nullptr;
    gauge* snapshot_seq_gauge_ = nullptr;
    gauge* catchup_frames_gauge_ = nullptr;
    gauge* catchup_ms_gauge_ = nullptr;
    gauge* snapshot_loop_ms_gauge_ = nullptr;
};

}  // namespace splitstream::scaleout
