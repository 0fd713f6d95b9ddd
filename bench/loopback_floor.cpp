// The kernel's floor for a fan-out on this machine, with no server code at
// all: one thread writes a message to N loopback TCP connections with plain
// blocking send() calls, or (`ring`) with one io_uring submission for all N
// through the daemon's send ring, while a reader thread on the other core
// drains them through epoll, as a subscriber's client does. A server can
// be no faster than this per socket write; docs/benchmarks.md (Fan-out)
// compares the daemon with it.
//
//   loopback_floor [connections] [messages_per_second] [messages] [bytes] [send|ring]
//   defaults:       1000          1000                  1000       330     send

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench/pin_thread.hpp"
#include "publish/send_ring.hpp"

namespace {

using steady = std::chrono::steady_clock;

using splitstream::bench::pin_to_cpu;

struct socket_pairs {
    std::vector<int> server_side;  // written by the fan-out
    std::vector<int> client_side;  // drained by the reader
};

// N connected pairs over 127.0.0.1, server side with TCP_NODELAY as the
// daemon sets it.
bool connect_pairs(int n, socket_pairs& out) {
    const int listener = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listener, 4096) != 0 ||
        getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
        return false;
    for (int i = 0; i < n; ++i) {
        const int client = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return false;
        const int server = accept(listener, nullptr, nullptr);
        if (server < 0) return false;
        const int one = 1;
        setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        out.server_side.push_back(server);
        out.client_side.push_back(client);
    }
    close(listener);
    return true;
}

// Counts the sends the ring could not complete whole.
struct counting_sender final : splitstream::publish::send_ring::sender {
    std::size_t expected = 0;
    std::size_t short_or_failed = 0;
    void sent(int result) override {
        if (result < 0 || static_cast<std::size_t>(result) != expected) ++short_or_failed;
    }
};

double quantile(std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
    const int connections = argc > 1 ? std::atoi(argv[1]) : 1000;
    const int rate = argc > 2 ? std::atoi(argv[2]) : 1000;
    const int messages = argc > 3 ? std::atoi(argv[3]) : 1000;
    const int bytes = argc > 4 ? std::atoi(argv[4]) : 330;
    const std::string method = argc > 5 ? argv[5] : "send";
    if (connections <= 0 || rate <= 0 || messages <= 0 || bytes <= 0 ||
        (method != "send" && method != "ring")) {
        std::fprintf(stderr,
                     "usage: loopback_floor [connections] [messages_per_second] [messages] [bytes] "
                     "[send|ring]\n");
        return 2;
    }
    std::unique_ptr<splitstream::publish::send_ring> ring;
    if (method == "ring") {
        std::string why;
        ring = splitstream::publish::send_ring::open(256, why);
        if (!ring) {
            std::fprintf(stderr, "loopback_floor: io_uring unavailable: %s\n", why.c_str());
            return 1;
        }
    }
    socket_pairs pairs;
    if (!connect_pairs(connections, pairs)) {
        std::perror("loopback_floor: connecting");
        return 1;
    }

    std::atomic<bool> stop{false};
    std::thread reader([&] {
        pin_to_cpu(1);
        const int ep = epoll_create1(0);
        for (int fd : pairs.client_side) {
            epoll_event ev{};
            ev.events = EPOLLIN;
            ev.data.fd = fd;
            epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
        }
        std::vector<epoll_event> ready(256);
        std::vector<char> buffer(1 << 16);
        while (!stop.load(std::memory_order_relaxed)) {
            const int n = epoll_wait(ep, ready.data(), static_cast<int>(ready.size()), 100);
            for (int i = 0; i < n; ++i) (void)read(ready[i].data.fd, buffer.data(), buffer.size());
        }
        close(ep);
    });

    pin_to_cpu(0);
    std::string message(static_cast<std::size_t>(bytes), 'x');
    iovec iov{message.data(), message.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    counting_sender sender;
    sender.expected = message.size();
    std::vector<double> fanout_us;
    fanout_us.reserve(static_cast<std::size_t>(messages));
    auto due = steady::now();
    for (int m = 0; m < messages; ++m) {
        due += std::chrono::nanoseconds(1'000'000'000 / rate);
        std::this_thread::sleep_until(due);
        const auto start = steady::now();
        if (ring) {
            for (int fd : pairs.server_side) ring->queue(fd, msg, sender);
            ring->submit();
        } else {
            for (int fd : pairs.server_side) (void)send(fd, message.data(), message.size(), 0);
        }
        fanout_us.push_back(std::chrono::duration<double, std::micro>(steady::now() - start).count());
    }
    stop = true;
    reader.join();

    std::printf(
        "%s: %d connections, %d messages of %d bytes at %d/s: one message to every connection took "
        "p50 %.0f us, p90 %.0f us, p99 %.0f us, max %.0f us (%.1f us per send at p50)\n",
        method.c_str(), connections, messages, bytes, rate, quantile(fanout_us, 0.5),
        quantile(fanout_us, 0.9), quantile(fanout_us, 0.99), quantile(fanout_us, 1.0),
        quantile(fanout_us, 0.5) / connections);
    if (sender.short_or_failed > 0)
        std::printf("%zu ring sends were short or failed (a full socket: the floor is not met)\n",
                    sender.short_or_failed);
    return 0;
}
