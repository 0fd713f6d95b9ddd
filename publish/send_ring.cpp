#include "publish/send_ring.hpp"

#include <liburing.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <vector>

namespace splitstream::publish {

std::unique_ptr<send_ring> send_ring::open(unsigned entries, std::string& why) {
    auto ring = std::make_unique<io_uring>();
    io_uring_params params{};
    // Every send of a batch is attempted even when one of them cannot be
    // (a socket closed meanwhile): each gets its own completion.
    params.flags = IORING_SETUP_SUBMIT_ALL;
    int rc = io_uring_queue_init_params(entries, ring.get(), &params);
    if (rc == -EINVAL) {
        // A kernel older than 5.18 does not know the flag; without it a
        // send that cannot start ends the submission early, and submit()
        // submits the rest again.
        params = {};
        rc = io_uring_queue_init_params(entries, ring.get(), &params);
    }
    if (rc < 0) {
        why = std::strerror(-rc);
        return nullptr;
    }
    return std::unique_ptr<send_ring>(new send_ring(std::move(ring)));
}

send_ring::send_ring(std::unique_ptr<io_uring> ring) : ring_(std::move(ring)) {}

send_ring::~send_ring() {
    io_uring_queue_exit(ring_.get());
}

bool send_ring::queue(int fd, const msghdr& msg, sender& to) {
    io_uring_sqe* sqe = io_uring_get_sqe(ring_.get());
    if (sqe == nullptr) {
        submit();
        sqe = io_uring_get_sqe(ring_.get());
        if (sqe == nullptr) return false;
    }
    // MSG_DONTWAIT: no waiting in the kernel for room; MSG_NOSIGNAL: a
    // closed peer is an EPIPE result, not a signal.
    io_uring_prep_sendmsg(sqe, fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
    io_uring_sqe_set_data(sqe, &to);
    ++queued_;
    return true;
}

int send_ring::submit() {
    reap();
    int refused = 0;
    while (queued_ > 0) {
        const int rc = io_uring_submit(ring_.get());
        if (rc < 0) {
            // Nothing was taken: a signal, or the kernel short of memory
            // for a moment. The sends stay in the ring: try again, and
            // after a few tries leave them to the caller (give_back).
            if ((rc == -EINTR || rc == -EAGAIN || rc == -EBUSY) && ++refused < 8) continue;
            return rc;
        }
        const auto taken = std::min(static_cast<std::size_t>(rc), queued_);
        queued_ -= taken;
        in_flight_ += taken;
        reap();
    }
    return 0;
}

std::size_t send_ring::give_back() {
    // The kernel reads an entry only when a submit takes it: until then
    // every entry between its head and liburing's tail (whether or not
    // liburing has moved it into the kernel's ring yet) is ours to change.
    io_uring_sq& sq = ring_->sq;
    std::vector<sender*> told;
    told.reserve(queued_);
    const unsigned head = io_uring_smp_load_acquire(sq.khead);
    for (unsigned i = head; i != sq.sqe_tail; ++i) {
        const unsigned slot = sq.array != nullptr ? sq.array[i & sq.ring_mask] : (i & sq.ring_mask);
        io_uring_sqe* sqe = &sq.sqes[slot];
        auto* to = reinterpret_cast<sender*>(static_cast<std::uintptr_t>(sqe->user_data));
        if (to == nullptr) continue;  // given back before
        io_uring_prep_nop(sqe);
        io_uring_sqe_set_data(sqe, nullptr);
        told.push_back(to);
    }
    // Told once every entry is a no-op: a sender may queue again at once.
    for (auto* to : told) to->sent(-EAGAIN);
    return told.size();
}

void send_ring::reap() {
    // A send taken has its completion posted by the time the call returns
    // (MSG_DONTWAIT). One the kernel ran on its worker threads instead
    // completes later, and its sender hears of it at a later reap: the
    // loop never waits for the kernel here. Each completion is taken off
    // the ring before its sender hears of it: a sender that queues again
    // must find room.
    while (in_flight_ > 0) {
        io_uring_cqe* cqe = nullptr;
        if (io_uring_peek_cqe(ring_.get(), &cqe) != 0 || cqe == nullptr) return;
        auto* to = static_cast<sender*>(io_uring_cqe_get_data(cqe));
        const int result = cqe->res;
        io_uring_cqe_seen(ring_.get(), cqe);
        --in_flight_;
        if (to != nullptr) to->sent(result);  // null: a given-back send's no-op
    }
}

}  // namespace splitstream::publish
