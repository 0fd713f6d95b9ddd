#include "publish/hub.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

#include "publish/shard.hpp"

namespace splitstream::publish {

namespace {

// Checkpoints are kept this much longer than max_delay, and the history
// this much more than max_delay while delayed subscribers exist: a
// subscriber at the longest delay finds the checkpoint before its position.
constexpr std::chrono::seconds timeline_margin{5};
// Due times this close together are served by one pass of the delay timer
// (bounds the passes to 200 a second with a delayed subscriber per event).
constexpr std::chrono::milliseconds delay_coalesce{5};
// The most turns of the loop a fan-out waits for frames already read (a
// frame a turn): a backlog larger than this goes out in several fan-outs.
constexpr std::size_t settle_max_rounds = 64;
// Sends per system call of the send ring: a fan-out to more subscribers
// submits every this many. Small enough for the locked-memory limit of
// kernels before 5.12 (64 KiB).
constexpr unsigned send_ring_entries = 256;

std::unique_ptr<send_ring> open_send_ring(const server_options& options, spdlog::logger& log) {
    if (!options.fanout_io_uring) return nullptr;
    std::string why;
    auto ring = send_ring::open(send_ring_entries, why);
    // Once a process: every thread's hub would say the same.
    static std::atomic<bool> told{false};
    if (!ring && !told.exchange(true))
        log.warn("io_uring unavailable ({}): fan-out writes one sendmsg per subscriber", why);
    return ring;
}

}  // namespace

hub::hub(net::io_context& ioc, state_provider& provider, server_options options, metrics_registry& registry,
         std::shared_ptr<spdlog::logger> log)
    : ioc_(ioc),
      provider_(provider),
      options_(std::move(options)),
      registry_(registry),
      metrics_(registry),
      log_(std::move(log)),
      control_(metrics_, *log_),
      history_(options_.history_max_events, options_.history_max_bytes),
      flush_timer_(ioc),
      sends_(open_send_ring(options_, *log_)),
      pacer_(options_.fanout_max_delay,
             sends_ ? flush_pacer::hold_above_send_ring : flush_pacer::hold_above_sendmsg),
      send_reap_timer_(ioc),
      ping_frame_(make_control_frame(ws_opcode::ping, {})),
      pong_reply_(make_text_frame(R"({"type":"pong"})")),
      read_scratch_(64 * 1024),
      tick_timer_(ioc),
      delay_timer_(ioc),
      timeline_(options_.max_delay + timeline_margin, std::chrono::seconds(1)),
      checkpoint_timer_(ioc) {
    pending_.reserve(64);
    if (sends_) metrics_.io_uring_threads.add(1);
}

void hub::start_history(std::uint64_t head) {
    // A history rebuilt before the server started (recovery from the
    // journal: same epoch, up to the same head) is what resuming
    // subscribers need after a restart; only a different one is dropped.
    if (epoch_ != provider_.epoch() || history_.head() != head) {
        history_.reset(head);
        epoch_ = provider_.epoch();
    }
    // Every event's state at the start, so a delayed subscriber has a
    // checkpoint for the events that do not change after it.
    timeline_.clear();
    for (const auto& id : provider_.event_ids()) timeline_.mark_changed(id);
    take_checkpoints();
}

// The entries share their frames: no event's text is copied, so a node
// state is taken on the loop in milliseconds.
std::vector<history_entry> hub::retained_events() const {
    std::vector<history_entry> out;
    out.reserve(history_.size());
    for (std::size_t i = 0; i < history_.size(); ++i) out.push_back(history_.at(i));
    return out;
}

void hub::restore_history(std::span<const restored_event> events, std::uint64_t head) {
    epoch_ = provider_.epoch();
    history_.reset(events.empty() || events.back().seq != head ? head : events.front().seq - 1);
    if (!events.empty() && events.back().seq == head) {
        const auto now = clock::now();
        for (const auto& ev : events)
            history_.append(
                {ev.seq, ev.type, std::string(ev.event), make_text_frame(ev.json, ev.seq, 0), now});
    }
    timeline_.clear();
    for (const auto& id : provider_.event_ids()) timeline_.mark_changed(id);
    take_checkpoints();
}

void hub::follow_epoch() {
    if (auto epoch = provider_.epoch(); epoch != epoch_) change_epoch(std::move(epoch), provider_.head());
}

// Seqs of a new epoch are not comparable with retained ones.
void hub::change_epoch(std::string epoch, std::uint64_t head) {
    log_->info("stream epoch changed from '{}' to '{}': history cleared", epoch_, epoch);
    history_.reset(head);
    epoch_ = std::move(epoch);
    // epoch_changed() closes, which leaves subscribers_: iterate a copy.
    const std::vector<subscriber*> all = subscribers_;
    for (auto* s : all) s->epoch_changed();
    timeline_.clear();
    for (const auto& id : provider_.event_ids()) timeline_.mark_changed(id);
}

void hub::publish(const feed::derived_event& ev, std::int64_t received_mono_ns) {
    if (auto epoch = provider_.epoch(); epoch != epoch_)
        change_epoch(std::move(epoch), ev.seq > 0 ? ev.seq - 1 : 0);
    metrics_.derived_events[static_cast<std::size_t>(ev.type)]->inc();
    const auto now = clock::now();
    // A delayed subscriber that has caught up is due again at the earliest
    // at this event's time + its delay.
    if (!delayed_.empty()) wake_delayed_at(now + min_delay_);
    queue_for_fanout({ev.seq, ev.type, ev.event, make_text_frame(ev.json, ev.seq, received_mono_ns), now});
}

void hub::queue_for_fanout(history_entry e) {
    pending_.push_back(e);
    history_.append(std::move(e));
    if (!flush_scheduled_) {
        flush_scheduled_ = true;
        schedule_flush();
    }
}

void hub::schedule_flush() {
    const auto now = clock::now();
    const auto due = pacer_.due(now);
    if (due <= now) {
        settle_rounds_ = 0;
        net::post(ioc_, [this] { settle(); });
        return;
    }
    flush_timer_.expires_at(due);
    // The hub outlives the io_context's work only until the server is gone;
    // a cancelled wait touches nothing.
    flush_timer_.async_wait([this](beast::error_code ec) {
        if (!ec) flush();
    });
}

void hub::settle() {
    // The event that scheduled this fan-out was published from a frame's
    // handler, before that handler asked for the next frame: a frame
    // already read (after a stall, the upstream's socket holds several)
    // completes one turn of the loop later. So the fan-out waits a turn,
    // and another while the last one brought events, and takes them all:
    // a backlog goes out in one fan-out instead of one fan-out a frame,
    // each waiting for the writes of all before it.
    // fanout_max_delay 0: no waiting at all, not even for these turns.
    const bool more = settle_rounds_ == 0 || pending_.size() > settle_seen_;
    if (more && settle_rounds_ < settle_max_rounds && options_.fanout_max_delay.count() > 0) {
        ++settle_rounds_;
        settle_seen_ = pending_.size();
        net::post(ioc_, [this] { settle(); });
        return;
    }
    flush();
}

void hub::flush() {
    const auto start = clock::now();
    flush_scheduled_ = false;
    const auto events = pending_.size();
    // The shards first: they fan out on their own threads while this one
    // does its share. One copy of the batch's entries serves them all; the
    // frames inside stay shared with this hub's history.
    if (!shards_.empty() && !pending_.empty()) {
        auto batch = std::make_shared<const std::vector<history_entry>>(pending_);
        for (auto* s : shards_) s->take(batch, epoch_);
    }
    // Queue first, write second: every subscriber shares the same frames,
    // and only sessions with no write in flight need a kick; the others take
    // the new frames with their next write. Index loops: neither offer() nor
    // kick() adds or removes subscribers.
    for (std::size_t i = 0; i < subscribers_.size(); ++i)
        if (subscribers_[i]->offer(pending_)) to_kick_.push_back(subscribers_[i]);
    if (options_.max_delay.count() > 0) {
        for (const auto& e : pending_)
            if (!e.event.empty()) timeline_.mark_changed(e.event);
    }
    pending_.clear();
    for (auto* s : to_kick_) s->kick();
    to_kick_.clear();
    if (sends_) submit_sends();
    const auto end = clock::now();
    pacer_.flushed(start, end, events);
    if (!mirror_) {
        metrics_.history_events.set(static_cast<std::int64_t>(history_.size()));
        metrics_.history_bytes.set(static_cast<std::int64_t>(history_.bytes()));
    }
    take_checkpoints();
}

void hub::submit_sends() {
    const int rc = sends_->submit();
    if (rc >= 0) {
        if (send_refused_) log_->info("io_uring takes the fan-out's writes again");
        send_refused_ = false;
    } else {
        metrics_.send_ring_refusals.inc();
        // Once a streak: a kernel that keeps refusing would fill the log.
        if (!send_refused_)
            log_->warn("io_uring refused a fan-out's writes ({}): they go through the reactor",
                       std::strerror(-rc));
        send_refused_ = true;
        // Not left waiting for a kernel that may go on refusing (or for a
        // stop): each subscriber writes this fan-out on its own.
        sends_->give_back();
    }
    reap_later();
}

void hub::reap_later() {
    // Sends the kernel ran on its worker threads rather than inline end
    // later: their subscribers hear of it within a millisecond, not at the
    // next fan-out, which may be long in coming; a stop goes on reaping,
    // for the sessions it waits for are among them. Setting the expiry
    // cancels a reap already waiting; as with the other timers, a
    // cancelled wait touches nothing.
    if (sends_->in_flight() == 0) return;
    send_reap_timer_.expires_after(std::chrono::milliseconds(1));
    send_reap_timer_.async_wait([this](beast::error_code ec) {
        if (ec) return;
        sends_->reap();
        reap_later();
    });
}

void hub::take_batch(std::span<const history_entry> batch, const std::string& epoch) {
    if (epoch != epoch_) change_epoch(epoch, batch.empty() ? history_.head() : batch.front().seq - 1);
    for (const auto& e : batch)
        if (e.seq > history_.head()) queue_for_fanout(e);
}

void hub::mirror_history(std::span<const history_entry> events, std::uint64_t head, std::string epoch) {
    if (epoch != epoch_) change_epoch(std::move(epoch), head);
    history_.reset(events.empty() ? head : events.front().seq - 1);
    for (const auto& e : events) history_.append(e);
}

void hub::serve_as_shard(std::chrono::milliseconds max_delay) {
    mirror_ = true;
    history_.set_min_age(max_delay.count() == 0 ? clock::duration(0)
                                                : clock::duration(max_delay + timeline_margin));
}

publish_shard* hub::shard_for(const subscription_request& request) const {
    if (shards_.empty() || stopping_ || request.control || request.delay.count() > 0) return nullptr;
    // The least loaded shard. The loop keeps none: it runs ingest and the
    // engine, and a shard with all the subscribers of one thread batches
    // its writes as the loop alone would (a thread with fewer subscribers
    // ends its fan-outs sooner, and so cork fewer frames per write).
    publish_shard* best = shards_.front();
    for (auto* s : shards_)
        if (s->load() < best->load()) best = s;
    return best;
}

std::size_t hub::counted_connections() const {
    std::size_t n = connection_count_ - refusing_;
    for (const auto* s : shards_) n += s->connections();
    return n;
}

void hub::add_connection(connection& c) {
    c.prev_connection = nullptr;
    c.next_connection = first_connection_;
    if (first_connection_) first_connection_->prev_connection = &c;
    first_connection_ = &c;
    ++connection_count_;
    open_connections_.store(connection_count_, std::memory_order_relaxed);
    metrics_.connections.add(1);
}

void hub::remove_connection(connection& c) {
    if (c.prev_connection)
        c.prev_connection->next_connection = c.next_connection;
    else
        first_connection_ = c.next_connection;
    if (c.next_connection) c.next_connection->prev_connection = c.prev_connection;
    c.prev_connection = c.next_connection = nullptr;
    --connection_count_;
    open_connections_.store(connection_count_, std::memory_order_relaxed);
    metrics_.connections.add(-1);
}

void hub::add_subscriber(subscriber& s) {
    s.hub_index = subscribers_.size();
    subscribers_.push_back(&s);
    load_.store(subscribers_.size(), std::memory_order_relaxed);
    metrics_.subscribers.add(1);
    if (!ticking_ && !stopping_) {
        ticking_ = true;
        arm_tick();
    }
}

void hub::arm_tick() {
    // Often enough for the shortest deadline a subscriber keeps (a second
    // for token expiry, a quarter of the ping and idle periods); with the
    // defaults, once a second.
    const auto period =
        std::clamp<std::chrono::milliseconds>(std::min(options_.ping_interval, options_.idle_timeout) / 4,
                                              std::chrono::milliseconds(5), std::chrono::milliseconds(1000));
    tick_timer_.expires_after(period);
    // As with the flush timer: a cancelled wait touches nothing.
    tick_timer_.async_wait([this](beast::error_code ec) {
        if (!ec) on_tick();
    });
}

void hub::on_tick() {
    if (stopping_) {
        ticking_ = false;
        return;
    }
    const auto now = clock::now();
    // Backwards: a tick that closes its subscriber swaps the last one (seen
    // already) into its place.
    for (std::size_t i = subscribers_.size(); i-- > 0;)
        if (i < subscribers_.size()) subscribers_[i]->tick(now);
    if (subscribers_.empty()) {
        ticking_ = false;
        return;
    }
    arm_tick();
}

std::unique_ptr<write_gather> hub::take_gather() {
    if (spare_gathers_.empty()) return std::make_unique<write_gather>();
    auto g = std::move(spare_gathers_.back());
    spare_gathers_.pop_back();
    return g;
}

void hub::give_back(std::unique_ptr<write_gather> g) {
    // A few spares cover the writes that start and end within one turn of
    // the loop; a burst of connections must not leave a kilobyte each.
    if (g && spare_gathers_.size() < 64) spare_gathers_.push_back(std::move(g));
}

void hub::remove_subscriber(subscriber& s) {
    control_.leave(s);
    if (s.hub_index >= subscribers_.size() || subscribers_[s.hub_index] != &s) return;
    subscribers_[s.hub_index] = subscribers_.back();
    subscribers_[s.hub_index]->hub_index = s.hub_index;
    subscribers_.pop_back();
    s.hub_index = std::numeric_limits<std::size_t>::max();
    load_.store(subscribers_.size(), std::memory_order_relaxed);
    metrics_.subscribers.add(-1);
}

void hub::shutdown_all() {
    // Here, not in a destructor: the hub can outlive the metrics registry
    // (the last handlers holding it run when the io_context goes).
    if (sends_ && !stopping_) metrics_.io_uring_threads.add(-1);
    stopping_ = true;
    flush_timer_.cancel();
    tick_timer_.cancel();
    delay_timer_.cancel();
    checkpoint_timer_.cancel();
    for (auto* c = first_connection_; c != nullptr;) {
        auto* next = c->next_connection;  // shutdown() ends no connection synchronously
        c->shutdown();
        c = next;
    }
}

void hub::add_delayed(delayed_subscriber& d) {
    d.delay_index = delayed_.size();
    delayed_.push_back(&d);
    update_min_delay();
}

void hub::remove_delayed(delayed_subscriber& d) {
    if (d.delay_index >= delayed_.size() || delayed_[d.delay_index] != &d) return;
    delayed_[d.delay_index] = delayed_.back();
    delayed_[d.delay_index]->delay_index = d.delay_index;
    delayed_.pop_back();
    d.delay_index = std::numeric_limits<std::size_t>::max();
    update_min_delay();
}

void hub::update_min_delay() {
    min_delay_ = std::chrono::milliseconds::max();
    for (auto* d : delayed_) min_delay_ = std::min(min_delay_, d->delay);
    if (delayed_.empty()) min_delay_ = std::chrono::milliseconds(0);
    // A delayed subscriber's next event must still be retained when it is
    // due: the count limit yields to age (the byte limit does not).
    history_.set_min_age(delayed_.empty() ? clock::duration(0)
                                          : clock::duration(options_.max_delay + timeline_margin));
    metrics_.delayed_subscribers.set(static_cast<std::int64_t>(delayed_.size()));
}

void hub::wake_delayed_at(clock::time_point at) {
    if (stopping_) return;
    at = std::max(at, last_delay_wake_ + delay_coalesce);
    if (delay_armed_ && at >= delay_wake_at_) return;  // an earlier pass serves it
    delay_armed_ = true;
    delay_wake_at_ = at;
    delay_timer_.expires_at(at);
    // A re-armed timer may still run the earlier wait's handler (it had
    // expired already): only the latest wait counts.
    delay_timer_.async_wait([this, generation = ++delay_generation_](beast::error_code ec) {
        if (!ec && generation == delay_generation_) on_delay_timer();
    });
}

void hub::on_delay_timer() {
    delay_armed_ = false;
    const auto now = clock::now();
    last_delay_wake_ = now;
    // Backwards: a subscriber closed by its release swaps the last one
    // (served already) into its place.
    for (std::size_t i = delayed_.size(); i-- > 0;)
        if (i < delayed_.size()) delayed_[i]->release_due(now);
}

void hub::take_checkpoints() {
    if (options_.max_delay.count() == 0) return;
    const auto now = clock::now();
    // A checkpoint is labelled with the head: only while the provider's
    // state is exactly that of the published events.
    if (provider_.head() == history_.head()) {
        for (const auto& id : timeline_.take_due(now))
            if (auto state = provider_.snapshot_json(id))
                timeline_.record(id, history_.head(), now, std::move(*state));
    }
    timeline_.prune(now);
    metrics_.timeline_bytes.set(static_cast<std::int64_t>(timeline_.bytes()));
    auto next = timeline_.next_due();
    if (!next || checkpoint_armed_ || stopping_) return;
    checkpoint_armed_ = true;
    checkpoint_timer_.expires_at(std::max(*next, now + std::chrono::milliseconds(100)));
    // As with the other timers: a cancelled wait touches nothing.
    checkpoint_timer_.async_wait([this](beast::error_code ec) {
        if (ec) return;
        checkpoint_armed_ = false;
        take_checkpoints();
    });
}

}  // namespace splitstream::publish
