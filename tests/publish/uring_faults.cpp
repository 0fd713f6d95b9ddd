#include "uring_faults.hpp"

#include <liburing.h>
#include <sys/socket.h>

#include <atomic>

// The real function, and the wrapper the linker puts in its place.
extern "C" {
int __real_io_uring_submit(io_uring* ring);
int __wrap_io_uring_submit(io_uring* ring);
}

namespace splitstream::test::uring_faults {
namespace {

// Publish threads of a server under test submit too: every field atomic.
std::atomic<int> refusals_left{0};
std::atomic<int> refusal_error{0};
std::atomic<bool> later{false};
std::atomic<int> refused{0};

// What liburing does before it enters the kernel: the queued entries move
// into the kernel's ring, where a refused call leaves them.
void flush_queued(io_uring& ring) {
    ring.sq.sqe_head = ring.sq.sqe_tail;
    __atomic_store_n(ring.sq.ktail, ring.sq.sqe_tail, __ATOMIC_RELEASE);
}

// IOSQE_ASYNC: the kernel hands the send to a worker thread instead of
// trying it inline; without MSG_DONTWAIT it waits there for room.
void send_on_workers(io_uring& ring) {
    for (unsigned i = ring.sq.sqe_head; i != ring.sq.sqe_tail; ++i) {
        io_uring_sqe& sqe = ring.sq.sqes[i & ring.sq.ring_mask];
        if (sqe.opcode != IORING_OP_SENDMSG) continue;
        sqe.flags |= IOSQE_ASYNC;
        sqe.msg_flags &= ~static_cast<unsigned>(MSG_DONTWAIT);
    }
}

}  // namespace

void refuse_submits(int count, int err) {
    refusal_error = err;
    refusals_left = count;
}

void complete_sends_later() {
    later = true;
}

int submits_refused() {
    return refused;
}

void clear() {
    refusals_left = 0;
    later = false;
    refused = 0;
}

}  // namespace splitstream::test::uring_faults

namespace faults = splitstream::test::uring_faults;

int __wrap_io_uring_submit(io_uring* ring) {
    for (int left = faults::refusals_left.load(); left > 0;) {
        if (faults::refusals_left.compare_exchange_weak(left, left - 1)) {
            ++faults::refused;
            faults::flush_queued(*ring);
            return -faults::refusal_error.load();
        }
    }
    if (faults::later) faults::send_on_workers(*ring);
    return __real_io_uring_submit(ring);
}
