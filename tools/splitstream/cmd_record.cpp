// splitstream record --upstream URL --journal FILE: record a live feed into a
// journal without processing it. Every frame is kept as received (record
// kind `received`), with its receive times; the players parse and apply it
// later. Reconnects resume with `?since=` after the last seq recorded.

#include <spdlog/spdlog.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "base/net.hpp"
#include "daemon/logging.hpp"
#include "ingest/line_handler.hpp"
#include "ingest/upstream_client.hpp"
#include "replay/journal_writer.hpp"
#include "tools/splitstream/commands.hpp"

namespace splitstream::cli {

namespace {

struct record_cli_options {
    std::string upstream;
    std::string journal;
    std::string sync = "interval";
    int sync_interval_ms = 100;
    std::uint64_t rotate_mib = 1024;
    std::string epoch;
    std::string log_level = "info";
};

// Journals every frame a connection delivers, in arrival order.
class recording_handler : public ingest::line_handler {
public:
    recording_handler(replay::journal_writer& writer, std::shared_ptr<spdlog::logger> log)
        : writer_(writer), log_(std::move(log)) {}

    std::optional<std::uint64_t> resume_position() const override { return last_seq_; }

    void on_line_up(int, std::optional<std::uint64_t> since) override {
        if (since)
            log_->info("connected, resuming after seq {}", *since);
        else
            log_->info("connected");
    }

    void on_line_frame(ingest::sequenced_frame f) override {
        if (auto ec = writer_.append_received(f.frame)) {
            ++write_errors_;
            log_->error("journal write failed: {} (frame dropped, {} so far)", ec.message(), write_errors_);
            return;
        }
        ++frames_;
        if (f.outcome.ok()) {
            const auto& msg = f.outcome.message();
            if (const auto* hello = std::get_if<feed::hello_msg>(&msg.body)) {
                // A new upstream epoch restarts its seqs: resuming after the
                // old position would skip the new epoch's first frames.
                if (hello->epoch != feed_epoch_) last_seq_.reset();
                feed_epoch_ = hello->epoch;
            } else if (msg.type() != feed::message_type::heartbeat && (!last_seq_ || msg.seq > *last_seq_)) {
                last_seq_ = msg.seq;
            }
        }
    }

    void on_line_down(int, std::string_view reason) override { log_->warn("disconnected: {}", reason); }
    void on_line_stale(int, std::chrono::milliseconds silent) override {
        log_->warn("no frame for {} ms; reconnecting", silent.count());
    }
    void on_line_oversize(int) override { log_->warn("frame over the size limit; reconnecting"); }
    void on_line_reconnect(int, std::chrono::milliseconds delay) override {
        log_->info("reconnecting in {} ms", delay.count());
    }

    std::uint64_t frames() const { return frames_; }

private:
    replay::journal_writer& writer_;
    std::shared_ptr<spdlog::logger> log_;
    std::optional<std::uint64_t> last_seq_;
    std::string feed_epoch_;
    std::uint64_t frames_ = 0;
    std::uint64_t write_errors_ = 0;
};

std::string default_epoch() {
    auto now = std::chrono::system_clock::now().time_since_epoch();
    return "record-" + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now).count());
}

int run_record(const record_cli_options& o) {
    auto log = daemon::make_command_log("replay", o.log_level);

    replay::writer_options wo{.path = o.journal,
                              .epoch = o.epoch,
                              .sync = replay::sync_policy::interval,
                              .sync_interval = std::chrono::milliseconds(o.sync_interval_ms),
                              .rotate_bytes = o.rotate_mib << 20,
                              .corruption = replay::on_corruption::refuse};
    if (!replay::parse_sync_policy(o.sync, wo.sync)) {
        log->error("--sync must be every_record, interval or os, not {}", o.sync);
        return 2;
    }
    if (wo.epoch.empty() && !std::filesystem::exists(wo.path)) wo.epoch = default_epoch();
    replay::open_report report;
    std::error_code ec;
    auto writer = replay::journal_writer::open(wo, report, ec);
    if (!writer) {
        log->error("cannot open journal {}: {}", o.journal, ec.message());
        return 1;
    }
    if (report.truncated_bytes > 0)
        log->warn("journal {}: cut a {} tail of {} bytes at offset {}", o.journal,
                  replay::to_string(report.tail), report.truncated_bytes, report.truncated_at);
    log->info("recording {} into {} ({} journal, epoch {}, sync {})", o.upstream, o.journal,
              report.created ? "new" : "existing", writer->epoch(), replay::to_string(wo.sync));

    net::io_context ioc;
    recording_handler handler(*writer, log);
    auto made =
        ingest::upstream_client::create(ioc.get_executor(), {.url = o.upstream, .name = "A"}, handler, log);
    if (!made.client) {
        log->error("--upstream {}: {}", o.upstream, made.error);
        return 2;
    }
    made.client->run();

    // The writer has no timer of its own: the loop drives interval fsyncs.
    net::steady_timer sync_timer(ioc);
    std::function<void()> arm_sync = [&] {
        sync_timer.expires_after(wo.sync_interval);
        sync_timer.async_wait([&](beast::error_code e) {
            if (e) return;
            if (auto err = writer->maybe_sync(std::chrono::steady_clock::now()))
                log->error("journal fsync failed: {}", err.message());
            arm_sync();
        });
    };
    if (wo.sync == replay::sync_policy::interval) arm_sync();

    net::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](beast::error_code, int) {
        made.client->stop();
        sync_timer.cancel();
    });
    ioc.run();

    if (auto err = writer->sync()) log->error("journal fsync failed: {}", err.message());
    log->info("recorded {} frames ({} bytes) into {}", handler.frames(), writer->stats().bytes, o.journal);
    return 0;
}

}  // namespace

command add_record(CLI::App& root) {
    auto o = std::make_shared<record_cli_options>();
    auto* app = root.add_subcommand(
        "record",
        "Record a live timing feed into a journal without processing it, until SIGINT/SIGTERM. Reconnects\n"
        "with ?since= after the last seq recorded. Play it back with `splitstream replay`.");
    app->add_option("--upstream", o->upstream, "Feed URL, ws://HOST:PORT/PATH or wss://...")->required();
    app->add_option("--journal", o->journal, "Journal file (appended to when it exists)")->required();
    app->add_option("--sync", o->sync, "fsync policy: every_record, interval or os")->capture_default_str();
    app->add_option("--sync-interval-ms", o->sync_interval_ms, "fsync interval for --sync interval")
        ->capture_default_str()
        ->check(CLI::Range(1, 60'000));
    app->add_option("--rotate-mib", o->rotate_mib, "Start a new journal file past this size; 0: never")
        ->capture_default_str();
    app->add_option("--epoch", o->epoch,
                    "Epoch written in a new journal's header (default: record-<unix time>)");
    app->add_option("--log-level", o->log_level, "trace, debug, info, warn, error")->capture_default_str();
    return {app, [o] { return run_record(*o); }};
}

}  // namespace splitstream::cli
