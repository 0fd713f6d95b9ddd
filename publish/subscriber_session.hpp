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
#include <string>

#include "base/net.hpp"
#include "publish/connection.hpp"
#include "publish/frame_reader.hpp"
#include "publish/frame_ring.hpp"
#include "publish/hub.hpp"
#include "publish/subscription_request.hpp"
#include "publish/transport.hpp"

namespace splitstream::publish {

template <class Stream>
class subscriber_session : public subscriber,
                           public connection,
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
    void shutdown() override;

private:
    enum class state { open, closing, closed };

    void join();
    void refill_from_history();
    bool enqueue(const frame_ptr& f);
    void push_unchecked(frame_ptr f);
    void reply(frame_ptr f);
    void mark_slow();
    void on_slow();

    void do_read();
    void on_read(beast::error_code ec, std::size_t bytes);
    // Handles every whole client frame in read_buffer_.
    void parse_input();
    void handle_message(std::string_view text);
    void send_error(std::string_view code, std::string_view message);

    void do_write();
    // Fills bufs_ for the next write of queue_'s first frames; returns the
    // number of buffers and sets in_flight_.
    std::size_t gather_frames();
    // batch=1: the leading text frames as one text frame, their payloads
    // separated by newlines (the frames stay shared, nothing is copied).
    std::size_t gather_batch();
    // The gather write's loop. Asio's composed async_write hands the kernel
    // at most 16 buffers per sendmsg; async_write_some takes up to 64, so a
    // full gather goes out in one syscall instead of four.
    void write_some();
    void on_write_some(beast::error_code ec, std::size_t bytes);
    // The whole gather write is in the kernel (or failed).
    void on_write(beast::error_code ec);

    void refresh_token(std::string_view token);

    // Schedules the next ping (and the idle check with it), then arm_timer.
    void arm_ping();
    void arm_timer();
    // Time until the token expires (0 once it has); only with claims.
    std::chrono::milliseconds token_left() const;
    void on_ping_timer(beast::error_code ec);
    void begin_close(std::uint16_t code, std::string reason);
    void on_close_timer(beast::error_code ec);
    void close_transport();

    // A view of the first n slots of bufs_: a buffer sequence that costs
    // nothing to copy into the write operation.
    struct buffer_view {
        using value_type = net::const_buffer;
        using const_iterator = const net::const_buffer*;
        const net::const_buffer* first;
        const net::const_buffer* last;
        const_iterator begin() const { return first; }
        const_iterator end() const { return last; }
    };
    // One gather write carries at most this many buffers (frames, or a
    // batch's header and lines: the most one sendmsg takes through Asio)
    // and (beyond its first frame) this many bytes: large enough that a
    // subscriber behind by a burst catches up in a few syscalls, small
    // enough to keep the time one write holds the loop bounded.
    static constexpr std::size_t max_gather = 64;
    static constexpr std::size_t max_gather_bytes = 256 * 1024;

    Stream stream_;
    std::shared_ptr<hub> hub_;
    subscription_request request_;
    std::uint64_t id_;
    net::steady_timer timer_;

    beast::flat_buffer read_buffer_;
    frame_reader reader_;
    std::chrono::steady_clock::time_point last_received_;
    std::chrono::steady_clock::time_point next_ping_at_;

    frame_ring queue_;
    std::size_t queued_bytes_ = 0;
    std::size_t in_flight_ = 0;  // frames at the front of queue_ being written
    // The gather write: frames, or a batch's header and lines; bufs_[first,
    // last) is what the kernel has not taken yet.
    std::array<net::const_buffer, max_gather> bufs_;
    std::size_t write_first_ = 0;
    std::size_t write_last_ = 0;
    std::array<char, max_frame_header> batch_header_{};
    bool writing_ = false;

    std::uint64_t position_ = 0;          // last seq offered to this subscriber
    std::uint64_t written_position_ = 0;  // the client has everything up to here once written
    bool catching_up_ = false;            // replaying history; live batches are skipped
    bool slow_marked_ = false;

    state state_ = state::open;
    std::uint16_t close_code_ = 0;
    std::string close_reason_;
    bool close_pending_ = false;  // a close frame goes out once in-flight frames are written
    bool close_queued_ = false;   // the close frame is in queue_
    bool close_sent_ = false;
    bool peer_closed_ = false;
    bool input_failed_ = false;  // a protocol error: later input is discarded
};

extern template class subscriber_session<plain_stream>;
extern template class subscriber_session<tls_stream>;

}  // namespace splitstream::publish
