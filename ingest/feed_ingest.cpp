#include "ingest/feed_ingest.hpp"

#include <ctime>

#include <spdlog/spdlog.h>

namespace splitstream::ingest {

namespace {

// ISO 8601 UTC with milliseconds, as PROTOCOL.md writes wall-clock times.
std::string iso_now() {
    const auto now = std::chrono::system_clock::now();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[32];
    const auto n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
    char out[40];
    std::snprintf(out, sizeof out, "%.*s.%03dZ", static_cast<int>(n), text, static_cast<int>(ms % 1000));
    return out;
}

// The steps of a connection attempt, as line_handler names them.
constexpr std::string_view connect_steps[] = {"resolve", "connect", "tls", "websocket"};

std::string range_text(const seq_range& r) {
    return r.first == r.last ? std::to_string(r.first)
                             : std::to_string(r.first) + "-" + std::to_string(r.last);
}

// The index of a local source's line, when `line` is one.
std::optional<std::size_t> local_source_of(int line, const ingest_options& o) {
    if (line < local_line || static_cast<std::size_t>(line - local_line) >= o.local_sources.size())
        return std::nullopt;
    return static_cast<std::size_t>(line - local_line);
}

}  // namespace

feed_ingest::feed_ingest(net::any_io_executor executor, ingest_options options, feed_sink& sink,
                         metrics_registry& metrics, std::shared_ptr<spdlog::logger> log)
    : executor_(executor),
      options_(std::move(options)),
      sink_(sink),
      registry_(metrics),
      log_(std::move(log)),
      sequencer_(options_.sequencing),
      gap_timer_(executor),
      reject_log_(options_.rejected_log_interval),
      too_far_log_(options_.rejected_log_interval) {
    for (std::size_t i = 0; i < options_.upstreams.size(); ++i) {
        auto& up = options_.upstreams[i];
        up.line = static_cast<int>(i);
        if (up.name.empty()) up.name = std::string(1, static_cast<char>('A' + (i % 26)));
    }
    auto make_line = [&](const std::string& name) {
        const metric_labels labels{{"line", name}};
        line_metrics m;
        m.frames = &metrics.make_counter("ingest_frames_total", "Frames received, by line.", labels);
        m.duplicates = &metrics.make_counter(
            "ingest_duplicates_total",
            "Messages dropped as duplicates (seq already applied or held), by line.", labels);
        m.first_delivery = &metrics.make_counter("ingest_first_delivery_total",
                                                 "Seqs this line delivered before any other line.", labels);
        m.reconnects =
            &metrics.make_counter("ingest_reconnects_total", "Reconnect attempts scheduled.", labels);
        m.stale = &metrics.make_counter("ingest_stale_total",
                                        "Connections closed after no frame for stale_after.", labels);
        m.oversize =
            &metrics.make_counter("ingest_oversize_closes_total",
                                  "Connections closed (1009) for a frame over read_message_max.", labels);
        m.connected =
            &metrics.make_gauge("ingest_connected", "1 while the line's connection is open.", labels);
        for (const auto step : connect_steps) {
            m.connect_failures.push_back(&metrics.make_counter(
                "ingest_connect_failures_total",
                "Connection attempts that failed before the WebSocket was open, by line and step.",
                {{"line", name}, {"step", std::string(step)}}));
        }
        line_metrics_.push_back(m);
    };
    for (const auto& up : options_.upstreams) make_line(up.name);
    make_line("push");
    for (const auto& name : options_.local_sources) make_line(name);
    gaps_ = &metrics.make_counter("ingest_gaps_total", "Gaps opened in the feed sequence.");
    gap_timeouts_ = &metrics.make_counter("ingest_gap_timeouts_total",
                                          "Gaps not filled within gap_timeout (each causes a resume).");
    gaps_skipped_ = &metrics.make_counter("ingest_gaps_skipped_total",
                                          "Gaps given up after gap_retries resumes; their seqs are lost.");
    hold_overflows_ = &metrics.make_counter("ingest_hold_overflows_total",
                                            "Messages dropped because the hold buffer was full.");
    epochs_ = &metrics.make_counter("ingest_epoch_changes_total", "Feed epoch changes (upstream restarts).");
    foreign_epoch_ = &metrics.make_counter("ingest_foreign_epoch_total",
                                           "Frames dropped from a line still on another epoch.");
    too_far_ = &metrics.make_counter(
        "ingest_seq_too_far_total",
        "Frames dropped because their seq was more than max_jump ahead of the last applied.");
    held_ = &metrics.make_gauge("ingest_held_messages", "Messages held behind a gap.");
    for (int r = 0; r < feed::reject_reason_count; ++r) {
        rejected_.push_back(
            &metrics.make_counter("ingest_rejected_total", "Frames refused by the parser, by reason.",
                                  {{"reason", feed::to_string(static_cast<feed::reject_reason>(r))}}));
    }
}

feed_ingest::~feed_ingest() {
    stop();
}

void feed_ingest::set_resume(std::string epoch, std::uint64_t last_seq) {
    sequencer_.set_resume(std::move(epoch), last_seq);
}

std::optional<std::string> feed_ingest::start() {
    if (started_) return "feed ingest already started";
    if (options_.upstreams.empty() && !options_.listen && options_.local_sources.empty())
        return "no upstream and no feed listener configured";
    std::vector<std::shared_ptr<upstream_client>> clients;
    for (const auto& up : options_.upstreams) {
        auto made = upstream_client::create(executor_, up, *this, log_);
        if (!made.client) return made.error;
        clients.push_back(std::move(made.client));
    }
    if (options_.listen) {
        auto made = feed_listener::create(executor_, *options_.listen, push_first_line, *this, log_);
        if (!made.listener) return made.error;
        listener_ = std::move(made.listener);
        listener_->count_refusals_in(registry_);
    }
    started_ = true;
    clients_ = std::move(clients);
    for (auto& client : clients_) client->run();
    if (listener_) listener_->run();
    return std::nullopt;
}

void feed_ingest::stop() {
    if (stopped_) return;
    stopped_ = true;
    for (auto& client : clients_) client->stop();
    if (listener_) listener_->stop();
    gap_timer_.cancel();
}

std::optional<tcp::endpoint> feed_ingest::listen_endpoint() const {
    if (!listener_) return std::nullopt;
    return listener_->local_endpoint();
}

std::optional<std::uint64_t> feed_ingest::resume_position() const {
    return sequencer_.resume_position();
}

feed_ingest::line_metrics& feed_ingest::metrics_for(int line) {
    const auto upstreams = options_.upstreams.size();
    if (line >= 0 && static_cast<std::size_t>(line) < upstreams) return line_metrics_[line];
    if (const auto local = local_source_of(line, options_)) return line_metrics_[upstreams + 1 + *local];
    return line_metrics_[upstreams];  // push
}

std::string feed_ingest::line_name(int line) const {
    if (line >= 0 && static_cast<std::size_t>(line) < options_.upstreams.size())
        return options_.upstreams[line].name;
    if (const auto local = local_source_of(line, options_)) return options_.local_sources[*local];
    return "push-" + std::to_string(line - push_first_line + 1);
}

void feed_ingest::notice(std::string state, std::string text, decltype(feed::feed_notice::details) details) {
    if (stopped_) return;
    sink_.on_notice(feed::feed_notice{
        .state = std::move(state),
        .ts = iso_now(),
        .src_seq = sequencer_.last_applied(),
        .text = std::move(text),
        .details = std::move(details),
    });
}

void feed_ingest::on_line_up(int line, std::optional<std::uint64_t> since) {
    metrics_for(line).connected->add(1);
    metrics_for(line).failing = false;
    const auto name = line_name(line);
    notice("connected", "Feed line " + name + " connected", {{"line", name}});
    if (since) {
        notice("resumed", "Feed line " + name + " resumed after seq " + std::to_string(*since),
               {{"line", name}, {"since", static_cast<std::int64_t>(*since)}});
    }
}

void feed_ingest::on_line_down(int line, std::string_view reason) {
    metrics_for(line).connected->add(-1);
    sequencer_.line_down(line);
    const auto name = line_name(line);
    notice("disconnected", "Feed line " + name + " disconnected: " + std::string(reason),
           {{"line", name}, {"reason", std::string(reason)}});
}

void feed_ingest::on_line_stale(int line, std::chrono::milliseconds silent) {
    metrics_for(line).stale->inc();
    const auto name = line_name(line);
    notice("stale", "Feed line " + name + " silent for " + std::to_string(silent.count()) + " ms",
           {{"line", name}, {"silent_ms", static_cast<std::int64_t>(silent.count())}});
}

void feed_ingest::on_line_oversize(int line) {
    metrics_for(line).oversize->inc();
}

void feed_ingest::on_line_attempt_failed(int line, std::string_view step, std::string_view error) {
    auto& m = metrics_for(line);
    for (std::size_t i = 0; i < std::size(connect_steps); ++i)
        if (connect_steps[i] == step) m.connect_failures[i]->inc();
    // Once per run of failures, not once per attempt: a line that is down
    // for an hour makes one feed event, and `connected` ends the run.
    if (m.failing) return;
    m.failing = true;
    const auto name = line_name(line);
    notice("connect_failed",
           "Feed line " + name + " cannot connect (" + std::string(step) + "): " + std::string(error) +
               "; retrying",
           {{"line", name}, {"step", std::string(step)}, {"error", std::string(error)}});
}

void feed_ingest::on_line_reconnect(int line, std::chrono::milliseconds delay) {
    metrics_for(line).reconnects->inc();
    log_->debug("upstream {}: next attempt in {} ms", line_name(line), delay.count());
}

void feed_ingest::offer_local(std::string bytes, std::size_t source) {
    auto ns = [](auto time_point) -> std::int64_t {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(time_point.time_since_epoch()).count();
    };
    sequenced_frame in;
    in.frame.wall_ns = ns(std::chrono::system_clock::now());
    in.frame.mono_ns = ns(std::chrono::steady_clock::now());
    in.frame.line = local_line + static_cast<int>(source);
    in.frame.bytes = std::move(bytes);
    in.outcome = local_parser_.parse(in.frame.bytes);
    on_line_frame(std::move(in));
}

void feed_ingest::on_line_frame(sequenced_frame in) {
    if (stopped_) return;
    const int line = in.frame.line;
    auto& m = metrics_for(line);
    m.frames->inc();
    const auto duplicates = sequencer_.duplicates(line);
    const auto firsts = sequencer_.first_deliveries(line);
    const auto last_before = sequencer_.last_applied();
    const auto seq = in.outcome.ok() ? std::optional(in.outcome.message().seq) : in.outcome.seq;
    const auto now = sequencer::clock::now();
    auto step = sequencer_.offer(std::move(in), now);
    m.duplicates->inc(sequencer_.duplicates(line) - duplicates);
    m.first_delivery->inc(sequencer_.first_deliveries(line) - firsts);
    track_progress(step, last_before, now);
    if (step.what == verdict::foreign_epoch) foreign_epoch_->inc();
    if (step.what == verdict::too_far) refuse_too_far(line, seq.value_or(0), last_before);
    if (step.what == verdict::overflow) {
        hold_overflows_->inc();
        log_->warn("hold buffer full ({} messages) behind seq {}: resuming", sequencer_.held(),
                   sequencer_.last_applied());
    }
    handle(std::move(step));
}

void feed_ingest::refuse_too_far(int line, std::uint64_t seq, std::uint64_t last) {
    too_far_->inc();
    // A hostile or broken line can send this on every frame: one line per burst.
    if (const auto unlogged = too_far_log_.admit()) {
        log_->warn(
            "frame seq {} from line {} is more than {} ahead of seq {}: refused{}", seq, line_name(line),
            options_.sequencing.max_jump, last,
            *unlogged ? " (" + std::to_string(*unlogged) + " more since the last line)" : std::string());
    }
}

// Progress is the sequence moving (or a new epoch). A feed that receives
// frames but cannot place them (held behind a gap, too far ahead, or only
// duplicates after a gap was given up) is stalled once that lasts
// `stall_after`.
void feed_ingest::track_progress(const sequencer_step& step, std::uint64_t last_before,
                                 sequencer::clock::time_point now) {
    if (sequencer_.last_applied() != last_before || step.epoch) {
        last_progress_ = now;
        stalled_since_.reset();
        skipped_since_progress_ = false;
        if (!step.skipped) return;
    }
    if (step.skipped) skipped_since_progress_ = true;
    const bool stuck = step.what == verdict::held || step.what == verdict::too_far ||
                       step.what == verdict::overflow ||
                       (step.what == verdict::duplicate && skipped_since_progress_);
    if (stuck && !stalled_since_) stalled_since_ = now;
}

bool feed_ingest::stalled(std::chrono::steady_clock::time_point now) const {
    return stalled_since_ && now - *stalled_since_ >= options_.stall_after;
}

std::string feed_ingest::health_json() const {
    const auto now = std::chrono::steady_clock::now();
    std::string age = "null";
    if (last_progress_)
        age = std::to_string(
            std::chrono::duration_cast<std::chrono::milliseconds>(now - *last_progress_).count());
    return "\"feed_seq_age_ms\":" + age + ",\"feed_stalled\":" + (stalled(now) ? "true" : "false");
}

void feed_ingest::handle(sequencer_step step) {
    if (step.epoch) {
        epochs_->inc();
        const auto& e = *step.epoch;
        if (!e.previous.empty()) {
            log_->warn("feed {} changed epoch {} -> {}: sequence tracking restarts", e.feed, e.previous,
                       e.current);
            notice("epoch", "Feed " + e.feed + " restarted: epoch " + e.current,
                   {{"feed", e.feed}, {"previous", e.previous}, {"epoch", e.current}});
        }
    }
    for (auto& in : step.apply) {
        if (stopped_) return;
        if (in.outcome.ok()) {
            sink_.on_message(in.frame, in.outcome.message());
        } else {
            deliver_rejected(in);
        }
    }
    if (step.skipped) {
        gaps_skipped_->inc();
        log_->error("gap {} not filled after {} resumes: skipped, these messages are lost",
                    range_text(*step.skipped), options_.sequencing.gap_retries);
        notice("gap", "Feed messages " + range_text(*step.skipped) + " lost",
               {{"from", static_cast<std::int64_t>(step.skipped->first)},
                {"to", static_cast<std::int64_t>(step.skipped->last)},
                {"action", std::string("skipped")}});
    }
    if (step.gap) {
        gaps_->inc();
        log_->info("gap in feed: {} missing, holding what follows", range_text(*step.gap));
        notice("gap", "Feed messages " + range_text(*step.gap) + " missing",
               {{"from", static_cast<std::int64_t>(step.gap->first)},
                {"to", static_cast<std::int64_t>(step.gap->last)},
                {"action", std::string("held")}});
    }
    held_->set(static_cast<std::int64_t>(sequencer_.held()));
    if (step.reconnect && !stopped_) {
        if (step.what != verdict::overflow) {
            gap_timeouts_->inc();
            log_->warn("gap after seq {} not filled in {} ms: resuming every upstream",
                       sequencer_.last_applied(), options_.sequencing.gap_timeout.count());
        }
        for (auto& client : clients_) client->restart();
    }
    arm_gap_timer();
}

void feed_ingest::deliver_rejected(const sequenced_frame& in) {
    const auto& why = in.outcome.rejected();
    rejected_[static_cast<int>(why.reason)]->inc();
    // One line per burst: a broken upstream must not flood the log.
    if (const auto unlogged = reject_log_.admit()) {
        const auto seq = in.outcome.seq ? std::to_string(*in.outcome.seq) : std::string("?");
        if (*unlogged > 0) {
            log_->warn("rejected frame seq {} from line {}: {}: {} ({} more since the last line)", seq,
                       line_name(in.frame.line), feed::to_string(why.reason), why.detail, *unlogged);
        } else {
            log_->warn("rejected frame seq {} from line {}: {}: {}", seq, line_name(in.frame.line),
                       feed::to_string(why.reason), why.detail);
        }
    }
    sink_.on_rejected(in.frame, why, in.outcome.seq);
}

void feed_ingest::arm_gap_timer() {
    if (stopped_) return;
    const auto deadline = sequencer_.gap_deadline();
    if (deadline == gap_timer_at_) return;
    gap_timer_at_ = deadline;
    if (!deadline) {
        gap_timer_.cancel();
        return;
    }
    gap_timer_.expires_at(*deadline);
    // This object is not owned by its operations: the completion checks that
    // it still exists before touching it.
    gap_timer_.async_wait([this, alive = std::weak_ptr<int>(alive_)](beast::error_code ec) {
        if (ec || alive.expired()) return;
        on_gap_timer(ec);
    });
}

void feed_ingest::on_gap_timer(beast::error_code ec) {
    // Aborted: stop(), or re-armed for another deadline.
    if (ec || stopped_) return;
    gap_timer_at_.reset();
    const auto last_before = sequencer_.last_applied();
    const auto now = sequencer::clock::now();
    auto step = sequencer_.tick(now);
    track_progress(step, last_before, now);
    handle(std::move(step));
}

}  // namespace splitstream::ingest
