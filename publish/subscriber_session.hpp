#pragma once
// One WebSocket subscriber of `/v1/stream`, after the HTTP side accepted its
// upgrade. Owned by its pending operations (shared_from_this in every
// handler); the hub holds a plain pointer that the destructor removes. Every
// member is touched only on the hub's io_context thread.
//
// Beast parses the HTTP upgrade; from the 101 response on, every byte this
// session writes goes through its one queue: the 101 response itself, event
// frames shared with every other subscriber, and control frames it builds
// itself (pong, ping, close). Client frames are parsed by frame_reader. So
// nothing can interleave with a write in flight, and queued frames go out
// in one gather write.

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include "base/net.hpp"
#include "publish/connection.hpp"
#include "publish/delayed_subscriber.hpp"
#include "publish/frame_reader.hpp"
#include "publish/frame_ring.hpp"
#include "publish/hub.hpp"
#include "publish/recent_start.hpp"
#include "publish/send_ring.hpp"
#include "publish/subscription_request.hpp"
#include "publish/transport.hpp"
#include "publish/write_gather.hpp"

namespace splitstream::publish {

template <class Stream>
class subscriber_session : public subscriber,
                           public connection,
                           public send_ring::sender,
                           public std::enable_shared_from_this<subscriber_session<Stream>> {
public:
    // `already_read`: bytes the HTTP side read past the upgrade request.
    subscriber_session(Stream stream, std::shared_ptr<hub> hub, subscription_request request,
                       std::string_view already_read);
    ~subscriber_session() override;

    // Writes the 101 response, joins the stream (hello, then snapshots or
    // the missed events), and starts reading.
    void run();

    bool offer(std::span<const history_entry> batch) override;
    void kick() override;
    void epoch_changed() override;
    void tick(std::chrono::steady_clock::time_point now) override;
    void shutdown() override;
    void control_changed(const frame_ptr& message) override;

private:
    enum class state : std::uint8_t { open, closing, closed };
    static constexpr bool plain = std::is_same_v<Stream, plain_socket>;

    void join(const subscription_request& request);
    // `recent=N` on a first join: where the subscriber starts instead of
    // snapshots (the last N matching events up to `up_to`), or nothing.
    std::optional<recent_position> recent_join(const subscription_request& request, bool same_epoch,
                                               std::uint64_t up_to) const;
    void refill_from_history();
    // Queues the hello and, for an overlay (`control=`), its channel's
    // current state right behind it.
    void push_hello(frame_ptr hello, const subscription_request& request);

    // Broadcast delay (`delay=`): the subscriber is fed from the history by
    // the hub's delay timer, through this link (made only when delayed, so
    // an undelayed subscriber pays one pointer).
    struct delay_link final : delayed_subscriber {
        explicit delay_link(subscriber_session& s) : session(s) {}
        void release_due(std::chrono::steady_clock::time_point) override { session.release_due(); }
        subscriber_session& session;
    };
    void release_due();
    // A fresh delayed subscriber at position `at`: each matching event's
    // newest checkpoint at or before `at`, then the events that bring it up
    // to `at`, so the state it shows is the state as of `at`.
    void join_delayed_snapshots(std::uint64_t at, std::shared_ptr<frame> hello,
                                const subscription_request& request);
    void leave_delay();
    bool enqueue(const frame_ptr& f);
    void push_unchecked(frame_ptr f);
    void reply(frame_ptr f);
    void mark_slow();
    void on_slow();

    // Reading. A plain subscriber waits for readability with no buffer of
    // its own and reads into the hub's scratch buffer; a TLS subscriber
    // reads through its stream into a buffer it keeps.
    void do_read();
    void on_readable(beast::error_code ec);
    void on_read(beast::error_code ec, std::size_t bytes);
    // Takes bytes read: handles every whole frame and keeps the rest of a
    // partial one in partial_.
    void take_input(char* data, std::size_t size);
    // Handles the whole frames at the start of [data, data + size); returns
    // the bytes used.
    std::size_t parse_frames(char* data, std::size_t size);
    void handle_message(std::string_view text);
    void refresh_token(std::string_view token);
    void send_error(std::string_view code, std::string_view message);

    // `now`: from the fan-out, where the write may go straight into the
    // kernel (see write_some); elsewhere (a write's end, a reply) it starts
    // on the reactor, so that a subscriber catching up never writes on and
    // on within one turn of the loop.
    void do_write(bool now = false);
    // Fills the gather for the next write of queue_'s first frames; returns
    // the number of buffers and sets in_flight_.
    std::size_t gather_frames();
    // batch=1: the leading text frames as one text frame, their payloads
    // separated by newlines (the frames stay shared, nothing is copied).
    std::size_t gather_batch();
    // The gather write's loop. Asio's composed async_write hands the kernel
    // at most 16 buffers per sendmsg; async_write_some takes up to 64, so a
    // full gather goes out in one syscall instead of four.
    void write_some(bool now = false);
    void on_write_some(beast::error_code ec, std::size_t bytes);
    // A fan-out's write through the hub's send_ring ended.
    void sent(int result) override;
    // The whole gather write is in the kernel (or failed).
    void on_write(beast::error_code ec);

    // Time until the token expires (0 once it has); only with claims.
    std::chrono::milliseconds token_left() const;
    void begin_close(std::uint16_t code, const char* reason);
    void on_close_timer(beast::error_code ec);
    void close_transport();
    // Bytes of buffers held beyond the object (ring slots, partial input,
    // the gather, message fragments), and the hub's gauge of them.
    std::size_t buffer_bytes() const;
    void report_buffers();

    // A view of the first n slots of the gather: a buffer sequence that
    // costs nothing to copy into the write operation.
    struct buffer_view {
        using value_type = net::const_buffer;
        using const_iterator = const net::const_buffer*;
        const net::const_buffer* first;
        const net::const_buffer* last;
        const_iterator begin() const { return first; }
        const_iterator end() const { return last; }
    };
    // One gather write carries at most write_gather::max_buffers buffers
    // and (beyond its first frame) this many bytes: large enough that a
    // subscriber behind by a burst catches up in a few syscalls, small
    // enough to keep the time one write holds the loop bounded.
    static constexpr std::size_t max_gather_bytes = 256 * 1024;

    // Members are ordered for size: an idle subscriber is mostly this
    // object, so each byte here is a megabyte at a million subscribers.
    Stream stream_;
    std::shared_ptr<hub> hub_;
    // What the subscriber sees, from its upgrade request (the join's own
    // fields, `since`, `epoch` and the accept key, are used once in run()).
    subscription_filter filter_;
    std::unique_ptr<token_claims> claims_;           // when tokens are in use
    std::string remote_;                             // "address:port", for logs
    std::shared_ptr<void> address_slot_;             // this connection's per-address slot
    std::unique_ptr<subscription_request> joining_;  // until run()
    std::uint64_t id_;

    std::unique_ptr<std::string> partial_;  // the start of a frame not complete yet
    struct no_buffer {};
    [[no_unique_address]] std::conditional_t<plain, no_buffer, std::unique_ptr<char[]>> tls_read_buffer_;
    frame_reader reader_;
    std::chrono::steady_clock::time_point last_received_;
    std::chrono::steady_clock::time_point next_ping_at_;

    frame_ring queue_;
    std::size_t queued_bytes_ = 0;
    std::unique_ptr<write_gather> gather_;            // only while a write is in flight
    std::unique_ptr<net::steady_timer> close_timer_;  // only while closing
    std::unique_ptr<delay_link> delay_;               // only with `delay=`

    std::uint32_t reported_buffer_bytes_ = 0;  // in the hub's gauge
    std::uint64_t position_ = 0;               // last seq offered to this subscriber
    std::uint64_t written_position_ = 0;       // the client has everything up to here once written
    const char* close_reason_ = "";
    std::uint16_t close_code_ = 0;
    std::uint16_t in_flight_ = 0;  // frames at the front of queue_ being written (at most a gather's)
    state state_ = state::open;
    bool batch_ = false;  // several events per frame (`batch=1`)
    bool writing_ = false;
    bool catching_up_ = false;  // replaying history; live batches are skipped
    bool slow_marked_ = false;
    bool close_pending_ = false;  // a close frame goes out once in-flight frames are written
    bool close_queued_ = false;   // the close frame is in queue_
    bool close_sent_ = false;
    bool peer_closed_ = false;
    bool input_failed_ = false;  // a protocol error: later input is discarded
};

extern template class subscriber_session<plain_socket>;
extern template class subscriber_session<tls_stream>;

}  // namespace splitstream::publish
