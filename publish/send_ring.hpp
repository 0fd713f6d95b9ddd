#pragma once
// The writes of one fan-out, handed to the kernel in one system call. A
// fan-out to 100 subscribers is 100 sendmsg calls; on a virtual machine
// every call's entry and exit costs as much as a third of the send itself.
// An io_uring takes them all in one io_uring_enter and runs each send
// inline, as sendmsg would (MSG_DONTWAIT: a full socket completes at once
// with EAGAIN instead of waiting in the kernel). So every send is complete
// when submit() returns, and the ring holds nothing across turns of the
// loop: no eventfd, no completion handler on the reactor. (A kernel that
// ran a send on its worker threads instead is not waited for: reap() tells
// its sender later.)
//
// One ring per publish thread, touched only by it. Where io_uring is not
// available (an old kernel, a seccomp filter, io_uring_disabled), open()
// says why and the fan-out writes with one sendmsg a subscriber.

#include <sys/socket.h>

#include <cstddef>
#include <memory>
#include <string>

struct io_uring;

namespace splitstream::publish {

class send_ring {
public:
    // Told how its send ended: the bytes the kernel took, or -errno
    // (-EAGAIN: the socket had no room, nothing was written).
    class sender {
    public:
        virtual void sent(int result) = 0;

    protected:
        ~sender() = default;
    };

    // A ring for `entries` sends between submits, or null with `why` set.
    static std::unique_ptr<send_ring> open(unsigned entries, std::string& why);
    ~send_ring();
    send_ring(const send_ring&) = delete;
    send_ring& operator=(const send_ring&) = delete;

    // Queues a send of `msg` (which must stay valid until `to` is told) on
    // `fd`. A full ring is submitted first; false only when the kernel
    // refuses that submission (the caller writes on its own).
    bool queue(int fd, const msghdr& msg, sender& to);
    // Hands the kernel every queued send in one call and tells each sender
    // how its send ended, in the order queued. A sender may queue again
    // from sent(): that send goes with the next submit. Returns 0, or
    // -errno when the kernel took none of them (they stay queued: see
    // give_back). Never waits: a send the kernel has not completed by
    // then (one run on its worker threads) is told by a later reap.
    int submit();
    // After a refused submit: tells each sender still queued -EAGAIN (its
    // send did not happen, it writes on its own), in the order queued, and
    // leaves a no-op in its entry, so that nothing of it goes out with a
    // later submit. Returns how many were told.
    std::size_t give_back();
    // Tells the senders of the sends completed since the last submit or
    // reap; never waits.
    void reap();
    // Entries waiting for the kernel (given-back ones included, as no-ops).
    std::size_t queued() const { return queued_; }
    // Sends the kernel has taken and not yet completed: for a later reap.
    std::size_t in_flight() const { return in_flight_; }

private:
    explicit send_ring(std::unique_ptr<io_uring> ring);

    std::unique_ptr<io_uring> ring_;
    std::size_t queued_ = 0;     // in the submission queue, not yet submitted
    std::size_t in_flight_ = 0;  // taken by the kernel, completion not yet told
};

}  // namespace splitstream::publish
