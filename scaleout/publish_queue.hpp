#pragma once
// The frames an ingest node has accepted and not yet seen stored in the
// JetStream stream, oldest first. Pure bookkeeping (no NATS, no clock: the
// caller passes the time), so the rules below are unit-tested alone.
//
// - offer() keeps a frame until its acknowledgement; a full queue refuses
//   it (the caller counts the loss).
// - next() hands out frames in queue order, at most `window` unacknowledged
//   at once. Each frame names the one queued before it as the stream's
//   expected last message id, so JetStream stores this node's frames in
//   order or not at all: when one is refused, the later ones are too, and
//   all are sent again from the oldest.
// - A refusal, an acknowledgement overdue or a lost connection rewinds:
//   every unacknowledged frame is sent again, oldest first. A frame stored
//   twice is impossible: its message id dedupes it.
// - The oldest frame refused for its expectation alone (another node stored
//   a frame this one never had: a gap it skipped) is sent again without it.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

namespace splitstream::scaleout {

struct outgoing_frame {
    std::uint64_t number = 0;   // this node's publish number; names the acknowledgement
    std::string id;             // `<feed epoch>:<seq>`
    std::string expected_last;  // the id stored before it, or empty: no expectation
    std::string bytes;
    std::string subject;  // where it goes; empty: the queue owner's one subject
};

class publish_queue {
public:
    using clock = std::chrono::steady_clock;

    explicit publish_queue(std::size_t max_frames) : max_frames_(max_frames) {}

    // Queues a frame; false when the queue is full (nothing changes then).
    bool offer(std::string id, std::string bytes, std::string subject = {});

    // The next frame to send, or nullopt when all are out or `window` are
    // unacknowledged. Marks it sent at `now`.
    std::optional<outgoing_frame> next(std::size_t window, clock::time_point now);

    // The frame numbered `number` is stored (or was already: a duplicate).
    void acknowledged(std::uint64_t number);
    // The frame numbered `number` was refused; `wrong_last` when only for
    // its expected last id. Everything unacknowledged goes again.
    void refused(std::uint64_t number, bool wrong_last);
    // Sends every unacknowledged frame again (connection lost).
    void rewind() { sent_ = 0; }
    // Rewinds when the oldest frame out has waited longer than `timeout`.
    bool rewind_if_overdue(clock::time_point now, clock::duration timeout);

    std::size_t size() const { return frames_.size(); }
    std::size_t unacknowledged_out() const { return sent_; }
    bool empty() const { return frames_.empty(); }

private:
    struct entry {
        outgoing_frame frame;
        clock::time_point sent_at{};
        bool acked = false;
    };
    entry* find(std::uint64_t number);

    std::size_t max_frames_;
    std::deque<entry> frames_;
    std::size_t sent_ = 0;  // frames_[0, sent_) are out since the last rewind
    std::uint64_t next_number_ = 1;
    std::string last_id_;
};

}  // namespace splitstream::scaleout
