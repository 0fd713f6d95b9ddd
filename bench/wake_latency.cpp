// How long a frame waits for the core that reads it to wake, with nothing
// else in the way: one thread on CPU 1 writes a 300-byte message stamped
// with the monotonic clock every GAP microseconds over one loopback TCP
// connection; an Asio loop on CPU 0, as the daemon's, reads each and
// records the time from the stamp to its read. Between messages the
// reading core has nothing to do: on bare metal it wakes in microseconds,
// on a virtual machine the hypervisor decides. With KEEP_AWAKE_MS above 0
// the reader runs the daemon's keep-awake thread (`serve --keep-awake-ms`,
// daemon/keep_awake.hpp). docs/benchmarks.md, "Where (a)'s tail comes
// from", has the figures.
//
//   wake_latency [seconds] [gap_us] [keep_awake_ms]
//   defaults:     10        1000     0

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "base/net.hpp"
#include "bench/pin_thread.hpp"
#include "daemon/keep_awake.hpp"
#include "daemon/wall_clock.hpp"

namespace {

using namespace splitstream;
constexpr std::size_t message_bytes = 300;

using splitstream::bench::pin_to_cpu;

double thread_cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

// Writes `count` stamped messages, one every `gap`, on its own schedule
// (absolute deadlines: a late wake does not shift the rest).
void send_stamped(tcp::socket& sock, int count, std::chrono::microseconds gap) {
    pin_to_cpu(1);
    std::array<char, message_bytes> message{};
    timespec next{};
    clock_gettime(CLOCK_MONOTONIC, &next);
    for (int i = 0; i < count; ++i) {
        next.tv_nsec += static_cast<long>(gap.count()) * 1000;
        while (next.tv_nsec >= 1'000'000'000) {
            next.tv_nsec -= 1'000'000'000;
            ++next.tv_sec;
        }
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, nullptr);
        const std::int64_t stamp = daemon::steady_now_ns();
        std::memcpy(message.data(), &stamp, sizeof stamp);
        beast::error_code ec;
        net::write(sock, net::buffer(message), ec);
        if (ec) return;
    }
}

// The Asio loop's side: reads each message, records stamp -> read.
class reader {
public:
    reader(tcp::socket sock, int count, daemon::keep_awake* awake)
        : sock_(std::move(sock)), count_(count), awake_(awake) {
        waits_ns_.reserve(static_cast<std::size_t>(count));
    }
    void start() { read_next(); }
    const std::vector<std::int64_t>& waits_ns() const { return waits_ns_; }

private:
    void read_next() {
        if (static_cast<int>(waits_ns_.size()) == count_) return;
        net::async_read(sock_, net::buffer(buffer_), [this](beast::error_code ec, std::size_t) {
            if (ec) return;
            const std::int64_t read_at = daemon::steady_now_ns();
            if (awake_) awake_->frame_arrived();
            std::int64_t stamp = 0;
            std::memcpy(&stamp, buffer_.data(), sizeof stamp);
            waits_ns_.push_back(read_at - stamp);
            read_next();
        });
    }

    tcp::socket sock_;
    int count_;
    daemon::keep_awake* awake_;
    std::array<char, message_bytes> buffer_{};
    std::vector<std::int64_t> waits_ns_;
};

double quantile_us(std::vector<std::int64_t> sorted, double q) {
    if (sorted.empty()) return 0;
    const auto i = std::min(sorted.size() - 1, static_cast<std::size_t>(q * double(sorted.size())));
    return double(sorted[i]) / 1e3;
}

}  // namespace

int main(int argc, char** argv) {
    const int seconds = argc > 1 ? std::atoi(argv[1]) : 10;
    const auto gap = std::chrono::microseconds(argc > 2 ? std::atoi(argv[2]) : 1000);
    const auto keep_awake_ms = std::chrono::milliseconds(argc > 3 ? std::atoi(argv[3]) : 0);
    if (seconds <= 0 || gap.count() <= 0 || keep_awake_ms.count() < 0) {
        std::fprintf(stderr, "usage: wake_latency [seconds] [gap_us] [keep_awake_ms]\n");
        return 2;
    }
    const int count = static_cast<int>(std::chrono::seconds(seconds) / gap);
    pin_to_cpu(0);

    net::io_context ioc{1};
    tcp::acceptor acceptor(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    tcp::socket sender(ioc);
    sender.connect(acceptor.local_endpoint());
    sender.set_option(tcp::no_delay(true));
    tcp::socket receiving = acceptor.accept();

    std::optional<daemon::keep_awake> awake;
    if (keep_awake_ms.count() > 0) awake.emplace(keep_awake_ms);
    reader r(std::move(receiving), count, awake ? &*awake : nullptr);
    r.start();
    std::thread writer([&] { send_stamped(sender, count, gap); });
    const double cpu_before = thread_cpu_seconds();
    const auto started = std::chrono::steady_clock::now();
    ioc.run();
    const double loop_cpu = thread_cpu_seconds() - cpu_before;
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    writer.join();

    auto waits = r.waits_ns();
    std::sort(waits.begin(), waits.end());
    const auto over = [&](std::int64_t ns) {
        return 100.0 * double(waits.end() - std::upper_bound(waits.begin(), waits.end(), ns)) /
               double(std::max<std::size_t>(1, waits.size()));
    };
    std::printf("messages %zu, one every %lld us, keep-awake %lld ms\n", waits.size(),
                static_cast<long long>(gap.count()), static_cast<long long>(keep_awake_ms.count()));
    std::printf("write -> read us: p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f\n",
                quantile_us(waits, 0.5), quantile_us(waits, 0.9), quantile_us(waits, 0.99),
                quantile_us(waits, 0.999), waits.empty() ? 0.0 : double(waits.back()) / 1e3);
    std::printf("over 0.1 ms %.2f %%, over 1 ms %.2f %%, over 2 ms %.2f %%\n", over(100'000), over(1'000'000),
                over(2'000'000));
    std::printf("reading loop CPU %.1f %% of its core; keep-awake thread %.1f %%\n", 100.0 * loop_cpu / wall,
                awake ? 100.0 * std::chrono::duration<double>(awake->cpu_time()).count() / wall : 0.0);
    return 0;
}
