#include "scaleout/nats_node.hpp"

#include <nats/nats.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <vector>

#include "scaleout/event_subject.hpp"
#include "scaleout/jetstream_ack.hpp"
#include "scaleout/nats_handles.hpp"
#include "scaleout/snapshot_store.hpp"
#include "scaleout/stream_order.hpp"

namespace splitstream::scaleout {

namespace {

using namespace std::chrono_literals;

// Stored frames read but not yet taken by the loop, at most: past it the
// reading thread waits, and JetStream's flow control holds the rest.
constexpr std::size_t handoff_max = 16'384;
// Stored frames applied per turn of the loop, so subscribers are served
// while a late node catches up.
constexpr std::size_t drain_batch = 2'048;
constexpr auto setup_retry = 250ms;
constexpr auto refusal_pause = 100ms;
constexpr std::int64_t api_wait_ms = 2'000;
constexpr auto close_wait = 3s;

std::string status_text(natsStatus s, jsErrCode code = static_cast<jsErrCode>(0)) {
    std::string out = natsStatus_GetText(s);
    if (code != 0) out += " (JetStream error " + std::to_string(static_cast<int>(code)) + ")";
    return out;
}

// Adds the stream `name` over `subject`: on disk, with the node's replicas
// and duplicate window (the window is what dedupes the ingest nodes'
// copies). A stream that exists already answers JSStreamNameExistErr.
natsStatus add_stream(jsCtx* js, jsOptions* jo, const nats_options& o, const std::string& name,
                      const std::string& subject, stream_info_ptr& info, jsErrCode& code) {
    jsStreamConfig cfg;
    jsStreamConfig_Init(&cfg);
    const char* subjects[] = {subject.c_str()};
    cfg.Name = name.c_str();
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    cfg.Storage = js_FileStorage;
    cfg.Replicas = o.replicas;
    cfg.Duplicates = std::chrono::duration_cast<std::chrono::nanoseconds>(o.dedupe_window).count();
    jsStreamInfo* raw = nullptr;
    code = static_cast<jsErrCode>(0);
    const auto st = js_AddStream(&raw, js, &cfg, jo, &code);
    info.reset(raw);
    return st;
}

// Reply subjects: `<inbox>.<n>` for feed frame n, `<inbox>.e<n>` for event n.
constexpr char event_ack_mark = 'e';

// One frame of the stream as read, on its way to the loop.
struct stored_frame {
    std::string id;  // its message id
    std::string bytes;
    std::uint64_t stream_seq = 0;
    std::uint64_t pending = 0;  // frames after it in the stream when it was read
};

// A node state as loaded, ready for the sink.
struct restored_state {
    node_state state;  // its engine bytes already restored into `engine`
    feed::engine engine;
};

// The latest stored state of `epoch`; nullopt when there is none, or with
// `error` saying why the one stored cannot be used.
std::optional<restored_state> load_latest_state(jsCtx* js, kvStore* kv, const nats_options& o,
                                                const std::string& epoch, std::uint64_t join_seq,
                                                std::string& error) {
    const auto pointer = read_pointer(kv, error);
    if (!pointer || pointer->stream_epoch != epoch) return std::nullopt;
    // A state past the stream's end is of another stream under the same
    // bucket (a stream deleted and made again): not this one's.
    if (pointer->stream_seq > join_seq) {
        error = "the stored state is at stream seq " + std::to_string(pointer->stream_seq) +
                ", past the stream's last, " + std::to_string(join_seq);
        return std::nullopt;
    }
    node_state state;
    const auto bytes = read_snapshot(js, o, *pointer, error);
    if (!bytes || !decode_node_state(*bytes, state, error)) return std::nullopt;
    if (state.stream_epoch != epoch || state.stream_seq != pointer->stream_seq) {
        error = "the state is not the one its pointer names";
        return std::nullopt;
    }
    auto engine = feed::engine::restore(state.engine);
    if (!engine.value) {
        error = engine.error;
        return std::nullopt;
    }
    state.engine.clear();
    return restored_state{std::move(state), std::move(*engine.value)};
}

}  // namespace

struct nats_node::shared {
    std::mutex m;
    std::condition_variable cv;
    bool stopping = false;
    bool connected = false;
    bool closed = false;
    int subscriptions_open = 0;

    std::deque<stored_frame> frames;  // read, not yet taken by the loop
    bool drain_posted = false;

    connection_ptr nc;
    jetstream_ptr js;
    subscription_ptr acks;
    subscription_ptr stream;
    std::string inbox;  // acknowledgements come to `<inbox>.<publish number>`
    kv_ptr kv;          // the bucket, once the setup thread has it

    // The latest state offered for storing, for the snapshot thread.
    std::optional<node_state> snapshot;

    net::io_context& ioc;
    std::weak_ptr<int> alive;
    nats_node* node;

    shared(net::io_context& i, std::weak_ptr<int> a, nats_node* n) : ioc(i), alive(std::move(a)), node(n) {}

    // Runs `f` on the node's loop unless the node is gone by then.
    template <class F>
    void post(F f) {
        net::post(ioc, [alive = alive, node = node, f = std::move(f)]() mutable {
            if (alive.lock()) f(*node);
        });
    }

    static void on_connected(natsConnection*, void* closure) {
        auto& s = *static_cast<shared*>(closure);
        std::lock_guard lock(s.m);
        s.connected = true;
        s.cv.notify_all();
        s.post([](nats_node& n) { n.link_changed(true); });
    }
    static void on_disconnected(natsConnection*, void* closure) {
        auto& s = *static_cast<shared*>(closure);
        std::lock_guard lock(s.m);
        s.connected = false;
        s.post([](nats_node& n) { n.link_changed(false); });
    }
    static void on_closed(natsConnection*, void* closure) {
        auto& s = *static_cast<shared*>(closure);
        std::lock_guard lock(s.m);
        s.closed = true;
        s.cv.notify_all();
    }
    static void on_subscription_done(void* closure) {
        auto& s = *static_cast<shared*>(closure);
        std::lock_guard lock(s.m);
        --s.subscriptions_open;
        s.cv.notify_all();
    }

    static void on_ack(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
        message_ptr owned(msg);
        auto& s = *static_cast<shared*>(closure);
        const std::string_view subject = natsMsg_GetSubject(msg);
        const auto dot = subject.rfind('.');
        if (dot == std::string_view::npos) return;
        auto token = subject.substr(dot + 1);
        const bool event = !token.empty() && token.front() == event_ack_mark;
        if (event) token.remove_prefix(1);
        const std::uint64_t number = std::strtoull(std::string(token).c_str(), nullptr, 10);
        std::string body(natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg)));
        std::lock_guard lock(s.m);
        if (s.stopping) return;
        s.post([number, event, body = std::move(body)](nats_node& n) mutable {
            if (event)
                n.handle_event_ack(number, std::move(body));
            else
                n.handle_ack(number, std::move(body));
        });
    }

    static void on_stream_message(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
        message_ptr owned(msg);
        auto& s = *static_cast<shared*>(closure);
        stored_frame f;
        const char* id = nullptr;
        if (natsMsgHeader_Get(msg, "Nats-Msg-Id", &id) == NATS_OK && id != nullptr) f.id = id;
        f.bytes.assign(natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg)));
        jsMsgMetaData* raw = nullptr;
        if (natsMsg_GetMetaData(&raw, msg) == NATS_OK) {
            metadata_ptr meta(raw);
            f.stream_seq = meta->Sequence.Stream;
            f.pending = meta->NumPending;
        }
        std::unique_lock lock(s.m);
        s.cv.wait(lock, [&] { return s.stopping || s.frames.size() < handoff_max; });
        if (s.stopping) return;
        s.frames.push_back(std::move(f));
        if (!s.drain_posted) {
            s.drain_posted = true;
            s.post([](nats_node& n) { n.drain_stored(); });
        }
    }
};

nats_node::nats_node(net::io_context& ioc, nats_options options, stream_sink& sink, metrics_registry& metrics,
                     std::shared_ptr<spdlog::logger> log)
    : ioc_(ioc),
      options_(std::move(options)),
      sink_(sink),
      log_(std::move(log)),
      queue_(options_.buffer_frames),
      events_(options_.buffer_events),
      ack_timer_(ioc),
      retry_timer_(ioc),
      event_retry_timer_(ioc) {
    connected_gauge_ = &metrics.make_gauge("nats_connected", "1 while the node is connected to NATS.");
    disconnects_ = &metrics.make_counter("nats_disconnects_total", "Connections to NATS lost.");
    reconnects_ =
        &metrics.make_counter("nats_reconnects_total", "Connections to NATS made again after a loss.");
    backlog_ = &metrics.make_gauge("nats_publish_backlog",
                                   "Accepted feed frames not yet stored in the JetStream stream.");
    stored_ = &metrics.make_counter("nats_published_total", "Feed frames this node stored in the stream.");
    duplicates_ =
        &metrics.make_counter("nats_publish_duplicates_total",
                              "Feed frames the stream already had (another node stored them first).");
    refusals_ = &metrics.make_counter("nats_publish_refused_total",
                                      "Feed frames the stream refused; they are sent again.");
    resends_ = &metrics.make_counter("nats_publish_timeouts_total",
                                     "Times the oldest frame out waited too long for its acknowledgement.");
    dropped_ = &metrics.make_counter("nats_publish_dropped_total",
                                     "Accepted feed frames lost because the publish buffer was full.");
    frames_read_ =
        &metrics.make_counter("nats_stream_frames_total", "Frames read from the JetStream stream.");
    events_published_ = &metrics.make_counter("nats_events_published_total",
                                              "Derived events this node stored on their NATS subjects.");
    events_backlog_ =
        &metrics.make_gauge("nats_events_backlog", "Derived events not yet stored on their NATS subjects.");
    event_duplicates_ = &metrics.make_counter(
        "nats_events_duplicates_total",
        "Derived events the events stream already had (another node stored them first).");
    event_refusals_ = &metrics.make_counter("nats_events_refused_total",
                                            "Derived events the events stream refused; they are sent again.");
    event_resends_ = &metrics.make_counter(
        "nats_events_timeouts_total", "Times the oldest event out waited too long for its acknowledgement.");
    events_dropped_ =
        &metrics.make_counter("nats_events_dropped_total",
                              "Derived events not put on their subjects because the event buffer was full.");
    stream_seq_gauge_ = &metrics.make_gauge("nats_stream_seq", "The stream sequence of the last frame read.");
    snapshots_written_ =
        &metrics.make_counter("nats_snapshots_written_total", "Node states this node stored in JetStream.");
    snapshots_unusable_ = &metrics.make_counter(
        "nats_snapshots_unusable_total",
        "Stored node states that could not be read at start (the node replayed the stream instead).");
    snapshot_seq_gauge_ =
        &metrics.make_gauge("nats_catchup_snapshot_seq",
                            "The stream sequence of the node state this node started from (0: none).");
    catchup_frames_gauge_ =
        &metrics.make_gauge("nats_catchup_frames", "Frames of the stream read until the node caught up.");
    catchup_ms_gauge_ = &metrics.make_gauge(
        "nats_catchup_ms", "Milliseconds from the node's start until it caught up (-1: not yet).");
    catchup_ms_gauge_->set(-1);
    snapshot_loop_ms_gauge_ = &metrics.make_gauge(
        "nats_snapshot_loop_ms", "Milliseconds the loop spent copying the last node state it offered.");
}

nats_node::~nats_node() {
    stop();
}

std::optional<std::string> nats_node::start() {
    if (options_.servers.empty()) return "no NATS server given";
    shared_ = std::make_shared<shared>(ioc_, alive_, this);
    auto& s = *shared_;

    natsOptions* raw_options = nullptr;
    if (auto st = natsOptions_Create(&raw_options); st != NATS_OK) return "NATS options: " + status_text(st);
    options_ptr opts(raw_options);
    std::vector<const char*> servers;
    for (const auto& url : options_.servers) servers.push_back(url.c_str());
    natsStatus st = natsOptions_SetServers(opts.get(), servers.data(), static_cast<int>(servers.size()));
    if (st == NATS_OK) st = natsOptions_SetName(opts.get(), "splitstream");
    if (st == NATS_OK) st = natsOptions_SetRetryOnFailedConnect(opts.get(), true, shared::on_connected, &s);
    if (st == NATS_OK) st = natsOptions_SetMaxReconnect(opts.get(), -1);
    if (st == NATS_OK) st = natsOptions_SetReconnectWait(opts.get(), options_.reconnect_wait.count());
    if (st == NATS_OK) st = natsOptions_SetPingInterval(opts.get(), 1'000);
    if (st == NATS_OK) st = natsOptions_SetMaxPingsOut(opts.get(), 3);
    if (st == NATS_OK) st = natsOptions_SetDisconnectedCB(opts.get(), shared::on_disconnected, &s);
    if (st == NATS_OK) st = natsOptions_SetReconnectedCB(opts.get(), shared::on_connected, &s);
    if (st == NATS_OK) st = natsOptions_SetClosedCB(opts.get(), shared::on_closed, &s);
    if (st != NATS_OK) return "NATS options: " + status_text(st);

    natsInbox* inbox = nullptr;
    if (natsInbox_Create(&inbox) != NATS_OK) return "cannot make a NATS inbox";
    s.inbox = inbox;
    natsInbox_Destroy(inbox);

    natsConnection* nc = nullptr;
    st = natsConnection_Connect(&nc, opts.get());
    if (st != NATS_OK && st != NATS_NOT_YET_CONNECTED) return "cannot connect to NATS: " + status_text(st);
    s.nc.reset(nc);
    jsOptions jo;
    jsOptions_Init(&jo);
    jo.Wait = api_wait_ms;
    jsCtx* js = nullptr;
    if (auto jst = natsConnection_JetStream(&js, nc, &jo); jst != NATS_OK)
        return "cannot use JetStream: " + status_text(jst);
    s.js.reset(js);
    started_ = true;
    if (st == NATS_OK)
        shared::on_connected(nc, &s);
    else
        log_->warn("NATS is not reachable at {}; trying again every {} ms", options_.servers.front(),
                   options_.reconnect_wait.count());
    started_at_ = std::chrono::steady_clock::now();
    setup_thread_ = std::thread([this] { set_up(); });
    if (options_.snapshot_every > 0) snapshot_thread_ = std::thread([this] { write_snapshots(); });
    arm_ack_timer();
    return std::nullopt;
}

// On the setup thread: each step is retried until it works or the node
// stops; JetStream calls block, so none of them runs on the loop.
void nats_node::set_up() {
    auto& s = *shared_;
    auto wait_connected = [&] {
        std::unique_lock lock(s.m);
        s.cv.wait(lock, [&] { return s.stopping || s.connected; });
        return !s.stopping;
    };
    auto pause = [&] {
        std::unique_lock lock(s.m);
        return !s.cv.wait_for(lock, setup_retry, [&] { return s.stopping; });
    };
    auto retry = [&](const std::string& what, const std::string& why) {
        log_->warn("NATS: cannot {} yet: {}", what, why);
        return pause();
    };
    jsOptions jo;
    jsOptions_Init(&jo);
    jo.Wait = api_wait_ms;

    std::uint64_t join_seq = 0;
    for (;;) {
        if (!wait_connected()) return;
        stream_info_ptr info;
        jsErrCode code;
        auto st = add_stream(s.js.get(), &jo, options_, options_.stream, options_.subject, info, code);
        if (st != NATS_OK && code == JSStreamNameExistErr) {  // made by another node with other settings
            jsStreamInfo* raw = nullptr;
            st = js_GetStreamInfo(&raw, s.js.get(), options_.stream.c_str(), &jo, &code);
            info.reset(raw);
        }
        if (st == NATS_OK) {
            join_seq = info->State.LastSeq;
            break;
        }
        if (!retry("set up stream " + options_.stream, status_text(st, code))) return;
    }

    while (options_.publish) {
        if (!wait_connected()) return;
        stream_info_ptr info;
        jsErrCode code;
        const auto st = add_stream(s.js.get(), &jo, options_, options_.events_stream,
                                   options_.events_prefix + ".>", info, code);
        if (st == NATS_OK || code == JSStreamNameExistErr) break;
        if (!retry("set up stream " + options_.events_stream, status_text(st, code))) return;
    }

    std::string epoch;
    for (;;) {
        if (!wait_connected()) return;
        kvConfig cfg;
        kvConfig_Init(&cfg);
        cfg.Bucket = options_.bucket.c_str();
        cfg.History = 1;
        cfg.Replicas = options_.replicas;
        cfg.StorageType = js_FileStorage;
        kvStore* raw = nullptr;
        auto st = js_CreateKeyValue(&raw, s.js.get(), &cfg);
        if (st != NATS_OK) st = js_KeyValue(&raw, s.js.get(), options_.bucket.c_str());
        kv_ptr kv(raw);
        if (st == NATS_OK) {
            std::uint64_t rev = 0;
            kvStore_CreateString(&rev, kv.get(), "epoch", options_.epoch_proposal.c_str());  // the first wins
            kvEntry* entry = nullptr;
            st = kvStore_Get(&entry, kv.get(), "epoch");
            kv_entry_ptr owned(entry);
            if (st == NATS_OK && kvEntry_ValueLen(entry) > 0) {
                epoch = kvEntry_ValueString(entry);
                std::lock_guard lock(s.m);
                s.kv = std::move(kv);
                s.cv.notify_all();
                break;
            }
        }
        if (!retry("read the stream epoch from bucket " + options_.bucket, status_text(st))) return;
    }
    if (options_.publish) {
        for (;;) {
            if (!wait_connected()) return;
            natsSubscription* raw = nullptr;
            const auto subject = s.inbox + ".*";
            auto st = natsConnection_Subscribe(&raw, s.nc.get(), subject.c_str(), shared::on_ack, &s);
            if (st == NATS_OK) {
                std::lock_guard lock(s.m);
                s.acks.reset(raw);
                ++s.subscriptions_open;
                natsSubscription_SetOnCompleteCB(raw, shared::on_subscription_done, &s);
                break;
            }
            if (!retry("subscribe to acknowledgements", status_text(st))) return;
        }
    }

    for (;;) {
        if (!wait_connected()) return;
        auto err = add_snapshot_stream(s.js.get(), options_);
        if (!err) break;
        if (!retry("set up stream " + options_.snapshot_stream, *err)) return;
    }

    // The latest node state of this epoch, when there is one that reads
    // whole: the stream is then read from the frame after it.
    std::string unusable;
    auto from_snapshot = std::make_shared<std::optional<restored_state>>(
        load_latest_state(s.js.get(), s.kv.get(), options_, epoch, join_seq, unusable));
    const std::uint64_t start_seq = *from_snapshot ? (*from_snapshot)->state.stream_seq + 1 : 1;

    s.post([epoch, join_seq, from_snapshot, unusable](nats_node& n) {
        n.epoch_ = epoch;
        n.join_seq_ = join_seq;
        n.stream_ready_ = true;
        n.log_->info("NATS: stream {} ready, epoch {}, {} frames stored", n.options_.stream, epoch, join_seq);
        n.sink_.on_stream_epoch(epoch);
        if (!unusable.empty()) {
            n.snapshots_unusable_->inc();
            n.log_->warn("NATS: the stored node state cannot be used ({}): reading the stream from its start",
                         unusable);
        }
        if (*from_snapshot) {
            auto& r = **from_snapshot;
            n.snapshot_seq_ = n.stream_seq_ = r.state.stream_seq;
            n.snapshot_seq_gauge_->set(static_cast<std::int64_t>(n.snapshot_seq_));
            n.log_->info("NATS: starting from the node state at stream seq {} (head seq {})", n.snapshot_seq_,
                         r.engine.head());
            n.sink_.on_stream_state(std::move(r.state), std::move(r.engine));
            from_snapshot->reset();
        }
        if (n.stream_seq_ >= join_seq) n.mark_caught_up();
        n.pump();
    });

    for (;;) {
        if (!wait_connected()) return;
        jsSubOptions so;
        jsSubOptions_Init(&so);
        so.Stream = options_.stream.c_str();
        so.Ordered = true;
        so.Config.DeliverPolicy = start_seq > 1 ? js_DeliverByStartSequence : js_DeliverAll;
        if (start_seq > 1) so.Config.OptStartSeq = start_seq;
        // Missed heartbeats are how the consumer notices a lost server and
        // starts again after the last frame it read: 1 s, not the 5 s default.
        so.Config.Heartbeat = std::chrono::nanoseconds(1s).count();
        natsSubscription* raw = nullptr;
        jsErrCode code = static_cast<jsErrCode>(0);
        auto st = js_Subscribe(&raw, s.js.get(), options_.subject.c_str(), shared::on_stream_message, &s, &jo,
                               &so, &code);
        if (st == NATS_OK) {
            natsSubscription_SetPendingLimits(raw, -1, -1);  // bounded by the handoff and flow control
            std::lock_guard lock(s.m);
            s.stream.reset(raw);
            ++s.subscriptions_open;
            natsSubscription_SetOnCompleteCB(raw, shared::on_subscription_done, &s);
            break;
        }
        if (!retry("read stream " + options_.stream, status_text(st, code))) return;
    }
}

void nats_node::stop() {
    if (!started_ || stopped_) return;
    stopped_ = true;
    ack_timer_.cancel();
    retry_timer_.cancel();
    event_retry_timer_.cancel();
    auto& s = *shared_;
    {
        std::lock_guard lock(s.m);
        s.stopping = true;
        s.cv.notify_all();
    }
    if (setup_thread_.joinable()) setup_thread_.join();
    if (snapshot_thread_.joinable()) snapshot_thread_.join();
    natsConnection_Close(s.nc.get());
    {
        // nats.c's threads make their last calls after Close returns: wait
        // for them (bounded) before the shared state goes.
        std::unique_lock lock(s.m);
        s.cv.wait_for(lock, close_wait, [&] { return s.closed && s.subscriptions_open == 0; });
    }
    s.stream.reset();
    s.acks.reset();
    s.kv.reset();
    s.js.reset();
    s.nc.reset();
    connected_ = false;
    connected_gauge_->set(0);
}

void nats_node::publish(std::string_view feed_epoch, std::uint64_t seq, std::string bytes) {
    if (!queue_.offer(message_id(feed_epoch, seq), std::move(bytes))) {
        dropped_->inc();
        if (auto skipped = drop_log_.admit())
            log_->error("NATS publish buffer full ({} frames): feed seq {} not stored (+{} more)",
                        options_.buffer_frames, seq, *skipped);
    }
    backlog_->set(static_cast<std::int64_t>(queue_.size()));
    pump();
}

void nats_node::publish_event(std::string_view event, std::string_view type, std::uint64_t seq,
                              std::string_view json) {
    // Events of frames stored before this node joined were put out by the
    // nodes that read them live; a restarted node does not store them again.
    if (!options_.publish || epoch_.empty() || stopped_ || stream_seq_ <= join_seq_) return;
    if (!events_.offer(message_id(epoch_, seq), std::string(json),
                       event_subject(options_.events_prefix, event, type))) {
        events_dropped_->inc();
        if (auto skipped = event_drop_log_.admit())
            log_->error("NATS event buffer full ({} events): event seq {} not put on its subject (+{} more)",
                        options_.buffer_events, seq, *skipped);
    }
    events_backlog_->set(static_cast<std::int64_t>(events_.size()));
    pump_events();
}

void nats_node::link_changed(bool up) {
    if (up == connected_ || stopped_) return;
    connected_ = up;
    connected_gauge_->set(up ? 1 : 0);
    if (!up) {
        disconnects_->inc();
        queue_.rewind();  // what was out may be lost: sent again on return
        events_.rewind();
        log_->warn("NATS connection lost; {} accepted frames and {} derived events wait for it",
                   queue_.size(), events_.size());
        return;
    }
    if (ever_connected_) {
        reconnects_->inc();
        log_->info("NATS connection back; sending {} waiting frames", queue_.size());
    } else {
        log_->info("NATS connected");
    }
    ever_connected_ = true;
    pump();
    pump_events();
}

void nats_node::pump() {
    if (!options_.publish || !connected_ || !stream_ready_ || stopped_) return;
    const auto now = publish_queue::clock::now();
    while (auto f = queue_.next(options_.publish_window, now)) {
        if (!send(options_.subject, shared_->inbox + "." + std::to_string(f->number), *f)) {
            queue_.rewind();  // the connection went: the disconnect callback follows
            return;
        }
    }
}

// As pump(), for the derived events; each goes on its own subject.
void nats_node::pump_events() {
    if (!options_.publish || !connected_ || !stream_ready_ || stopped_) return;
    const auto now = publish_queue::clock::now();
    while (auto e = events_.next(options_.publish_window, now)) {
        const auto reply = shared_->inbox + "." + event_ack_mark + std::to_string(e->number);
        if (!send(e->subject, reply, *e)) {
            events_.rewind();
            return;
        }
    }
}

bool nats_node::send(const std::string& subject, const std::string& reply, const outgoing_frame& f) {
    natsMsg* raw = nullptr;
    auto st = natsMsg_Create(&raw, subject.c_str(), reply.c_str(), f.bytes.data(),
                             static_cast<int>(f.bytes.size()));
    message_ptr msg(raw);
    if (st == NATS_OK) st = natsMsgHeader_Set(raw, "Nats-Msg-Id", f.id.c_str());
    if (st == NATS_OK && !f.expected_last.empty())
        st = natsMsgHeader_Set(raw, "Nats-Expected-Last-Msg-Id", f.expected_last.c_str());
    if (st == NATS_OK) st = natsConnection_PublishMsg(shared_->nc.get(), raw);
    return st == NATS_OK;
}

void nats_node::handle_ack(std::uint64_t number, std::string body) {
    if (stopped_) return;
    const auto ack = read_jetstream_ack(body);
    if (ack.refused) {
        refusals_->inc();
        if (auto skipped = refusal_log_.admit())
            log_->warn("NATS refused a feed frame ({}); sending again (+{} more)",
                       body.empty() ? "no responders" : body, *skipped);
        queue_.refused(number, ack.wrong_last);
        retry_timer_.expires_after(refusal_pause);
        retry_timer_.async_wait([this, alive = std::weak_ptr<int>(alive_)](beast::error_code ec) {
            if (!ec && alive.lock()) pump();
        });
        return;
    }
    if (ack.duplicate)
        duplicates_->inc();
    else
        stored_->inc();
    queue_.acknowledged(number);
    backlog_->set(static_cast<std::int64_t>(queue_.size()));
    pump();
}

void nats_node::handle_event_ack(std::uint64_t number, std::string body) {
    if (stopped_) return;
    const auto ack = read_jetstream_ack(body);
    if (ack.refused) {
        event_refusals_->inc();
        if (auto skipped = event_refusal_log_.admit())
            log_->warn("NATS refused a derived event ({}); sending again (+{} more)",
                       body.empty() ? "no responders" : body, *skipped);
        events_.refused(number, ack.wrong_last);
        event_retry_timer_.expires_after(refusal_pause);
        event_retry_timer_.async_wait([this, alive = std::weak_ptr<int>(alive_)](beast::error_code ec) {
            if (!ec && alive.lock()) pump_events();
        });
        return;
    }
    if (ack.duplicate)
        event_duplicates_->inc();
    else
        events_published_->inc();
    events_.acknowledged(number);
    events_backlog_->set(static_cast<std::int64_t>(events_.size()));
    pump_events();
}

void nats_node::arm_ack_timer() {
    ack_timer_.expires_after(options_.ack_timeout / 2);
    ack_timer_.async_wait([this, alive = std::weak_ptr<int>(alive_)](beast::error_code ec) {
        if (ec || !alive.lock() || stopped_) return;
        const auto now = publish_queue::clock::now();
        if (queue_.rewind_if_overdue(now, options_.ack_timeout)) {
            resends_->inc();
            pump();
        }
        if (events_.rewind_if_overdue(now, options_.ack_timeout)) {
            event_resends_->inc();
            pump_events();
        }
        arm_ack_timer();
    });
}

void nats_node::drain_stored() {
    std::deque<stored_frame> batch;
    {
        std::lock_guard lock(shared_->m);
        const auto n = std::min(drain_batch, shared_->frames.size());
        for (std::size_t i = 0; i < n; ++i) {
            batch.push_back(std::move(shared_->frames.front()));
            shared_->frames.pop_front();
        }
        shared_->drain_posted = !shared_->frames.empty();
        if (shared_->drain_posted) shared_->post([](nats_node& n) { n.drain_stored(); });
        shared_->cv.notify_all();
    }
    for (auto& f : batch) {
        if (stopped_) return;
        stream_seq_ = f.stream_seq;
        frames_read_->inc();
        sink_.on_stream_frame(f.id, f.bytes);
        if (!caught_up_) ++catchup_frames_;
        if (!caught_up_ && stream_ready_ && (f.pending == 0 || stream_seq_ >= join_seq_)) mark_caught_up();
        if (options_.snapshot_every > 0 && stream_seq_ % options_.snapshot_every == 0) offer_snapshot();
    }
    stream_seq_gauge_->set(static_cast<std::int64_t>(stream_seq_));
}

void nats_node::mark_caught_up() {
    caught_up_ = true;
    catchup_ms_ =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_at_)
            .count();
    catchup_frames_gauge_->set(static_cast<std::int64_t>(catchup_frames_));
    catchup_ms_gauge_->set(catchup_ms_);
    log_->info("NATS: caught up with stream {} at seq {} in {} ms, {} frames read{}", options_.stream,
               stream_seq_, catchup_ms_, catchup_frames_,
               snapshot_seq_ ? " after the node state at seq " + std::to_string(snapshot_seq_) : "");
    sink_.on_stream_caught_up();
}

// Every node reaching a snapshot position offers its state; the snapshot
// thread encodes and stores it unless one as recent is stored already.
// Only the copy is made here, on the loop, as the sink's objects live here.
void nats_node::offer_snapshot() {
    const auto start = std::chrono::steady_clock::now();
    auto state = sink_.stream_state();
    if (!state || epoch_.empty()) return;
    state->stream_epoch = epoch_;
    state->stream_seq = stream_seq_;
    {
        std::lock_guard lock(shared_->m);
        shared_->snapshot = std::move(state);  // an older one not yet stored is dropped
        shared_->cv.notify_all();
    }
    snapshot_loop_ms_ =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start)
            .count();
    snapshot_loop_ms_gauge_->set(snapshot_loop_ms_);
}

void nats_node::write_snapshots() {
    auto& s = *shared_;
    for (;;) {
        node_state state;
        {
            std::unique_lock lock(s.m);
            s.cv.wait(lock, [&] { return s.stopping || (s.snapshot && s.kv && s.connected); });
            if (s.stopping) return;
            state = std::move(*s.snapshot);
            s.snapshot.reset();
        }
        const auto seq = state.stream_seq;
        const auto epoch = state.stream_epoch;
        std::string error;
        const auto previous = read_pointer(s.kv.get(), error);
        if (previous && previous->stream_epoch == epoch && previous->stream_seq >= seq) continue;
        const auto bytes = encode_node_state(state);
        const auto size = bytes.size();
        auto failure = write_snapshot(s.js.get(), s.kv.get(), options_, epoch, seq, bytes, previous);
        std::lock_guard lock(s.m);
        if (s.stopping) return;
        s.post([seq, size, failure = std::move(failure)](nats_node& n) {
            if (failure) {
                n.log_->warn("NATS: node state at stream seq {} not stored: {}", seq, *failure);
                return;
            }
            n.snapshots_written_->inc();
            n.stored_snapshot_seq_ = seq;
            n.log_->info("NATS: node state at stream seq {} stored ({} bytes)", seq, size);
        });
    }
}

std::string nats_node::not_ready_reason() const {
    if (!connected_) return "not connected to NATS";
    if (epoch_.empty()) return "setting up the JetStream stream";
    if (!caught_up_)
        return "catching up with the stream (" + std::to_string(stream_seq_) + " of " +
               std::to_string(join_seq_) + ")";
    return {};
}

std::string nats_node::health_json() const {
    return std::string("\"nats\":{\"connected\":") + (connected_ ? "true" : "false") +
           ",\"caught_up\":" + (caught_up_ ? "true" : "false") +
           ",\"stream_seq\":" + std::to_string(stream_seq_) +
           ",\"catchup\":{\"snapshot_seq\":" + std::to_string(snapshot_seq_) +
           ",\"frames\":" + std::to_string(catchup_frames_) + ",\"ms\":" + std::to_string(catchup_ms_) + "}" +
           ",\"snapshot_stored_seq\":" + std::to_string(stored_snapshot_seq_) +
           ",\"snapshot_loop_ms\":" + std::to_string(snapshot_loop_ms_) +
           ",\"backlog\":" + std::to_string(queue_.size()) +
           ",\"events_backlog\":" + std::to_string(events_.size()) + ",\"reason\":\"" + not_ready_reason() +
           "\"}";
}

}  // namespace splitstream::scaleout
