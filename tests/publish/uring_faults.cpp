#include "uring_faults.hpp"

#include <liburing.h>
#include <sys/socket.h>

#include <atomic>

// The real functions, and the wrappers the linker puts in their place.
extern "C" {
int __real_io_uring_submit(io_uring* ring);
int __real___io_uring_get_cqe(io_uring* ring, io_uring_cqe** cqe_ptr, unsigned submit, unsigned wait_nr,
                              sigset_t* sigmask);
int __wrap_io_uring_submit(io_uring* ring);
int __wrap___io_uring_get_cqe(io_uring* ring, io_uring_cqe** cqe_ptr, unsigned submit, unsigned wait_nr,
                              sigset_t* sigmask);
}

namespace splitstream::test::uring_faults {
namespace {

// Publish threads of a server under test submit too: every field atomic.
std::atomic<int> refusals_left{0};
std::atomic<int> refusal_error{0};
std::atomic<bool> hold_sends{false};
std::atomic<int> wait_error{0};
std::atomic<int> refused{0};
std::atomic<int> failed{0};

// What liburing does before it enters the kernel: the queued entries move
// into the kernel's ring, where a refused call leaves them.
void flush_queued(io_uring& ring) {
    ring.sq.sqe_head = ring.sq.sqe_tail;
    __atomic_store_n(ring.sq.ktail, ring.sq.sqe_tail, __ATOMIC_RELEASE);
}

// A send without MSG_DONTWAIT on a socket with no room is not completed
// inline: the kernel polls the socket and completes it when room comes.
void let_queued_sends_wait(io_uring& ring) {
    for (unsigned i = ring.sq.sqe_head; i != ring.sq.sqe_tail; ++i) {
        io_uring_sqe& sqe = ring.sq.sqes[i & ring.sq.ring_mask];
        if (sqe.opcode == IORING_OP_SENDMSG) sqe.msg_flags &= ~static_cast<unsigned>(MSG_DONTWAIT);
    }
}

}  // namespace

void refuse_submits(int count, int err) {
    refusal_error = err;
    refusals_left = count;
}

void hold_sends_until_room() {
    hold_sends = true;
}

void fail_waits(int err) {
    wait_error = err;
}

int submits_refused() {
    return refused;
}

int waits_failed() {
    return failed;
}

void clear() {
    refusals_left = 0;
    hold_sends = false;
    wait_error = 0;
    refused = 0;
    failed = 0;
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
    if (faults::hold_sends) faults::let_queued_sends_wait(*ring);
    return __real_io_uring_submit(ring);
}

int __wrap___io_uring_get_cqe(io_uring* ring, io_uring_cqe** cqe_ptr, unsigned submit, unsigned wait_nr,
                              sigset_t* sigmask) {
    if (const int err = faults::wait_error; err != 0) {
        ++faults::failed;
        *cqe_ptr = nullptr;
        return -err;
    }
    return __real___io_uring_get_cqe(ring, cqe_ptr, submit, wait_nr, sigmask);
}
