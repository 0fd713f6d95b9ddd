#include "tools/splitstream/daemon.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>

#include "feed/iso_time.hpp"
#include "ingest/frame_parser.hpp"
#include "replay/recovery.hpp"

namespace splitstream::cli {

namespace {

std::int64_t steady_now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::string utc_now_iso() {
    const auto now = std::chrono::system_clock::now();
    return feed::format_iso_ms(
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
}

// A fresh stream epoch: the start time plus random bits, so two daemons (or
// two runs without a journal) never share one.
std::string new_epoch() {
    std::random_device rd;
    char buf[128];
    const auto iso = utc_now_iso();
    std::snprintf(buf, sizeof buf, "%.19s-%08x", iso.c_str(), rd());
    std::string epoch = buf;
    for (auto& c : epoch)
        if (c == ':') c = '-';
    return epoch;
}

}  // namespace

daemon::daemon(daemon_options options, daemon_logs logs)
    : options_(std::move(options)), logs_(std::move(logs)) {
    frames_applied_ =
        &metrics_.make_counter("feed_messages_applied_total", "Feed messages applied to the race state.");
    journal_errors_ = &metrics_.make_counter("journal_errors_total", "Journal writes that failed.");
    for (int r = 0; r < feed::reject_reason_count; ++r)
        rejected_by_reason_.push_back(&metrics_.make_counter(
            "feed_rejected_total", "Feed messages refused by the race rules or the parser, by reason.",
            {{"reason", feed::to_string(static_cast<feed::reject_reason>(r))}}));
}

daemon::~daemon() = default;

bool daemon::recover() {
    if (options_.journal_path.empty() || !std::filesystem::exists(options_.journal_path)) return true;
    ingest::frame_parser parser;
    std::error_code ec;
    replay::recovery_options ro;
    ro.history_limit = options_.publish.history_max_events;
    auto result = replay::recover(options_.journal_path, engine_, parser, ro, ec);
    if (ec) {
        logs_.replay->critical("cannot recover from journal {}: {}", options_.journal_path, ec.message());
        return false;
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
    return true;
}

bool daemon::open_journal() {
    if (options_.journal_path.empty()) return true;
    replay::writer_options wo;
    wo.path = options_.journal_path;
    wo.epoch = epoch_;
    wo.sync = options_.journal_sync;
    wo.sync_interval = options_.journal_sync_interval;
    wo.rotate_bytes = options_.journal_rotate_bytes;
    wo.corruption = replay::on_corruption::truncate;
    replay::open_report report;
    std::error_code ec;
    journal_ = replay::journal_writer::open(wo, report, ec);
    if (!journal_) {
        logs_.replay->critical("cannot open journal {}: {}", options_.journal_path, ec.message());
        return false;
    }
    if (report.truncated_bytes)
        logs_.replay->warn("journal {}: cut {} bytes of a torn last record at offset {}",
                           options_.journal_path, report.truncated_bytes, report.truncated_at);
    arm_sync_timer();
    return true;
}

void daemon::arm_sync_timer() {
    if (!journal_ || options_.journal_sync != replay::sync_policy::interval) return;
    sync_timer_.expires_after(options_.journal_sync_interval);
    sync_timer_.async_wait([this](beast::error_code ec) {
        if (ec || !journal_) return;
        if (auto err = journal_->maybe_sync(std::chrono::steady_clock::now())) journal_failed(err);
        arm_sync_timer();
    });
}

int daemon::run() {
    server_ = std::make_unique<publish::server>(ioc_, options_.publish, *this, metrics_, logs_.publish);
    ingest_ = std::make_unique<ingest::feed_ingest>(ioc_.get_executor(), options_.ingest, *this, metrics_,
                                                    logs_.ingest);
    if (!recover()) return 1;
    if (epoch_.empty()) epoch_ = new_epoch();
    if (!open_journal()) return 1;
    recovered_ = true;
    try {
        server_->start();
    } catch (const std::exception& e) {
        logs_.main->critical("cannot serve: {}", e.what());
        return 1;
    }
    if (auto err = ingest_->start()) {
        logs_.main->critical("cannot start ingest: {}", *err);
        return 1;
    }
    logs_.main->info("serving epoch {} on {}:{} (head seq {}), upstreams: {}", epoch_,
                     options_.publish.listen_address, server_->port(), engine_.head(),
                     options_.ingest.upstreams.size());
    signals_.async_wait([this](beast::error_code ec, int sig) {
        if (ec) return;
        logs_.main->info("signal {}: shutting down", sig);
        shutdown();
    });
    ioc_.run();
    logs_.main->info("stopped");
    return 0;
}

// Order matters: stop taking frames, make the journal durable, then tell
// subscribers we are going away, and let the loop drain.
void daemon::shutdown() {
    ingest_->stop();
    sync_timer_.cancel();
    if (journal_) {
        if (auto ec = journal_->sync()) journal_failed(ec);
    }
    server_->stop();
    auto guard = std::make_shared<net::steady_timer>(ioc_);
    guard->expires_after(options_.publish.close_timeout + std::chrono::seconds(1));
    guard->async_wait([this, guard](beast::error_code) { ioc_.stop(); });
}

void daemon::publish_events(const std::vector<feed::derived_event>& events, std::int64_t received_mono_ns) {
    for (const auto& e : events) server_->publish(e, received_mono_ns);
}

void daemon::journal_failed(std::error_code ec) {
    journal_errors_->inc();
    logs_.replay->error("journal {}: write failed: {}", options_.journal_path, ec.message());
}

void daemon::on_message(const ingest::received_frame& frame, const feed::feed_message& msg) {
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

void daemon::on_rejected(const ingest::received_frame& frame, const feed::rejection& why,
                         std::optional<std::uint64_t> seq) {
    if (journal_)
        if (auto ec = journal_->append_rejected(frame, why)) journal_failed(ec);
    count_rejection(why, seq, false);
}

// Every rejection is counted and journalled; subscribers hear of them as a
// `feed` event at most once per interval, carrying the count since the last.
void daemon::count_rejection(const feed::rejection& why, std::optional<std::uint64_t> seq, bool by_rules) {
    rejected_by_reason_[static_cast<std::size_t>(why.reason)]->inc();
    ++rejected_since_notice_;
    const auto now = std::chrono::steady_clock::now();
    const std::string seq_text = seq ? std::to_string(*seq) : "?";
    // One line per burst, as ingest does for the parser's refusals: a feed
    // that breaks the rules on every frame must not flood the log.
    if (by_rules) {
        if (now - last_rule_reject_log_ >= options_.ingest.rejected_log_interval) {
            if (rule_rejects_unlogged_ > 0)
                logs_.ingest->warn(
                    "frame seq {} refused by the race rules: {}: {} ({} more since the last line)", seq_text,
                    feed::to_string(why.reason), why.detail, rule_rejects_unlogged_);
            else
                logs_.ingest->warn("frame seq {} refused by the race rules: {}: {}", seq_text,
                                   feed::to_string(why.reason), why.detail);
            last_rule_reject_log_ = now;
            rule_rejects_unlogged_ = 0;
        } else {
            ++rule_rejects_unlogged_;
        }
    }
    if (now - last_rejected_notice_ < options_.rejected_notice_interval) return;
    last_rejected_notice_ = now;
    feed::feed_notice n;
    n.state = "rejected";
    n.ts = utc_now_iso();
    n.src_seq = last_feed_seq_;
    n.text = "Timing feed: frame seq " + seq_text + " rejected (" + feed::to_string(why.reason) + ")";
    n.details = {{"reason", std::string(feed::to_string(why.reason))},
                 {"detail", why.detail},
                 {"count", static_cast<std::int64_t>(rejected_since_notice_)}};
    if (seq) n.details.emplace_back("frame_seq", static_cast<std::int64_t>(*seq));
    rejected_since_notice_ = 0;
    on_notice(n);
}

void daemon::on_notice(const feed::feed_notice& notice) {
    if (notice.state == "connected") ++upstreams_connected_;
    if (notice.state == "disconnected" && upstreams_connected_ > 0) --upstreams_connected_;
    if (journal_)
        if (auto ec = journal_->append_notice(notice)) journal_failed(ec);
    auto e = engine_.notice(notice);
    server_->publish(e, steady_now_ns());
}

bool daemon::ready() const {
    if (!recovered_) return false;
    if (options_.ingest.upstreams.empty()) return true;  // push-only: ready once recovered
    return upstreams_connected_ > 0;
}

std::string daemon::health_json() const {
    std::string out = "\"upstreams_connected\":" + std::to_string(upstreams_connected_) +
                      ",\"feed_seq\":" + std::to_string(last_feed_seq_) +
                      ",\"recovered\":" + (recovered_ ? "true" : "false");
    if (ingest_) out += "," + ingest_->health_json();
    return out;
}

}  // namespace splitstream::cli
