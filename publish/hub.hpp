#pragma once
// The shared state of one publish io_context thread: the retained history,
// the registry of connections and subscribers, and the fan-out. Every member
// is touched only on that thread (no locks). Sessions hold the hub through a
// shared_ptr, so it outlives the last of them.

#include <simdjson.h>
#include <spdlog/logger.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

#include "base/net.hpp"
#include "feed/derived_event.hpp"
#include "publish/connection.hpp"
#include "publish/control_desk.hpp"
#include "publish/delayed_subscriber.hpp"
#include "publish/flush_pacer.hpp"
#include "publish/frame.hpp"
#include "publish/history.hpp"
#include "publish/publish_metrics.hpp"
#include "publish/send_ring.hpp"
#include "publish/server_options.hpp"
#include "publish/snapshot_timeline.hpp"
#include "publish/state_provider.hpp"
#include "publish/subscription_request.hpp"
#include "publish/write_gather.hpp"

namespace splitstream::publish {

class publish_shard;

class hub {
public:
    hub(net::io_context& ioc, state_provider& provider, server_options options, metrics_registry& registry,
        std::shared_ptr<spdlog::logger> log);
    hub(const hub&) = delete;
    hub& operator=(const hub&) = delete;

    // Frames the event once, retains it, and schedules one fan-out for
    // everything published until it runs (so several events reach a
    // subscriber in one write). See server_options::fanout_max_delay.
    void publish(const feed::derived_event& ev, std::int64_t received_mono_ns);

    // At server start: keeps a history already published for the
    // provider's epoch up to `head`; otherwise forgets it, and events with
    // seq > head count as retained.
    void start_history(std::uint64_t head);
    // The provider's epoch changed before any event of it (a node on NATS
    // learns the shared epoch after it starts serving): the history of the
    // old one goes and its subscribers are closed.
    void follow_epoch();
    // server::retained_events and server::restore_history.
    std::vector<history_entry> retained_events() const;
    void restore_history(std::span<const restored_event> events, std::uint64_t head);

    // Publishing on several threads (server_options::threads): the hub of
    // the daemon's loop hands every finished batch to these shards, and
    // plain subscribers to the least loaded thread (see shard_for).
    void set_shards(std::vector<publish_shard*> shards) { shards_ = std::move(shards); }
    // The shard a new subscriber is served by, or null: this thread. Only
    // plain live subscribers move (overlays, delayed and TLS subscribers
    // need this thread's control desk, timeline or stream), and all of
    // them do.
    publish_shard* shard_for(const subscription_request& request) const;
    // A shard's hub: takes a batch the main hub fanned out (the events it
    // has already, handed over with a subscriber, are skipped) and fans it
    // out to its own subscribers; and a copy of the main hub's history.
    void take_batch(std::span<const history_entry> batch, const std::string& epoch);
    void mirror_history(std::span<const history_entry> events, std::uint64_t head, std::string epoch);
    // Makes this a shard's hub, which mirrors the main hub's history (whose
    // gauges it leaves alone) and keeps at least what that one keeps, so
    // that a resume the main hub accepts at the handover is one the shard
    // can serve: while delayed subscribers exist, the main history's count
    // limit yields to age (update_min_delay); a shard's always does.
    void serve_as_shard(std::chrono::milliseconds max_delay);
    // What this thread holds now, readable from any thread.
    std::size_t load() const { return load_.load(std::memory_order_relaxed); }
    std::size_t open_connections() const { return open_connections_.load(std::memory_order_relaxed); }
    // The events published and not yet fanned out (a subscriber handed to a
    // shard must find them in the shard's history when it joins).
    std::span<const history_entry> pending() const { return pending_; }
    // Session ids unique across the server's threads.
    void share_session_ids(const hub& main) { session_ids_ = main.session_ids_; }

    void add_connection(connection& c);
    void remove_connection(connection& c);
    void add_subscriber(subscriber& s);
    void remove_subscriber(subscriber& s);
    // Broadcast delay (docs/publish.md): delayed subscribers are fed by one
    // timer; while any exists the history keeps max_delay of events.
    void add_delayed(delayed_subscriber& d);
    void remove_delayed(delayed_subscriber& d);
    // Runs every delayed subscriber's release_due() no later than `at`
    // (a little after, to serve several due times in one pass).
    void wake_delayed_at(std::chrono::steady_clock::time_point at);
    std::size_t delayed_subscribers() const { return delayed_.size(); }
    // Each event's recent states, for a delayed subscriber's snapshots.
    const snapshot_timeline& timeline() const { return timeline_; }

    // Shuts every connection down (server stop).
    void shutdown_all();

    std::size_t connections() const { return connection_count_; }
    // Connections kept only to answer 503 (over the per-address limit):
    // they do not count against max_connections, so one address cannot
    // fill the server with them; listener bounds them on their own.
    void add_refusing(int delta) { refusing_ += delta; }
    std::size_t refusing() const { return refusing_; }
    // Every thread's connections: what max_connections limits.
    std::size_t counted_connections() const;
    std::size_t subscribers() const { return subscribers_.size(); }
    bool stopping() const { return stopping_; }

    const history& retained() const { return history_; }
    std::uint64_t head() const { return history_.head(); }
    const std::string& epoch() const { return epoch_; }
    std::uint64_t next_session_id() { return session_ids_->fetch_add(1, std::memory_order_relaxed) + 1; }
    // Gauges are summed over the server's threads: each hub adds its own.
    void add_queued_bytes(std::int64_t delta) {
        queued_bytes_ += delta;
        metrics_.queue_bytes.add(delta);
    }

    net::io_context& context() { return ioc_; }
    state_provider& provider() { return provider_; }
    const server_options& options() const { return options_; }
    publish_metrics& metrics() { return metrics_; }
    metrics_registry& registry() { return registry_; }
    spdlog::logger& log() { return *log_; }
    const std::shared_ptr<spdlog::logger>& shared_log() const { return log_; }
    simdjson::dom::parser& json_parser() { return json_parser_; }
    const frame_ptr& ping_frame() const { return ping_frame_; }
    // The control channels and the overlays that follow them.
    control_desk& control() { return control_; }

    // Gather-write buffers for a subscriber's write in flight; given back
    // when its queue is drained.
    std::unique_ptr<write_gather> take_gather();
    void give_back(std::unique_ptr<write_gather> g);
    // Where plain subscribers read into: their reads complete one at a time
    // on this thread, so one buffer serves all; only a partial frame is
    // kept by the subscriber.
    std::span<char> read_scratch() { return read_scratch_; }
    const frame_ptr& pong_reply() const { return pong_reply_; }
    // Where a fan-out's writes go, all in one system call at its end; null
    // where io_uring is not available or is turned off
    // (server_options::fanout_io_uring): each write is its own sendmsg.
    send_ring* sends() { return sends_.get(); }

private:
    void change_epoch(std::string epoch, std::uint64_t head);
    using clock = std::chrono::steady_clock;
    // Retains an event and has it fanned out with the next flush.
    void queue_for_fanout(history_entry e);
    void schedule_flush();
    void settle();
    void flush();
    // Hands the fan-out's queued sends to the kernel; a refusal is counted
    // and its sends go through the reactor, so no write waits for the
    // kernel to take the ring again.
    void submit_sends();
    // Reaps, every millisecond while any is left, the sends the kernel
    // completes after their submission.
    void reap_later();
    void arm_tick();
    void on_tick();
    void on_delay_timer();
    void update_min_delay();
    // Records a checkpoint of every changed event that is due one (at most
    // one a second each) and prunes the timeline; re-arms its timer for the
    // changes left marked.
    void take_checkpoints();

    net::io_context& ioc_;
    state_provider& provider_;
    const server_options options_;
    metrics_registry& registry_;
    publish_metrics metrics_;
    std::shared_ptr<spdlog::logger> log_;
    control_desk control_;

    history history_;
    std::string epoch_;
    std::vector<history_entry> pending_;  // published this turn, not yet fanned out
    bool flush_scheduled_ = false;
    std::size_t settle_rounds_ = 0;  // turns of the loop this fan-out waited for read frames
    std::size_t settle_seen_ = 0;    // pending_.size() at the last turn
    net::steady_timer flush_timer_;
    std::unique_ptr<send_ring> sends_;   // null: one sendmsg a subscriber
    flush_pacer pacer_;                  // corking: when the next fan-out may run
    std::vector<subscriber*> to_kick_;   // offered frames, no write in flight
    net::steady_timer send_reap_timer_;  // sends not completed inline are reaped
    bool send_refused_ = false;          // the last submission was refused
    bool stopping_ = false;

    connection* first_connection_ = nullptr;  // a list through the connections
    std::size_t connection_count_ = 0;
    std::size_t refusing_ = 0;
    std::vector<subscriber*> subscribers_;
    std::int64_t queued_bytes_ = 0;
    std::shared_ptr<std::atomic<std::uint64_t>> session_ids_ =
        std::make_shared<std::atomic<std::uint64_t>>(0);
    std::vector<publish_shard*> shards_;  // the main hub's; empty on one thread
    bool mirror_ = false;                 // a shard's hub: the history gauges are the main hub's
    std::atomic<std::size_t> load_{0};    // subscribers
    std::atomic<std::size_t> open_connections_{0};

    simdjson::dom::parser json_parser_;  // for subscriber ops; one thread

    frame_ptr ping_frame_;
    frame_ptr pong_reply_;
    std::vector<std::unique_ptr<write_gather>> spare_gathers_;
    std::vector<char> read_scratch_;
    net::steady_timer tick_timer_;
    bool ticking_ = false;

    // Broadcast delay.
    std::vector<delayed_subscriber*> delayed_;
    std::chrono::milliseconds min_delay_{0};  // the shortest delay of delayed_
    net::steady_timer delay_timer_;
    clock::time_point delay_wake_at_{};  // when delay_timer_ fires, if armed
    clock::time_point last_delay_wake_{};
    std::uint64_t delay_generation_ = 0;  // a re-armed timer's earlier wait is ignored
    bool delay_armed_ = false;
    snapshot_timeline timeline_;
    net::steady_timer checkpoint_timer_;
    bool checkpoint_armed_ = false;
};

}  // namespace splitstream::publish
