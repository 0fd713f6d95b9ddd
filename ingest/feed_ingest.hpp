#pragma once
// Everything that brings the timing feed in: one upstream_client per
// upstream URL (lines A, B, ...: all run at once, the first copy of each seq
// wins), an optional push listener (lines `push_first_line` and up), and the
// one sequencer that merges them into feed order. Calls the feed_sink on the
// executor it was given, which must be the daemon's single-threaded
// io_context; no other thread may touch it.
//
// Lifetime: construct, optionally set_resume(), start(), run the io_context;
// stop() (or the destructor) ends every connection and makes no further
// sink calls.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "base/log_burst.hpp"
#include "base/metrics.hpp"
#include "base/net.hpp"
#include "ingest/feed_listener.hpp"
#include "ingest/feed_sink.hpp"
#include "ingest/line_handler.hpp"
#include "ingest/sequencer.hpp"
#include "ingest/upstream_client.hpp"

namespace splitstream::ingest {

inline constexpr int push_first_line = 2;

struct ingest_options {
    std::vector<upstream_options> upstreams{};  // line A, B, ... in this order
    std::optional<listen_options> listen{};     // push ingest; off when empty
    sequencer_options sequencing{};
    std::chrono::milliseconds rejected_log_interval{1'000};  // one log line per burst of rejections
    // Frames held, refused as too far, or duplicates after a skipped gap,
    // with no progress for this long: health says the feed is stalled.
    std::chrono::milliseconds stall_after{5'000};
    // Frames also come from sources in this process (the adapters that read
    // a timing system: offer_local), each counted and logged as a line of
    // its own under these names; start() then needs no upstream.
    std::vector<std::string> local_sources{};
};

// The line of frames offered by offer_local for local source 0; source n
// is line local_line + n.
inline constexpr int local_line = 1000;

class feed_ingest final : private line_handler {
public:
    // Registers the ingest metrics in `metrics` (which must outlive this).
    feed_ingest(net::any_io_executor executor, ingest_options options, feed_sink& sink,
                metrics_registry& metrics, std::shared_ptr<spdlog::logger> log);
    ~feed_ingest() override;
    feed_ingest(const feed_ingest&) = delete;
    feed_ingest& operator=(const feed_ingest&) = delete;

    // Continue from a recovered journal position (call before start()): the
    // first connections ask for `since=last_seq`, a hello of `epoch` is not
    // applied again, and a hello of another epoch is announced as a change.
    void set_resume(std::string epoch, std::uint64_t last_seq);

    // Checks the options, binds the push listener, starts every connection.
    // Returns why it could not (bad URL, unreadable CA file, bind error);
    // nothing is started then.
    std::optional<std::string> start();

    // Ends every connection and the listener; no sink call after it returns.
    void stop();

    // A feed v1 frame made in this process (an adapter's output): parsed and
    // sequenced like a frame from a connection, on the line of local source
    // `source` (an index into ingest_options::local_sources). Call on the
    // ingest's executor.
    void offer_local(std::string bytes, std::size_t source = 0);

    // Where the push listener listens (port 0 resolved), once started.
    std::optional<tcp::endpoint> listen_endpoint() const;
    const sequencer& sequencing() const { return sequencer_; }

    // Members for the daemon's `/healthz` JSON object:
    // `"feed_seq_age_ms":N` (ms since the sequence last advanced; null
    // before it ever did) and `"feed_stalled":true|false` (frames arrive but
    // none advances the sequence since `stall_after`).
    std::string health_json() const;
    bool stalled(std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now()) const;

private:
    struct line_metrics {
        counter* frames = nullptr;
        counter* duplicates = nullptr;
        counter* first_delivery = nullptr;
        counter* reconnects = nullptr;
        counter* stale = nullptr;
        counter* oversize = nullptr;
        gauge* connected = nullptr;
        std::vector<counter*> connect_failures;  // by connect_steps
        bool failing = false;                    // a connect_failed notice was made since the last success
    };

    std::optional<std::uint64_t> resume_position() const override;
    void on_line_up(int line, std::optional<std::uint64_t> since) override;
    void on_line_frame(sequenced_frame frame) override;
    void on_line_down(int line, std::string_view reason) override;
    void on_line_stale(int line, std::chrono::milliseconds silent) override;
    void on_line_oversize(int line) override;
    void on_line_reconnect(int line, std::chrono::milliseconds delay) override;
    void on_line_attempt_failed(int line, std::string_view step, std::string_view error) override;

    void handle(sequencer_step step);
    void track_progress(const sequencer_step& step, std::uint64_t last_before,
                        sequencer::clock::time_point now);
    void refuse_too_far(int line, std::uint64_t seq, std::uint64_t last);
    void deliver_rejected(const sequenced_frame& in);
    void arm_gap_timer();
    void on_gap_timer(beast::error_code ec);
    void notice(std::string state, std::string text, decltype(feed::feed_notice::details) details);
    line_metrics& metrics_for(int line);
    std::string line_name(int line) const;

    net::any_io_executor executor_;
    ingest_options options_;
    feed_sink& sink_;
    metrics_registry& registry_;
    std::shared_ptr<spdlog::logger> log_;
    sequencer sequencer_;
    frame_parser local_parser_;
    std::vector<std::shared_ptr<upstream_client>> clients_;
    std::shared_ptr<feed_listener> listener_;
    net::steady_timer gap_timer_;
    std::optional<sequencer::clock::time_point> gap_timer_at_;
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // expires with this object
    bool started_ = false;
    bool stopped_ = false;

    std::vector<line_metrics> line_metrics_;  // upstream lines, one for all push lines, local sources
    counter* gaps_ = nullptr;
    counter* gap_timeouts_ = nullptr;
    counter* gaps_skipped_ = nullptr;
    counter* hold_overflows_ = nullptr;
    counter* epochs_ = nullptr;
    counter* foreign_epoch_ = nullptr;
    gauge* held_ = nullptr;
    std::vector<counter*> rejected_;  // by feed::reject_reason
    log_burst reject_log_;            // the parser's refusals
    counter* too_far_ = nullptr;
    log_burst too_far_log_;
    std::optional<std::chrono::steady_clock::time_point> last_progress_;
    std::optional<std::chrono::steady_clock::time_point> stalled_since_;
    bool skipped_since_progress_ = false;
};

}  // namespace splitstream::ingest
