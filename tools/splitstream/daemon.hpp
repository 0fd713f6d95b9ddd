#pragma once
// `splitstream serve`: ingest -> engine -> journal -> publish, on one
// io_context run by one thread (no locks; the order of events is the order
// of the loop). The daemon is the feed_sink of ingest and the
// state_provider of the publish server.
//
// Write-ahead: every decision (frame applied or rejected, health notice) is
// journalled before its derived events are published, so a restart rebuilds
// exactly the stream subscribers saw, with the same epoch and seqs.

#include <spdlog/logger.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/metrics.hpp"
#include "base/net.hpp"
#include "feed/engine.hpp"
#include "ingest/feed_ingest.hpp"
#include "ingest/feed_sink.hpp"
#include "publish/server.hpp"
#include "publish/state_provider.hpp"
#include "replay/journal_writer.hpp"

namespace splitstream::cli {

struct daemon_options {
    ingest::ingest_options ingest;
    publish::server_options publish;
    std::string journal_path;  // empty: no journal, no recovery
    replay::sync_policy journal_sync = replay::sync_policy::interval;
    std::chrono::milliseconds journal_sync_interval{100};
    std::uint64_t journal_rotate_bytes = std::uint64_t{1} << 30;
    std::chrono::milliseconds rejected_notice_interval{
        1'000};  // at most one `rejected` feed event per interval
};

struct daemon_logs {
    std::shared_ptr<spdlog::logger> main;
    std::shared_ptr<spdlog::logger> ingest;
    std::shared_ptr<spdlog::logger> publish;
    std::shared_ptr<spdlog::logger> replay;
};

class daemon final : public ingest::feed_sink, public publish::state_provider {
public:
    daemon(daemon_options options, daemon_logs logs);
    ~daemon() override;

    // Recovers from the journal, starts serving and ingesting, and runs until
    // SIGINT or SIGTERM. Returns the process exit status.
    int run();

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
    bool recover();
    bool open_journal();
    void publish_events(const std::vector<feed::derived_event>& events, std::int64_t received_mono_ns);
    // `by_rules`: refused by the race engine (ingest has not logged it; a
    // parser refusal it has).
    void count_rejection(const feed::rejection& why, std::optional<std::uint64_t> seq, bool by_rules);
    void journal_failed(std::error_code ec);
    void arm_sync_timer();
    void shutdown();

    daemon_options options_;
    daemon_logs logs_;
    net::io_context ioc_{1};
    metrics_registry metrics_;
    feed::engine engine_;
    std::string epoch_;
    std::unique_ptr<replay::journal_writer> journal_;
    std::unique_ptr<publish::server> server_;
    std::unique_ptr<ingest::feed_ingest> ingest_;
    net::steady_timer sync_timer_{ioc_};
    net::signal_set signals_{ioc_, SIGINT, SIGTERM};

    bool recovered_ = false;
    int upstreams_connected_ = 0;
    std::uint64_t last_feed_seq_ = 0;
    std::chrono::steady_clock::time_point last_rejected_notice_{};
    std::uint64_t rejected_since_notice_ = 0;
    std::chrono::steady_clock::time_point last_rule_reject_log_{};
    std::uint64_t rule_rejects_unlogged_ = 0;

    counter* frames_applied_ = nullptr;
    counter* journal_errors_ = nullptr;
    std::vector<counter*> rejected_by_reason_;
    std::vector<counter*> derived_by_type_;
};

}  // namespace splitstream::cli
