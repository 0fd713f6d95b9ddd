#include "daemon/service.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>

#include "base/host_port.hpp"
#include "daemon/epoch.hpp"
#include "daemon/health.hpp"
#include "daemon/wall_clock.hpp"
#include "ingest/frame_parser.hpp"
#include "replay/recovery.hpp"

namespace splitstream::daemon {

service::service(net::io_context& ioc, service_options options, service_logs logs)
    : ioc_(ioc),
      options_(std::move(options)),
      logs_(std::move(logs)),
      sync_timer_(ioc),
      rejections_(options_.ingest.rejected_log_interval, options_.rejected_notice_interval) {
    frames_applied_ =
        &metrics_.make_counter("feed_messages_applied_total", "Feed messages applied to the race state.");
    journal_errors_ = &metrics_.make_counter("journal_errors_total", "Journal writes that failed.");
    stream_copies_ = &metrics_.make_counter(
        "nats_stream_copies_total", "Frames of the JetStream stream skipped as copies of earlier ones.");
    for (int r = 0; r < feed::reject_reason_count; ++r)
        rejected_by_reason_.push_back(&metrics_.make_counter(
            "feed_rejected_total", "Feed messages refused by the race rules or the parser, by reason.",
            {{"reason", feed::to_string(static_cast<feed::reject_reason>(r))}}));
}

service::~service() = default;

std::optional<std::string> service::recover() {
    if (options_.journal_path.empty() || !std::filesystem::exists(options_.journal_path)) return std::nullopt;
    ingest::frame_parser parser;
    std::error_code ec;
    replay::recovery_options ro;
    ro.history_limit = options_.publish.history_max_events;
    auto result = replay::recover(options_.journal_path, engine_, parser, ro, ec);
    if (ec) {
        logs_.replay->critical("cannot recover from journal {}: {}", options_.journal_path, ec.message());
        return "cannot recover from journal " + options_.journal_path + ": " + ec.message();
    }
    epoch_ = result.epoch;
    for (const auto& e : result.events) server_->publish(e);
    if (result.last_feed_seq) {
        ingest_->set_resume(result.feed_epoch, *result.last_feed_seq);
        last_feed_seq_ = *result.last_feed_seq;
    }
    logs_.replay->info(
        "recovered {} from {}: {} frames applied, {} rejected, {} notices, head seq {}, feed {} seq {}, in "
        "{} ms",
        epoch_, options_.journal_path, result.counts.applied, result.counts.rejected, result.counts.notices,
        result.head, result.feed_epoch.empty() ? "-" : result.feed_epoch, result.last_feed_seq.value_or(0),
        std::chrono::duration_cast<std::chrono::milliseconds>(result.elapsed).count());
    if (result.counts.diverged)
        logs_.replay->warn("{} journalled frames no longer apply: this build disagrees with the journal",
                           result.counts.diverged);
    return std::nullopt;
}

std::optional<std::string> service::open_journal(const std::string& epoch) {
    if (options_.journal_path.empty()) return std::nullopt;
    replay::writer_options wo;
    wo.path = options_.journal_path;
    wo.epoch = epoch;
    wo.sync = options_.journal_sync;
    wo.sync_interval = options_.journal_sync_interval;
    wo.rotate_bytes = options_.journal_rotate_bytes;
    wo.corruption = replay::on_corruption::truncate;
    replay::open_report report;
    std::error_code ec;
    journal_ = replay::journal_writer::open(wo, report, ec);
    if (!journal_) {
        logs_.replay->critical("cannot open journal {}: {}", options_.journal_path, ec.message());
        return "cannot open journal " + options_.journal_path + ": " + ec.message();
    }
    if (report.truncated_bytes)
        logs_.replay->warn("journal {}: cut {} bytes of a torn last record at offset {}",
                           options_.journal_path, report.truncated_bytes, report.truncated_at);
    arm_sync_timer();
    return std::nullopt;
}

void service::arm_sync_timer() {
    if (!journal_ || options_.journal_sync != replay::sync_policy::interval) return;
    sync_timer_.expires_after(options_.journal_sync_interval);
    sync_timer_.async_wait([this](beast::error_code ec) {
        if (ec || !journal_) return;
        if (auto err = journal_->maybe_sync(std::chrono::steady_clock::now())) journal_failed(err);
        arm_sync_timer();
    });
}

std::optional<std::string> service::start() {
    server_ = std::make_unique<publish::server>(ioc_, options_.publish, *this, metrics_, logs_.publish);
    start_keeping_awake();
    if (options_.adapter_folders) options_.ingest.local_sources = daemon::adapter_line_names();
    if (options_.nats) return start_nats();
    ingest_ = std::make_unique<ingest::feed_ingest>(ioc_.get_executor(), options_.ingest, *this, metrics_,
                                                    logs_.ingest);
    if (auto err = recover()) return err;
    if (options_.adapter_folders) {
        adapter_folders_ = std::make_unique<daemon::adapter_folders>(
            ioc_.get_executor(), *options_.adapter_folders, *ingest_, metrics_, logs_.ingest);
        if (auto err = adapter_folders_->prepare(options_.journal_path)) {
            logs_.main->critical("cannot watch the timing system's folder: {}", *err);
            return "cannot watch the timing system's folder: " + *err;
        }
    }
    if (epoch_.empty()) epoch_ = new_epoch();
    if (auto err = open_journal(epoch_)) return err;
    if (adapter_folders_ && journal_)
        adapter_folders_->record_inputs([this](const replay::input_fields& input) {
            if (auto ec = journal_->append_input(input)) journal_failed(ec);
        });
    recovered_ = true;
    try {
        server_->start();
    } catch (const std::exception& e) {
        logs_.main->critical("cannot serve: {}", e.what());
        return std::string("cannot serve: ") + e.what();
    }
    if (auto err = ingest_->start()) {
        logs_.main->critical("cannot start ingest: {}", *err);
        return "cannot start ingest: " + *err;
    }
    if (adapter_folders_) adapter_folders_->start();
    logs_.main->info("serving epoch {} on {} (head seq {}), upstreams: {}", epoch_,
                     format_host_port(options_.publish.listen_address, server_->port()), engine_.head(),
                     options_.ingest.upstreams.size());
    return std::nullopt;
}

void service::start_keeping_awake() {
    if (options_.keep_awake.count() <= 0) return;
    keep_awake_meters meters;
    meters.spinning = &metrics_.make_gauge(
        "keep_awake_spinning",
        "1 while the keep-awake thread spins on the feed loop's core (--keep-awake-ms).");
    meters.cpu_microseconds = &metrics_.make_counter(
        "keep_awake_cpu_microseconds_total",
        "CPU the keep-awake thread has spun, at idle priority: part of the process's CPU, none of its work.");
    keep_awake_ = std::make_unique<keep_awake>(options_.keep_awake, meters);
    if (keep_awake_->idle_priority())
        logs_.main->info("keeping the feed loop's core awake while frames come within {} ms",
                         options_.keep_awake.count());
    else
        logs_.main->warn(
            "--keep-awake-ms: the kernel refused the idle priority (SCHED_IDLE); the core is "
            "not kept awake");
}

// Order matters: stop taking frames, make the journal durable, then tell
// subscribers we are going away.
void service::stop() {
    if (stopped_ || !server_) return;
    stopped_ = true;
    keep_awake_.reset();
    if (adapter_folders_) adapter_folders_->stop();
    if (ingest_) ingest_->stop();
    if (nats_) nats_->stop();
    sync_timer_.cancel();
    if (journal_) {
        if (auto ec = journal_->sync()) journal_failed(ec);
    }
    server_->stop();
}

std::uint16_t service::port() const {
    return server_ ? server_->port() : 0;
}

std::optional<tcp::endpoint> service::feed_endpoint() const {
    return ingest_ ? ingest_->listen_endpoint() : std::nullopt;
}

std::size_t service::connections() const {
    return server_ ? server_->connections() : 0;
}

void service::publish_events(const std::vector<feed::derived_event>& events, std::int64_t received_mono_ns) {
    for (const auto& e : events) server_->publish(e, received_mono_ns);
}

void service::journal_failed(std::error_code ec) {
    journal_errors_->inc();
    logs_.replay->error("journal {}: write failed: {}", options_.journal_path, ec.message());
}

void service::on_message(const ingest::received_frame& frame, const feed::feed_message& msg) {
    race_frame_arrived(msg);
    if (nats_) return accept_for_stream(frame, msg);  // applied when it comes back from the stream
    auto result = engine_.apply(msg);
    if (result.rejected) {
        if (journal_)
            if (auto ec = journal_->append_rejected(frame, *result.rejected)) journal_failed(ec);
        count_rejection(*result.rejected, msg.seq, true);
        return;
    }
    if (msg.type() != feed::message_type::heartbeat) last_feed_seq_ = msg.seq;
    frames_applied_->inc();
    if (journal_)
        if (auto ec = journal_->append_applied(frame)) journal_failed(ec);
    publish_events(result.events, frame.mono_ns);
}

void service::on_rejected(const ingest::received_frame& frame, const feed::rejection& why,
                          std::optional<std::uint64_t> seq) {
    if (journal_)
        if (auto ec = journal_->append_rejected(frame, why)) journal_failed(ec);
    count_rejection(why, seq, false);
}

// Every rejection is counted and journalled; rejections_ decides what is
// logged and when subscribers hear of them.
void service::count_rejection(const feed::rejection& why, std::optional<std::uint64_t> seq, bool by_rules) {
    rejected_by_reason_[static_cast<std::size_t>(why.reason)]->inc();
    if (auto notice = rejections_.on_rejected(why, seq, by_rules, last_feed_seq_,
                                              std::chrono::steady_clock::now(), *logs_.ingest))
        on_notice(*notice);
}

void service::on_notice(const feed::feed_notice& notice) {
    if (notice.state == "connected") ++upstreams_connected_;
    if (notice.state == "disconnected" && upstreams_connected_ > 0) --upstreams_connected_;
    if (nats_) {  // node-local: no seq in the shared stream (docs/protocol.md, Scale-out)
        logs_.ingest->info("feed {}: {}", notice.state, notice.text);
        return;
    }
    if (journal_)
        if (auto ec = journal_->append_notice(notice)) journal_failed(ec);
    auto e = engine_.notice(notice);
    server_->publish(e, steady_now_ns());
}

bool service::ready() const {
    if (!recovered_) return false;
    if (nats_ && !nats_->ready()) return false;
    if (options_.ingest.upstreams.empty()) return true;  // push-only: ready once recovered
    return upstreams_connected_ > 0;
}

std::string service::health_json() const {
    std::string out = health_members(
        {.upstreams_connected = upstreams_connected_, .feed_seq = last_feed_seq_, .recovered = recovered_});
    if (ingest_) out += "," + ingest_->health_json();
    if (nats_) out += "," + nats_->health_json();
    return out;
}

}  // namespace splitstream::daemon
