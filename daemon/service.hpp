#pragma once
// The daemon behind `splitstream serve`: ingest -> engine -> journal ->
// publish, on one io_context run by one thread (no locks; the order of
// events is the order of the loop). The service is the feed_sink of ingest
// and the state_provider of the publish server.
//
// Write-ahead: every decision (frame applied or rejected, health notice) is
// journalled before its derived events are published, so a restart rebuilds
// exactly the stream subscribers saw, with the same epoch and seqs. A
// journal write that fails is counted (journal_errors_total) and logged; the
// events are published all the same (docs/operations.md, "Disk full").
//
// Lifetime: construct on an io_context, start(), run the io_context; stop(),
// let the io_context run until the subscribers have closed (close_timeout),
// then destroy the service. run_until_signalled() (daemon/run.hpp) does all
// of that for the process.

#include <spdlog/logger.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/metrics.hpp"
#include "base/net.hpp"
#include "daemon/adapter_folders.hpp"
#include "daemon/keep_awake.hpp"
#include "daemon/rejection_notices.hpp"
#include "feed/engine.hpp"
#include "ingest/feed_ingest.hpp"
#include "ingest/feed_sink.hpp"
#include "ingest/frame_parser.hpp"
#include "publish/server.hpp"
#include "publish/state_provider.hpp"
#include "replay/journal_writer.hpp"
#include "scaleout/nats_link.hpp"
#include "scaleout/stream_order.hpp"

namespace splitstream::daemon {

struct service_options {
    ingest::ingest_options ingest{};
    publish::server_options publish{};
    std::string journal_path{};  // empty: no journal, no recovery
    replay::sync_policy journal_sync = replay::sync_policy::interval;
    std::chrono::milliseconds journal_sync_interval{100};
    std::uint64_t journal_rotate_bytes = std::uint64_t{1} << 30;
    // At most one `rejected` feed event per interval.
    std::chrono::milliseconds rejected_notice_interval{1'000};
    // FinishLynx and ODF folders to watch (docs/adapters.md); off when empty.
    std::optional<adapter_folders_options> adapter_folders{};
    // Scale-out on NATS JetStream (docs/scale-out.md): the served stream
    // comes from the JetStream stream, and the frames this node's ingest
    // accepts (if it has any source) go into it; an ingest node journals
    // them first when journal_path is set, a relay has no journal.
    std::optional<scaleout::nats_options> nats{};
    // The NATS module to load for it; empty: where scaleout::nats_module_path
    // finds it (beside the program, or as SPLITSTREAM_NATS_MODULE says).
    std::string nats_module{};
    // Keep the core of the loop that reads the feed from halting while
    // frames come within this long (daemon/keep_awake.hpp); 0: off.
    std::chrono::milliseconds keep_awake{0};
};

struct service_logs {
    std::shared_ptr<spdlog::logger> main;
    std::shared_ptr<spdlog::logger> ingest;
    std::shared_ptr<spdlog::logger> publish;
    std::shared_ptr<spdlog::logger> replay;
};

class service final : public ingest::feed_sink,
                      public publish::state_provider,
                      private scaleout::stream_sink {
public:
    service(net::io_context& ioc, service_options options, service_logs logs);
    ~service() override;
    service(const service&) = delete;
    service& operator=(const service&) = delete;

    // Recovers from the journal, opens it, starts serving and ingesting.
    // Returns why it could not (the reason is logged too); nothing is served
    // then.
    std::optional<std::string> start();

    // Stops taking frames, makes the journal durable, then closes the
    // subscribers with 1001 (in that order). The loop's work ends once they
    // have closed, within publish.close_timeout. Idempotent.
    void stop();

    // Where subscribers connect (port 0 resolved); valid after start().
    std::uint16_t port() const;
    // Where the push listener listens, when there is one; after start().
    std::optional<tcp::endpoint> feed_endpoint() const;
    // Open subscriber connections of every kind: 0 once stop() has drained.
    std::size_t connections() const;

    // feed_sink
    void on_message(const ingest::received_frame& frame, const feed::feed_message& msg) override;
    void on_rejected(const ingest::received_frame& frame, const feed::rejection& why,
                     std::optional<std::uint64_t> seq) override;
    void on_notice(const feed::feed_notice& notice) override;

    // state_provider
    std::string epoch() const override { return epoch_; }
    std::uint64_t head() const override { return engine_.head(); }
    std::vector<std::string> event_ids() const override { return engine_.event_ids(); }
    std::optional<std::string> snapshot_json(std::string_view event) const override {
        return engine_.snapshot_json(event);
    }
    std::string events_json() const override { return engine_.events_json(); }
    bool ready() const override;
    std::string health_json() const override;

private:
    // scaleout::stream_sink (daemon/service_nats.cpp): every node applies
    // the JetStream stream's frames, in its order, to its engine.
    void on_stream_epoch(const std::string& epoch) override;
    void on_stream_frame(std::string_view message_id, std::string_view bytes) override;
    std::optional<scaleout::node_state> stream_state() override;
    void on_stream_state(scaleout::node_state&& state, feed::engine&& engine) override;
    void on_stream_caught_up() override;
    std::optional<std::string> start_nats();
    bool has_feed_sources() const;
    // An ingest node on NATS (daemon/service_nats_journal.cpp): journals
    // each accepted frame before it queues it for the stream, and after a
    // restart publishes again what the stream does not hold yet.
    std::optional<std::string> open_nats_journal(const std::string& epoch_proposal);
    void accept_for_stream(const ingest::received_frame& frame, const feed::feed_message& msg);
    void publish_journal_tail();

    std::optional<std::string> recover();
    std::optional<std::string> open_journal(const std::string& epoch);
    void publish_events(const std::vector<feed::derived_event>& events, std::int64_t received_mono_ns);
    // `by_rules`: refused by the race engine (ingest has not logged it; a
    // parser refusal it has).
    void count_rejection(const feed::rejection& why, std::optional<std::uint64_t> seq, bool by_rules);
    void journal_failed(std::error_code ec);
    void arm_sync_timer();
    void start_keeping_awake();
    // Keeps the loop's core awake for the next frame; heartbeats do not,
    // as a feed between races sends nothing else.
    void race_frame_arrived(const feed::feed_message& msg) {
        if (keep_awake_ && msg.type() != feed::message_type::heartbeat) keep_awake_->frame_arrived();
    }

    net::io_context& ioc_;
    service_options options_;
    service_logs logs_;
    metrics_registry metrics_;
    feed::engine engine_;
    std::string epoch_;
    std::unique_ptr<replay::journal_writer> journal_;
    std::unique_ptr<publish::server> server_;
    std::unique_ptr<ingest::feed_ingest> ingest_;
    std::unique_ptr<daemon::adapter_folders> adapter_folders_;
    net::steady_timer sync_timer_;
    rejection_notices rejections_;
    std::unique_ptr<scaleout::nats_link> nats_;
    scaleout::stream_order stream_order_;
    ingest::frame_parser stream_parser_;
    std::unique_ptr<keep_awake> keep_awake_;

    // An ingest node restarted on NATS with its journal: accepted frames
    // wait in the journal until the stream is read, then go in journal order.
    bool journal_holds_frames_ = false;
    bool recovered_ = false;
    bool stopped_ = false;
    int upstreams_connected_ = 0;
    std::uint64_t last_feed_seq_ = 0;

    counter* frames_applied_ = nullptr;
    counter* journal_errors_ = nullptr;
    counter* stream_copies_ = nullptr;
    counter* journal_republished_ = nullptr;
    std::vector<counter*> rejected_by_reason_;
};

}  // namespace splitstream::daemon
