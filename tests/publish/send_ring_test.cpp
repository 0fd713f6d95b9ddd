// The send ring: a fan-out's writes in one system call, each sender told
// how its own send ended, none of them waiting in the kernel.

#include "publish/send_ring.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <string>
#include <vector>

#include "uring_faults.hpp"

namespace splitstream::publish {
namespace {

struct socket_pair {
    int ours = -1;
    int theirs = -1;
    socket_pair() {
        int fds[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0) {
            ours = fds[0];
            theirs = fds[1];
            ::fcntl(ours, F_SETFL, ::fcntl(ours, F_GETFL) | O_NONBLOCK);
            ::fcntl(theirs, F_SETFL, ::fcntl(theirs, F_GETFL) | O_NONBLOCK);
        }
    }
    ~socket_pair() {
        if (ours >= 0) ::close(ours);
        if (theirs >= 0) ::close(theirs);
    }
    // Writes until our side has no room left; true once it has none.
    bool fill() const {
        const std::string chunk(64 * 1024, 'x');
        while (::write(ours, chunk.data(), chunk.size()) > 0) {
        }
        return errno == EAGAIN;
    }
    std::string read_all() const {
        std::string out;
        char buf[4096];
        for (ssize_t n; (n = ::read(theirs, buf, sizeof buf)) > 0;)
            out.append(buf, static_cast<std::size_t>(n));
        return out;
    }
};

// One send's message and what its sender was told.
struct recorded_send final : send_ring::sender {
    std::vector<iovec> iov;
    msghdr msg{};
    std::vector<int> results;
    std::vector<int>* order = nullptr;  // every sender's id, in the order told
    int id = 0;

    explicit recorded_send(std::vector<std::string>& parts) {
        for (auto& p : parts) iov.push_back({p.data(), p.size()});
        msg.msg_iov = iov.data();
        msg.msg_iovlen = iov.size();
    }
    void sent(int result) override {
        results.push_back(result);
        if (order) order->push_back(id);
    }
};

// Where the kernel refuses io_uring the daemon writes with sendmsg (the
// server's integration tests run that way too); these tests then skip.
#define OPEN_RING_OR_SKIP(ring, entries)       \
    std::string why;                           \
    auto ring = send_ring::open(entries, why); \
    if (!ring) GTEST_SKIP() << "io_uring unavailable here: " << why

TEST(send_ring, a_batch_of_gather_sends_to_several_sockets_goes_out_in_one_submit) {
    OPEN_RING_OR_SKIP(ring, 16);
    std::vector<socket_pair> sockets(5);
    std::vector<std::string> parts{"header|", "first event|", "second event"};
    std::vector<recorded_send> sends;
    for (std::size_t i = 0; i < sockets.size(); ++i) sends.emplace_back(parts);
    for (std::size_t i = 0; i < sockets.size(); ++i)
        ASSERT_TRUE(ring->queue(sockets[i].ours, sends[i].msg, sends[i]));
    EXPECT_EQ(ring->queued(), sockets.size());
    for (const auto& s : sends) EXPECT_TRUE(s.results.empty()) << "nothing is sent before submit";

    EXPECT_EQ(ring->submit(), 0);
    EXPECT_EQ(ring->queued(), 0U);
    for (std::size_t i = 0; i < sockets.size(); ++i) {
        EXPECT_EQ(sends[i].results, std::vector<int>{31}) << "socket " << i;
        EXPECT_EQ(sockets[i].read_all(), "header|first event|second event");
    }
}

TEST(send_ring, a_full_socket_is_told_eagain_at_once_and_the_others_still_go_out) {
    OPEN_RING_OR_SKIP(ring, 8);
    socket_pair full, fine;
    ASSERT_TRUE(full.fill());
    std::vector<std::string> parts{"event"};
    recorded_send to_full(parts), to_fine(parts);
    ring->queue(full.ours, to_full.msg, to_full);
    ring->queue(fine.ours, to_fine.msg, to_fine);
    EXPECT_EQ(ring->submit(), 0);  // returns: the full socket does not hold the loop
    EXPECT_EQ(to_full.results, std::vector<int>{-EAGAIN});
    EXPECT_EQ(to_fine.results, std::vector<int>{5});
    EXPECT_EQ(fine.read_all(), "event");
}

TEST(send_ring, a_closed_peer_is_an_error_result_not_a_signal) {
    OPEN_RING_OR_SKIP(ring, 8);
    socket_pair gone;
    ::close(gone.theirs);
    gone.theirs = -1;
    std::vector<std::string> parts{"event"};
    recorded_send s(parts);
    ring->queue(gone.ours, s.msg, s);
    EXPECT_EQ(ring->submit(), 0);  // SIGPIPE would have ended the test process
    EXPECT_EQ(s.results, std::vector<int>{-EPIPE});
}

TEST(send_ring, more_sends_than_entries_all_go_out_and_senders_hear_in_queue_order) {
    OPEN_RING_OR_SKIP(ring, 4);
    constexpr int count = 11;
    std::vector<socket_pair> sockets(count);
    std::vector<std::string> parts{"e"};
    std::vector<recorded_send> sends;
    std::vector<int> order;
    for (int i = 0; i < count; ++i) sends.emplace_back(parts);
    for (int i = 0; i < count; ++i) {
        sends[i].id = i;
        sends[i].order = &order;
        ASSERT_TRUE(ring->queue(sockets[i].ours, sends[i].msg, sends[i]));
        EXPECT_LE(ring->queued(), 4U) << "a full ring is submitted before the next send is queued";
    }
    EXPECT_EQ(ring->submit(), 0);
    std::vector<int> expected(count);
    for (int i = 0; i < count; ++i) expected[i] = i;
    EXPECT_EQ(order, expected);
    for (int i = 0; i < count; ++i) EXPECT_EQ(sockets[i].read_all(), "e");
}

// A sender told of a partial send queues the rest again: that send goes
// out within the same submit().
struct resending final : send_ring::sender {
    send_ring& ring;
    int fd;
    std::string text;
    iovec iov{};
    msghdr msg{};
    int told = 0;
    resending(send_ring& r, int f, std::string t) : ring(r), fd(f), text(std::move(t)) { queue_from(0); }
    void queue_from(std::size_t offset) {
        iov = {text.data() + offset, text.size() - offset};
        msg = {};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        ring.queue(fd, msg, *this);
    }
    void sent(int result) override {
        if (++told == 1 && result > 0) queue_from(static_cast<std::size_t>(result) / 2);
    }
};

TEST(send_ring, a_send_queued_from_a_completion_goes_out_with_the_same_submit) {
    OPEN_RING_OR_SKIP(ring, 4);
    socket_pair p;
    resending r(*ring, p.ours, "abcdef");
    EXPECT_EQ(ring->submit(), 0);
    EXPECT_EQ(r.told, 2);
    EXPECT_EQ(ring->queued(), 0U);
    EXPECT_EQ(p.read_all(), "abcdefdef");
}

// A send that, once told, queues the sends that follow it on its socket.
struct leading_send final : send_ring::sender {
    send_ring& ring;
    int fd;
    std::string text;
    iovec iov{};
    msghdr msg{};
    std::vector<leading_send*> followers;
    std::vector<int> results;
    leading_send(send_ring& r, int f, std::string t) : ring(r), fd(f), text(std::move(t)) {}
    void queue() {
        iov = {text.data(), text.size()};
        msg = {};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        EXPECT_TRUE(ring.queue(fd, msg, *this));
    }
    void sent(int result) override {
        results.push_back(result);
        for (auto* f : followers) f->queue();
    }
};

TEST(send_ring, senders_that_fill_the_ring_from_their_completions_are_each_told_once) {
    // Four entries, four sends; each of them, told, queues two more. The
    // third one's first follower finds the ring full: that submit, nested
    // in the first one's completions, reaps the fourth completion too.
    // Every send still goes out once, in its socket's order, and its
    // sender hears of it once.
    OPEN_RING_OR_SKIP(ring, 4);
    std::vector<socket_pair> sockets(4);
    std::vector<std::unique_ptr<leading_send>> leads;
    std::vector<std::unique_ptr<leading_send>> follows;
    for (std::size_t i = 0; i < sockets.size(); ++i) {
        const std::string n = std::to_string(i);
        leads.push_back(std::make_unique<leading_send>(*ring, sockets[i].ours, "lead" + n + "|"));
        for (const char* part : {"a", "b"}) {
            follows.push_back(std::make_unique<leading_send>(*ring, sockets[i].ours, part + n + "|"));
            leads.back()->followers.push_back(follows.back().get());
        }
    }
    for (auto& l : leads) l->queue();
    EXPECT_EQ(ring->submit(), 0);
    EXPECT_EQ(ring->queued(), 0U);
    for (std::size_t i = 0; i < sockets.size(); ++i) {
        const std::string n = std::to_string(i);
        EXPECT_EQ(sockets[i].read_all(), "lead" + n + "|a" + n + "|b" + n + "|") << "socket " << i;
    }
    for (const auto& s : leads) EXPECT_EQ(s->results, std::vector<int>{static_cast<int>(s->text.size())});
    for (const auto& s : follows) EXPECT_EQ(s->results, std::vector<int>{static_cast<int>(s->text.size())});
}

// The kernel refusing a submission, or completing a send after it
// (uring_faults.hpp): what no socket can provoke. Each test asks for it,
// and gives it back.
struct kernel_faults : ::testing::Test {
    void SetUp() override { test::uring_faults::clear(); }
    void TearDown() override { test::uring_faults::clear(); }
};

TEST_F(kernel_faults, a_refusal_that_passes_is_tried_again_within_the_same_submit) {
    OPEN_RING_OR_SKIP(ring, 8);
    socket_pair p;
    std::vector<std::string> parts{"event"};
    recorded_send s(parts);
    ring->queue(p.ours, s.msg, s);
    test::uring_faults::refuse_submits(3, EINTR);  // a signal, three times over
    EXPECT_EQ(ring->submit(), 0);
    EXPECT_EQ(test::uring_faults::submits_refused(), 3);
    EXPECT_EQ(s.results, std::vector<int>{5});
    EXPECT_EQ(p.read_all(), "event");
}

TEST_F(kernel_faults, a_refused_submission_keeps_its_sends_for_the_next_submit_which_sends_each_once) {
    OPEN_RING_OR_SKIP(ring, 8);
    socket_pair a, b;
    std::vector<std::string> parts{"event"};
    recorded_send to_a(parts), to_b(parts);
    ring->queue(a.ours, to_a.msg, to_a);
    ring->queue(b.ours, to_b.msg, to_b);
    test::uring_faults::refuse_submits(100, EAGAIN);  // short of memory for longer than a few tries
    EXPECT_EQ(ring->submit(), -EAGAIN);
    EXPECT_EQ(test::uring_faults::submits_refused(), 8) << "a few tries, then the caller hears of it";
    EXPECT_EQ(ring->queued(), 2U);
    EXPECT_TRUE(to_a.results.empty());
    EXPECT_TRUE(to_b.results.empty());
    EXPECT_EQ(a.read_all(), "");

    test::uring_faults::clear();
    EXPECT_EQ(ring->submit(), 0);
    EXPECT_EQ(ring->queued(), 0U);
    EXPECT_EQ(to_a.results, std::vector<int>{5});
    EXPECT_EQ(to_b.results, std::vector<int>{5});
    EXPECT_EQ(a.read_all(), "event");
    EXPECT_EQ(b.read_all(), "event");
}

TEST_F(kernel_faults, sends_given_back_after_a_refusal_are_told_once_and_never_go_out) {
    OPEN_RING_OR_SKIP(ring, 8);
    socket_pair a, b;
    std::vector<std::string> parts{"event"}, next{"next"};
    std::vector<int> order;
    recorded_send to_a(parts), to_b(parts), again(next);
    to_a.order = to_b.order = &order;
    to_a.id = 1;
    to_b.id = 2;
    ring->queue(a.ours, to_a.msg, to_a);
    ring->queue(b.ours, to_b.msg, to_b);
    test::uring_faults::refuse_submits(1, ENOMEM);
    EXPECT_EQ(ring->submit(), -ENOMEM);
    EXPECT_EQ(ring->give_back(), 2U);
    EXPECT_EQ(to_a.results, std::vector<int>{-EAGAIN}) << "told it was not sent: it writes on its own";
    EXPECT_EQ(to_b.results, std::vector<int>{-EAGAIN});
    EXPECT_EQ(order, (std::vector<int>{1, 2}));
    EXPECT_EQ(ring->give_back(), 0U) << "told once";

    // The kernel takes the ring again: only what was queued since goes out.
    ring->queue(a.ours, again.msg, again);
    EXPECT_EQ(ring->submit(), 0);
    EXPECT_EQ(ring->queued(), 0U);
    EXPECT_EQ(again.results, std::vector<int>{4});
    EXPECT_EQ(to_a.results.size(), 1U);
    EXPECT_EQ(to_b.results.size(), 1U);
    EXPECT_EQ(a.read_all(), "next");
    EXPECT_EQ(b.read_all(), "");
}

TEST_F(kernel_faults, a_full_ring_the_kernel_will_not_take_turns_the_next_send_away) {
    OPEN_RING_OR_SKIP(ring, 4);
    std::vector<socket_pair> sockets(5);
    std::vector<std::string> parts{"e"};
    std::vector<recorded_send> sends;
    for (std::size_t i = 0; i < sockets.size(); ++i) sends.emplace_back(parts);
    for (std::size_t i = 0; i < 4; ++i) ASSERT_TRUE(ring->queue(sockets[i].ours, sends[i].msg, sends[i]));
    test::uring_faults::refuse_submits(1, ENOMEM);
    EXPECT_FALSE(ring->queue(sockets[4].ours, sends[4].msg, sends[4])) << "its sender writes on its own";
    EXPECT_TRUE(sends[4].results.empty()) << "and is not told";
    EXPECT_EQ(ring->queued(), 4U);
    EXPECT_EQ(ring->submit(), 0) << "the ring's own sends go with the next submit";
    for (std::size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(sends[i].results, std::vector<int>{1});
        EXPECT_EQ(sockets[i].read_all(), "e");
    }
    EXPECT_EQ(sockets[4].read_all(), "");
}

TEST_F(kernel_faults, a_refusal_no_retry_can_lift_is_returned_at_once) {
    OPEN_RING_OR_SKIP(ring, 8);
    socket_pair p;
    std::vector<std::string> parts{"event"};
    recorded_send s(parts);
    ring->queue(p.ours, s.msg, s);
    test::uring_faults::refuse_submits(100, EBADF);
    EXPECT_EQ(ring->submit(), -EBADF);
    EXPECT_EQ(test::uring_faults::submits_refused(), 1);
    EXPECT_EQ(ring->queued(), 1U);
    EXPECT_TRUE(s.results.empty());
}

TEST_F(kernel_faults, a_send_the_kernel_completes_later_is_not_waited_for_and_is_told_by_a_later_reap) {
    OPEN_RING_OR_SKIP(ring, 8);
    socket_pair full, fine;
    ASSERT_TRUE(full.fill());
    std::vector<std::string> parts{"event"};
    std::vector<int> order;
    recorded_send held(parts), later(parts);
    held.order = later.order = &order;
    held.id = 1;
    later.id = 2;
    // The send waits in the kernel until its socket has room: submit
    // returns all the same (the loop is not held), and says nothing yet.
    test::uring_faults::complete_sends_later();
    ring->queue(full.ours, held.msg, held);
    EXPECT_EQ(ring->submit(), 0);
    EXPECT_EQ(ring->queued(), 0U);
    EXPECT_EQ(ring->in_flight(), 1U) << "the kernel has it";
    ring->reap();
    EXPECT_TRUE(held.results.empty()) << "not told before it ends";

    // Room comes: a later reap, or the next submit, tells it, once, and
    // before the sends queued since.
    test::uring_faults::clear();
    std::string drained = full.read_all();
    for (int i = 0; i < 1000 && held.results.empty(); ++i) {
        ::usleep(1000);  // the kernel sends on its own time
        ring->reap();
    }
    ring->queue(fine.ours, later.msg, later);
    EXPECT_EQ(ring->submit(), 0);
    EXPECT_EQ(held.results, std::vector<int>{5});
    EXPECT_EQ(later.results, std::vector<int>{5});
    EXPECT_EQ(order, (std::vector<int>{1, 2}));
    EXPECT_EQ(ring->in_flight(), 0U);
    drained += full.read_all();
    EXPECT_EQ(drained.substr(drained.size() - 5), "event") << "after what filled the socket";
    EXPECT_EQ(fine.read_all(), "event");
}

}  // namespace
}  // namespace splitstream::publish
