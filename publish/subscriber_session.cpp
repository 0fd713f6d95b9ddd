// The subscriber session of publish/subscriber_session.hpp: one concept,
// the life of one WebSocket subscriber (upgrade, reads, queue, writes,
// close), kept in one file so its states and their order read in one place.

#include "publish/subscriber_session.hpp"

#include <algorithm>
#include <cerrno>

#include "base/connection_ending.hpp"
#include "publish/client_op.hpp"
#include "publish/exact_allocator.hpp"
#include "publish/json_text.hpp"
#include "publish/recent_start.hpp"

namespace splitstream::publish {

namespace {

std::int64_t mono_now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::int64_t unix_now_s() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string upgrade_response(const std::string& accept_key) {
    std::string r =
        "HTTP/1.1 101 Switching Protocols\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        "Server: splitstream/" SPLITSTREAM_VERSION
        "\r\n"
        "Sec-WebSocket-Accept: ";
    r += accept_key;
    r += "\r\n\r\n";
    return r;
}

}  // namespace

template <class Stream>
subscriber_session<Stream>::subscriber_session(Stream stream, std::shared_ptr<hub> h,
                                               subscription_request request, std::string_view already_read)
    : stream_(std::move(stream)),
      hub_(std::move(h)),
      filter_(std::move(request.filter)),
      claims_(request.claims ? std::make_unique<token_claims>(std::move(*request.claims)) : nullptr),
      remote_(std::move(request.remote)),
      address_slot_(std::move(request.address_slot)),
      id_(hub_->next_session_id()),
      partial_(already_read.empty() ? nullptr : std::make_unique<std::string>(already_read)),
      reader_(hub_->options().read_message_max),
      last_received_(std::chrono::steady_clock::now()),
      queue_(hub_->options().queue_max_messages),
      batch_(request.batch) {
    joining_ = std::make_unique<subscription_request>(std::move(request));
    hub_->add_connection(*this);
}

template <class Stream>
subscriber_session<Stream>::~subscriber_session() {
    hub_->add_queued_bytes(-static_cast<std::int64_t>(queued_bytes_));
    hub_->metrics().buffer_bytes.add(-static_cast<std::int64_t>(reported_buffer_bytes_));
    leave_delay();
    hub_->remove_subscriber(*this);
    hub_->remove_connection(*this);
    hub_->log().debug("subscriber {} ({}) gone", id_, remote_);
}

template <class Stream>
void subscriber_session<Stream>::run() {
    beast::error_code ec;
    auto& socket = socket_of(stream_);
    socket.set_option(tcp::no_delay(true), ec);
    if (hub_->options().socket_send_buffer > 0)
        socket.set_option(net::socket_base::send_buffer_size(hub_->options().socket_send_buffer), ec);
    if constexpr (plain) {
        // Reads happen when the socket is readable, and must never block.
        socket.non_blocking(true, ec);
    } else {
        // The HTTP side's deadline must not fire on a long-lived subscriber.
        beast::get_lowest_layer(stream_).expires_never();
    }

    auto request = std::move(joining_);
    auto response = std::make_shared<frame>();
    response->bytes = upgrade_response(request->accept_key);
    push_unchecked(std::move(response));
    hub_->add_subscriber(*this);
    join(*request);
    request.reset();
    if (delay_) {
        hub_->add_delayed(*delay_);
        release_due();  // what is due already, and a wake-up for the next
    }
    hub_->log().debug("subscriber {} ({}) joined at {}", id_, remote_, position_);
    next_ping_at_ = last_received_ + std::min(hub_->options().ping_interval, hub_->options().idle_timeout);
    do_write();
    // Frames the client sent right behind its upgrade request came with it.
    if (partial_) {
        const auto early = std::move(partial_);
        take_input(early->data(), early->size());
    }
    do_read();
}

template <class Stream>
void subscriber_session<Stream>::join(const subscription_request& request) {
    const auto& retained = hub_->retained();
    auto& provider = hub_->provider();
    if (request.delay.count() > 0) {
        delay_ = std::make_unique<delay_link>(*this);
        delay_->delay = request.delay;
    }
    // A delayed subscriber's stream ends, for now, at its delayed position:
    // the last event published at least `delay` ago.
    const std::uint64_t head =
        delay_ ? retained.position_at(std::chrono::steady_clock::now() - delay_->delay) : hub_->head();
    const std::string epoch = provider.epoch();
    const bool same_epoch = !request.epoch || *request.epoch == epoch;
    const bool resume = request.since && same_epoch && retained.covers(*request.since);
    const auto recent = recent_join(request, same_epoch, head);

    std::string hello = R"({"type":"hello","server":"splitstream/)" SPLITSTREAM_VERSION R"(","epoch":)";
    append_json_string(hello, epoch);
    hello += ",\"head\":" + std::to_string(head);
    // When tokens are in use: when this connection's token runs out, so a
    // client knows when to send a refresh.
    if (claims_) hello += ",\"token_exp\":" + std::to_string(claims_->exp);
    if (recent) hello += ",\"recent\":" + std::to_string(recent->count);
    if (delay_) hello += ",\"delay\":" + seconds_text(delay_->delay);
    hello += resume || recent ? ",\"resume\":true}" : ",\"resume\":false}";
    auto hello_frame = std::make_shared<frame>(*make_text_frame(hello));

    if (resume || recent) {
        position_ = resume ? *request.since : recent->after;
        hello_frame->seq = position_;
        push_hello(std::move(hello_frame), request);
        catching_up_ = true;
        refill_from_history();
        return;
    }
    if (delay_) {
        join_delayed_snapshots(head, std::move(hello_frame), request);
        return;
    }
    // Fresh (or unresumable) subscriber: the state of every matching event
    // at `head`; the last frame of the join carries `head` as its position,
    // so a close before it is written reports the position honestly.
    position_ = head;
    std::vector<frame_ptr> snapshots;
    for (const auto& id : provider.event_ids()) {
        if (!filter_.wants_event(id)) continue;
        if (claims_ && !claims_->allows(id)) continue;
        auto state = provider.snapshot_json(id);
        if (!state) continue;
        std::string json = "{\"type\":\"snapshot\",\"seq\":" + std::to_string(head) + ",\"event\":";
        append_json_string(json, id);
        json += ",\"state\":";
        json += *state;
        json += "}";
        snapshots.push_back(make_text_frame(json));
    }
    if (snapshots.empty()) {
        hello_frame->seq = head;
        push_hello(std::move(hello_frame), request);
        return;
    }
    push_hello(std::move(hello_frame), request);
    auto last = std::make_shared<frame>(*snapshots.back());
    last->seq = head;
    snapshots.back() = std::move(last);
    for (auto& f : snapshots) push_unchecked(std::move(f));
}

// Control channels (control_desk): the state after the hello, and every
// change as it happens, through the same bounded queue as everything else.
template <class Stream>
void subscriber_session<Stream>::push_hello(frame_ptr hello, const subscription_request& request) {
    push_unchecked(std::move(hello));
    if (request.control) push_unchecked(hub_->control().join(*request.control, *this));
}

template <class Stream>
void subscriber_session<Stream>::control_changed(const frame_ptr& message) {
    reply(message);
}

template <class Stream>
std::optional<recent_position> subscriber_session<Stream>::recent_join(const subscription_request& request,
                                                                       bool same_epoch,
                                                                       std::uint64_t up_to) const {
    // A reconnecting client resumes exactly with `since`; `recent` is for
    // a first join only.
    if (request.since || request.recent == 0 || !same_epoch) return std::nullopt;
    return recent_start(hub_->retained(), filter_, request.recent, up_to);
}

template <class Stream>
void subscriber_session<Stream>::refill_from_history() {
    if (slow_marked_) return;  // closing on its next turn: counted and logged once
    const auto& retained = hub_->retained();
    if (position_ < retained.floor()) {
        // Fell so far behind while catching up that the history moved on
        // (or, delayed, the next event was evicted before it was due).
        catching_up_ = false;
        if (delay_) {
            hub_->metrics().delayed_evicted_closes.inc();
            hub_->log().warn(
                "subscriber {} ({}) with delay {} s: events after seq {} left the history before "
                "they were due",
                id_, remote_, seconds_text(delay_->delay), position_);
        }
        mark_slow();
        return;
    }
    // Delayed: only the events published at least `delay` ago are due.
    const auto due_by = delay_ ? std::chrono::steady_clock::now() - delay_->delay
                               : std::chrono::steady_clock::time_point::max();
    // Replays in slices of half the queue, continued as writes complete, so
    // a long resume never trips the slow-consumer limit by itself.
    const auto& opts = hub_->options();
    for (std::size_t i = retained.first_after(position_); i < retained.size(); ++i) {
        if (queued_bytes_ >= opts.queue_max_bytes / 2 || queue_.size() >= opts.queue_max_messages / 2) return;
        const auto& e = retained.at(i);
        if (e.published > due_by) {
            hub_->wake_delayed_at(e.published + delay_->delay);
            break;
        }
        position_ = e.seq;
        if (filter_.matches(e.type, e.event)) push_unchecked(e.frame);
    }
    catching_up_ = false;
}

template <class Stream>
void subscriber_session<Stream>::release_due() {
    if (state_ != state::open || slow_marked_) return;
    refill_from_history();
    do_write();
}

template <class Stream>
void subscriber_session<Stream>::join_delayed_snapshots(std::uint64_t at, std::shared_ptr<frame> hello,
                                                        const subscription_request& request) {
    const auto& retained = hub_->retained();
    const auto& timeline = hub_->timeline();
    position_ = at;
    std::vector<frame_ptr> frames;
    std::vector<std::pair<std::string, std::uint64_t>> checkpoint_of;  // event -> its checkpoint's seq
    std::uint64_t oldest = at;
    for (const auto& id : hub_->provider().event_ids()) {
        if (!filter_.wants_event(id) || (claims_ && !claims_->allows(id))) continue;
        const auto* c = timeline.at_or_before(id, at);
        if (!c) continue;  // the event did not exist yet at `at`
        std::string json = "{\"type\":\"snapshot\",\"seq\":" + std::to_string(c->seq) + ",\"event\":";
        append_json_string(json, id);
        json += ",\"state\":";
        json += *c->state;
        json += "}";
        frames.push_back(make_text_frame(json));
        checkpoint_of.emplace_back(id, c->seq);
        oldest = std::min(oldest, c->seq);
    }
    // Checkpoints are at most a second apart per changing event: the events
    // between an event's checkpoint and `at` make its state exact. (Feed
    // health events are not state, and are not replayed.)
    for (auto i = retained.first_after(oldest); i < retained.size() && retained.at(i).seq <= at; ++i) {
        const auto& e = retained.at(i);
        if (e.event.empty() || !filter_.matches(e.type, e.event)) continue;
        auto it = std::find_if(checkpoint_of.begin(), checkpoint_of.end(),
                               [&](const auto& c) { return c.first == e.event; });
        if (it != checkpoint_of.end() && e.seq > it->second) frames.push_back(e.frame);
    }
    // As for an undelayed join: the last frame carries the position.
    if (frames.empty()) {
        hello->seq = at;
        push_hello(std::move(hello), request);
        return;
    }
    push_hello(std::move(hello), request);
    auto last = std::make_shared<frame>(*frames.back());
    last->seq = at;
    frames.back() = std::move(last);
    for (auto& f : frames) push_unchecked(std::move(f));
}

template <class Stream>
void subscriber_session<Stream>::leave_delay() {
    if (delay_) hub_->remove_delayed(*delay_);
}

template <class Stream>
void subscriber_session<Stream>::push_unchecked(frame_ptr f) {
    const auto size = wire(*f).size();
    if (!queue_.push(std::move(f))) {
        mark_slow();
        return;
    }
    queued_bytes_ += size;
    hub_->add_queued_bytes(static_cast<std::int64_t>(size));
}

template <class Stream>
bool subscriber_session<Stream>::enqueue(const frame_ptr& f) {
    const auto size = wire(*f).size();
    if (queued_bytes_ + size > hub_->options().queue_max_bytes || !queue_.push(f)) return false;
    queued_bytes_ += size;
    hub_->add_queued_bytes(static_cast<std::int64_t>(size));
    return true;
}

template <class Stream>
bool subscriber_session<Stream>::offer(std::span<const history_entry> batch) {
    // A delayed subscriber is fed from the history by the delay timer.
    if (state_ != state::open || catching_up_ || slow_marked_ || delay_) return false;
    for (const auto& e : batch) {
        if (e.seq <= position_) continue;
        position_ = e.seq;
        if (!filter_.matches(e.type, e.event)) continue;
        if (!enqueue(e.frame)) {
            mark_slow();
            return false;
        }
    }
    return !writing_ && !queue_.empty();
}

template <class Stream>
void subscriber_session<Stream>::kick() {
    do_write(true);
}

template <class Stream>
void subscriber_session<Stream>::mark_slow() {
    if (slow_marked_ || state_ != state::open) return;
    slow_marked_ = true;
    // Closed on its own turn, never inside the fan-out loop.
    net::post(hub_->context(),
              beast::bind_front_handler(&subscriber_session::on_slow, this->shared_from_this()));
}

template <class Stream>
void subscriber_session<Stream>::on_slow() {
    if (state_ != state::open) return;
    hub_->metrics().slow_consumer_closes.inc();
    hub_->log().warn(
        "subscriber {} ({}) closed: slow consumer, queue {} msgs / {} bytes over limit {} msgs / {} bytes, "
        "delivered up to seq {}",
        id_, remote_, queue_.size(), queued_bytes_, hub_->options().queue_max_messages,
        hub_->options().queue_max_bytes, written_position_);
    begin_close(close_slow_consumer, "");
}

template <class Stream>
void subscriber_session<Stream>::epoch_changed() {
    begin_close(1012, "stream epoch changed, reconnect");
}

template <class Stream>
void subscriber_session<Stream>::shutdown() {
    begin_close(close_going_away, "going away");
}

template <class Stream>
void subscriber_session<Stream>::reply(frame_ptr f) {
    if (state_ != state::open) return;
    if (!enqueue(f)) {
        mark_slow();
        return;
    }
    do_write();
}

template <class Stream>
void subscriber_session<Stream>::do_read() {
    if (state_ == state::closed) return;
    if constexpr (plain) {
        // A handler of one shared pointer: the smallest operation Asio can
        // keep pending for each idle subscriber.
        auto on_readable = [self = this->shared_from_this()](beast::error_code ec) { self->on_readable(ec); };
        stream_.async_wait(net::socket_base::wait_read,
                           net::bind_allocator(exact_allocator<void>(), std::move(on_readable)));
    } else {
        constexpr std::size_t tls_read_size = 4096;
        if (!tls_read_buffer_) tls_read_buffer_ = std::make_unique<char[]>(tls_read_size);
        stream_.async_read_some(
            net::buffer(tls_read_buffer_.get(), tls_read_size),
            beast::bind_front_handler(&subscriber_session::on_read, this->shared_from_this()));
    }
}

template <class Stream>
void subscriber_session<Stream>::on_readable(beast::error_code ec) {
    if (!ec) {
        // One read per wake-up keeps the loop fair; what is left wakes the
        // wait again at once.
        auto scratch = hub_->read_scratch();
        const auto n = socket_of(stream_).read_some(net::buffer(scratch.data(), scratch.size()), ec);
        if (ec == net::error::would_block || ec == net::error::try_again) {
            do_read();
            return;
        }
        if (!ec) {
            take_input(scratch.data(), n);
            do_read();
            return;
        }
    }
    on_read(ec, 0);
}

template <class Stream>
void subscriber_session<Stream>::on_read(beast::error_code ec, std::size_t bytes) {
    if (ec) {
        if (!is_ordinary_ending(ec) && state_ == state::open)
            hub_->log().debug("subscriber {} ({}) read: {}", id_, remote_, ec.message());
        close_transport();
        return;
    }
    if constexpr (!plain) {
        take_input(tls_read_buffer_.get(), bytes);
        do_read();
    }
}

template <class Stream>
void subscriber_session<Stream>::take_input(char* data, std::size_t size) {
    last_received_ = std::chrono::steady_clock::now();
    // After a protocol error the rest cannot be framed: it is read only to
    // notice the peer's close, and neither parsed nor counted again.
    if (input_failed_ || size == 0) return;
    if (!partial_) {
        const auto used = parse_frames(data, size);
        if (used < size && !input_failed_) partial_ = std::make_unique<std::string>(data + used, size - used);
        return;
    }
    // The rest of a frame begun in an earlier read.
    partial_->append(data, size);
    const auto used = parse_frames(partial_->data(), partial_->size());
    if (input_failed_ || used == partial_->size()) {
        partial_.reset();  // nothing kept between frames
        return;
    }
    partial_->erase(0, used);
}

template <class Stream>
std::size_t subscriber_session<Stream>::parse_frames(char* data, std::size_t size) {
    std::size_t used = 0;
    while (state_ != state::closed && used < size) {
        const auto r = reader_.next(data + used, size - used);
        if (r.consumed == 0) break;
        used += r.consumed;
        switch (r.kind) {
            case client_frame_kind::none:
            case client_frame_kind::pong:
                break;
            case client_frame_kind::text:
                handle_message(reader_.payload());
                break;
            case client_frame_kind::binary:
                send_error("bad_request", "binary messages are not supported; send JSON text");
                break;
            case client_frame_kind::ping:
                reply(make_control_frame(ws_opcode::pong, reader_.payload()));
                break;
            case client_frame_kind::close:
                peer_closed_ = true;
                if (state_ == state::open) {
                    const auto code = reader_.close_code();
                    begin_close(code == 1005 ? close_normal : code, "");
                } else if (close_sent_) {
                    close_transport();
                }
                break;
            case client_frame_kind::error:
                input_failed_ = true;
                hub_->metrics().protocol_errors.inc();
                hub_->log().debug("subscriber {} ({}) protocol error: {}", id_, remote_,
                                  reader_.error_reason());
                begin_close(reader_.error_code(), reader_.error_reason());
                return size;
        }
    }
    return used;
}

template <class Stream>
void subscriber_session<Stream>::send_error(std::string_view code, std::string_view message) {
    std::string json = R"({"type":"error","error":)";
    append_json_string(json, code);
    json += ",\"message\":";
    append_json_string(json, message);
    json += "}";
    reply(make_text_frame(json));
}

template <class Stream>
void subscriber_session<Stream>::handle_message(std::string_view text) {
    if (state_ != state::open) return;
    auto parsed = parse_client_op(hub_->json_parser(), text, hub_->options().max_filter_entries);
    if (auto* err = std::get_if<client_op_error>(&parsed)) {
        send_error(err->code, err->message);
        return;
    }
    auto& op = std::get<client_op>(parsed);
    if (op.op == client_op::kind::ping) {
        reply(hub_->pong_reply());
        return;
    }
    if (op.op == client_op::kind::refresh) {
        refresh_token(op.token);
        return;
    }
    auto& events = op.events;
    const auto& types = op.types;
    if (claims_ && claims_->events) {
        for (const auto& e : events)
            if (!claims_->allows(e)) {
                send_error("forbidden", "token does not allow event '" + e + "'");
                return;
            }
        if (events.empty()) events = *claims_->events;
    }
    subscription_filter filter;
    if (auto err = make_filter(std::move(events), types, filter)) {
        send_error("bad_request", *err);
        return;
    }
    filter_ = std::move(filter);
    reply(make_text_frame("{\"type\":\"subscribed\"," + filter_json_fields(filter_) + "}"));
}

template <class Stream>
void subscriber_session<Stream>::refresh_token(std::string_view token) {
    const auto& secret = hub_->options().jwt_secret;
    if (secret.empty()) {
        send_error("bad_request", "this server does not use tokens");
        return;
    }
    auto result = verify_hs256(token, secret, unix_now_s());
    if (!result.claims) {
        // The connection keeps its current token, and closes when it expires.
        send_error("unauthorized",
                   std::string("token ") + to_string(result.error) + "; the current one stays");
        return;
    }
    // A new token must allow what the subscription already shows: narrow
    // the subscription first, then refresh with a narrower token.
    const auto& claims = *result.claims;
    if (claims.events) {
        if (filter_.events.empty()) {
            send_error("forbidden",
                       "the new token does not allow every event; subscribe within its scope first");
            return;
        }
        for (const auto& e : filter_.events)
            if (!claims.allows(e)) {
                send_error("forbidden", "the new token does not allow event '" + e +
                                            "'; subscribe within its scope first");
                return;
            }
    }
    claims_ = std::make_unique<token_claims>(std::move(*result.claims));
    hub_->metrics().token_refreshes.inc();
    reply(make_text_frame("{\"type\":\"refreshed\",\"token_exp\":" + std::to_string(claims_->exp) + "}"));
}

template <class Stream>
void subscriber_session<Stream>::do_write(bool now) {
    if (writing_ || state_ == state::closed) return;
    if (queue_.empty()) {
        if (!close_pending_) return;
        close_pending_ = false;
        std::string reason = close_reason_;
        if (close_code_ == close_slow_consumer)
            reason = "slow consumer, resume with since=" + std::to_string(written_position_);
        push_unchecked(make_close_frame(close_code_, reason));
        close_queued_ = true;
    }
    if (!gather_) gather_ = hub_->take_gather();
    const std::size_t n = batch_ ? gather_batch() : gather_frames();
    writing_ = true;
    // One write in flight; every queued frame in one gather write.
    gather_->first = 0;
    gather_->last = n;
    write_some(now);
}

template <class Stream>
std::size_t subscriber_session<Stream>::gather_frames() {
    auto& bufs = gather_->bufs;
    const std::size_t limit = std::min(queue_.size(), bufs.size());
    std::size_t n = 0;
    std::size_t bytes = 0;
    while (n < limit) {
        const auto& f = queue_.at(n);
        if (n > 0 && bytes + wire(*f).size() > max_gather_bytes) break;
        bytes += wire(*f).size();
        bufs[n++] = net::buffer(wire(*f));
    }
    in_flight_ = static_cast<std::uint16_t>(n);
    return n;
}

template <class Stream>
std::size_t subscriber_session<Stream>::gather_batch() {
    // One buffer a line: the header, then each payload with the newline
    // stored after it, the last without.
    auto& bufs = gather_->bufs;
    const std::size_t limit = std::min(queue_.size(), bufs.size() - 1);
    std::size_t frames = 0;
    std::size_t payload = 0;
    while (frames < limit) {
        const auto& f = queue_.at(frames);
        if (!f->batchable) break;  // a close, a ping, the upgrade response: on their own
        const auto size = payload_line(*f).size();
        if (frames > 0 && payload + size > max_gather_bytes) break;
        payload += size;
        ++frames;
    }
    if (frames <= 1) return gather_frames();  // nothing to merge
    payload -= 1;                             // no newline after the last line
    auto& header = gather_->batch_header;
    std::size_t n = 0;
    bufs[n++] = net::buffer(header.data(), write_frame_header(header.data(), ws_opcode::text, payload));
    for (std::size_t i = 0; i + 1 < frames; ++i) bufs[n++] = net::buffer(payload_line(*queue_.at(i)));
    bufs[n++] = net::buffer(payload_of(*queue_.at(frames - 1)));
    in_flight_ = static_cast<std::uint16_t>(frames);
    return n;
}

template <class Stream>
void subscriber_session<Stream>::write_some(bool now) {
    auto& g = *gather_;
    const buffer_view bufs{g.bufs.data() + g.first, g.bufs.data() + g.last};
    if constexpr (plain) {
        // Straight into the kernel, as uWebSockets writes: a socket with
        // room takes the whole gather at once and the write ends here,
        // instead of an operation queued for the reactor and completed a
        // turn of the loop later (about 5 % of the CPU per delivery to 100
        // subscribers). Only a full socket waits for the reactor; run()
        // made the socket non-blocking.
        if (now && hub_->sends() != nullptr) {
            // With the other subscribers' writes of this fan-out, in one
            // system call when the fan-out ends (see send_ring).
            std::size_t n = 0;
            for (const auto& b : bufs) g.iov[n++] = {const_cast<void*>(b.data()), b.size()};
            g.msg = {};
            g.msg.msg_iov = g.iov.data();
            g.msg.msg_iovlen = n;
            g.in_ring = this->shared_from_this();
            if (hub_->sends()->queue(socket_of(stream_).native_handle(), g.msg, *this)) return;
            g.in_ring.reset();
        }
        if (now) {
            beast::error_code ec;
            const auto self = this->shared_from_this();  // on_write may end the session
            const std::size_t bytes = stream_.write_some(bufs, ec);
            if (ec != net::error::would_block && ec != net::error::try_again) {
                on_write_some(ec, bytes);
                return;
            }
        }
    }
    io_target(stream_).async_write_some(
        bufs, beast::bind_front_handler(&subscriber_session::on_write_some, this->shared_from_this()));
}

template <class Stream>
void subscriber_session<Stream>::sent(int result) {
    const auto self = std::move(gather_->in_ring);  // on_write may end the session
    if (result >= 0)
        on_write_some({}, static_cast<std::size_t>(result));
    else if (result == -EAGAIN || result == -EWOULDBLOCK)
        write_some();  // no room: the reactor waits for it
    else
        on_write_some(beast::error_code(-result, beast::system_category()), 0);
}

template <class Stream>
void subscriber_session<Stream>::on_write_some(beast::error_code ec, std::size_t bytes) {
    if (ec) {
        on_write(ec);
        return;
    }
    auto& g = *gather_;
    while (g.first < g.last && bytes >= g.bufs[g.first].size()) bytes -= g.bufs[g.first++].size();
    if (g.first < g.last) {
        g.bufs[g.first] += bytes;  // a partial write: the rest of this buffer first
        write_some();
        return;
    }
    on_write(ec);
}

template <class Stream>
void subscriber_session<Stream>::on_write(beast::error_code ec) {
    writing_ = false;
    if (ec) {
        if (!is_ordinary_ending(ec))
            hub_->log().debug("subscriber {} ({}) write: {}", id_, remote_, ec.message());
        hub_->give_back(std::move(gather_));
        close_transport();
        return;
    }
    const auto now = mono_now_ns();
    std::size_t bytes = 0;
    for (std::size_t i = 0; i < in_flight_; ++i) {
        const auto& f = queue_.at(i);
        bytes += wire(*f).size();
        written_position_ = std::max(written_position_, f->seq);
        // The latency histogram is the server's own: a broadcast delay is
        // asked for, not suffered.
        if (f->received_mono_ns > 0 && !delay_)
            hub_->metrics().latency.observe(static_cast<double>(now - f->received_mono_ns) * 1e-9);
    }
    hub_->metrics().frames_sent.inc(in_flight_);
    queue_.pop(in_flight_);
    in_flight_ = 0;
    queued_bytes_ -= bytes;
    hub_->add_queued_bytes(-static_cast<std::int64_t>(bytes));
    if (close_queued_ && queue_.empty()) {
        close_sent_ = true;
        // The close handshake is complete once both sides sent close; else
        // wait for the peer's until close_timeout.
        if (peer_closed_) close_transport();
        return;
    }
    if ((catching_up_ || delay_) && state_ == state::open) refill_from_history();
    if (queue_.empty() && !close_pending_) {
        // Drained: the gather goes back to the hub, and a ring that never
        // grew is freed at once (it is cheap to make again), so the memory
        // a burst of joins uses is reused by the next joins, not left behind.
        hub_->give_back(std::move(gather_));
        queue_.release_if_small();
    }
    do_write();
}

template <class Stream>
std::chrono::milliseconds subscriber_session<Stream>::token_left() const {
    using namespace std::chrono;
    const auto now = system_clock::now().time_since_epoch();
    // Capped: a token good for centuries must not overflow the clock.
    const auto exp = std::min<seconds>(seconds(claims_->exp), duration_cast<seconds>(now) + hours(24));
    return std::max(duration_cast<milliseconds>(exp - now), milliseconds(0));
}

template <class Stream>
void subscriber_session<Stream>::tick(std::chrono::steady_clock::time_point now) {
    if (state_ != state::open) return;
    if (claims_ && token_left().count() == 0) {
        hub_->metrics().token_expired_closes.inc();
        hub_->log().debug("subscriber {} ({}) token expired", id_, remote_);
        begin_close(close_token_expired, "token expired");
        return;
    }
    const auto silent = now - last_received_;
    if (silent >= hub_->options().idle_timeout) {
        hub_->metrics().idle_closes.inc();
        hub_->log().debug("subscriber {} ({}) idle for {} ms", id_, remote_,
                          std::chrono::duration_cast<std::chrono::milliseconds>(silent).count());
        begin_close(close_idle_timeout, "idle timeout");
        return;
    }
    if (now >= next_ping_at_) {
        // Pings go through the queue like everything else; a live client's
        // pong resets the idle clock.
        const auto& opts = hub_->options();
        next_ping_at_ = now + std::min(opts.ping_interval, opts.idle_timeout);
        reply(hub_->ping_frame());
    }
    // Idle since the last turn: give back what activity grew.
    if (!writing_ && queue_.empty()) queue_.release();
    reader_.release_memory();
    report_buffers();
}

template <class Stream>
std::size_t subscriber_session<Stream>::buffer_bytes() const {
    std::size_t n = queue_.capacity() * sizeof(frame_ptr) + reader_.buffered_bytes();
    if (partial_) n += partial_->capacity();
    if (gather_) n += sizeof(write_gather);
    return n;
}

template <class Stream>
void subscriber_session<Stream>::report_buffers() {
    const auto now = static_cast<std::uint32_t>(std::min<std::size_t>(buffer_bytes(), UINT32_MAX));
    if (now == reported_buffer_bytes_) return;  // the common case: idle, nothing held
    hub_->metrics().buffer_bytes.add(static_cast<std::int64_t>(now) - reported_buffer_bytes_);
    reported_buffer_bytes_ = now;
}

template <class Stream>
void subscriber_session<Stream>::begin_close(std::uint16_t code, const char* reason) {
    if (state_ != state::open) return;
    state_ = state::closing;
    close_code_ = code;
    close_reason_ = reason;
    catching_up_ = false;
    // Frames not yet handed to the kernel are dropped now: a closing
    // subscriber keeps no memory beyond the write in flight.
    std::size_t dropped = 0;
    for (std::size_t i = in_flight_; i < queue_.size(); ++i) dropped += wire(*queue_.at(i)).size();
    queue_.truncate(in_flight_);
    queued_bytes_ -= dropped;
    hub_->add_queued_bytes(-static_cast<std::int64_t>(dropped));
    leave_delay();
    hub_->remove_subscriber(*this);
    close_pending_ = true;
    close_timer_ = std::make_unique<net::steady_timer>(hub_->context(), hub_->options().close_timeout);
    close_timer_->async_wait(
        beast::bind_front_handler(&subscriber_session::on_close_timer, this->shared_from_this()));
    do_write();
}

template <class Stream>
void subscriber_session<Stream>::on_close_timer(beast::error_code ec) {
    if (ec) return;
    hub_->log().debug("subscriber {} ({}) close handshake timed out", id_, remote_);
    close_transport();
}

template <class Stream>
void subscriber_session<Stream>::close_transport() {
    if (state_ == state::closed) return;
    state_ = state::closed;
    beast::error_code ec;
    auto& socket = socket_of(stream_);
    socket.shutdown(tcp::socket::shutdown_both, ec);
    socket.close(ec);
    if (close_timer_) close_timer_->cancel();
    leave_delay();
    hub_->remove_subscriber(*this);
}

template class subscriber_session<plain_socket>;
template class subscriber_session<tls_stream>;

}  // namespace splitstream::publish
