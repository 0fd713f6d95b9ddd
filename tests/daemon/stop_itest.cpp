// Ctrl-C on `splitstream serve` and `splitstream tail` as a user presses it:
// each process is gone well within a second when its peers answer at once
// (issue 22: the demo took 6.5 s to stop).

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <regex>
#include <thread>

#include "base/net.hpp"
#include "tests/support/child_process.hpp"
#include "tests/test_paths.hpp"

namespace splitstream {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::child_process;
using testing::eventually;
using testing::slurp;

fs::path scratch(const std::string& name) {
    auto dir = fs::path(::testing::TempDir()) / ("splitstream-stop-" + std::to_string(::getpid()) + name);
    fs::create_directories(dir);
    return dir;
}

// `splitstream serve` on ephemeral ports of 127.0.0.1, fed by nobody (a
// push listener that nothing connects to); its subscriber port read back
// from its log.
struct serve_process {
    fs::path dir;
    child_process proc;
    std::uint16_t port = 0;

    explicit serve_process(const fs::path& d, const std::string& threads = "1")
        : dir(d),
          proc({SPLITSTREAM_BINARY, "serve", "--feed-listen", "127.0.0.1:0", "--feed-token", "t", "--listen",
                "127.0.0.1:0", "--threads", threads},
               d / "serve.out", d / "serve.err") {
        const std::regex serving(R"(serving epoch \S+ on 127\.0\.0\.1:(\d+))");
        eventually(
            [&] {
                std::smatch m;
                const auto log = slurp(dir / "serve.err");
                if (!std::regex_search(log, m, serving)) return false;
                port = static_cast<std::uint16_t>(std::stoi(m[1]));
                return true;
            },
            10s);
    }
};

// WebSocket subscribers on a thread of their own, each reading until its
// connection ends, as a browser or a tail would: they answer the server's
// close frame at once.
class subscribers {
public:
    subscribers(std::uint16_t port, int n) {
        for (int i = 0; i < n; ++i) {
            auto ws = std::make_shared<websocket::stream<beast::tcp_stream>>(ioc_);
            auto buffer = std::make_shared<beast::flat_buffer>();
            beast::get_lowest_layer(*ws).async_connect(
                tcp::endpoint(net::ip::make_address("127.0.0.1"), port),
                [this, ws, buffer](beast::error_code ec) {
                    if (ec) return;
                    ws->async_handshake("127.0.0.1", "/v1/stream", [this, ws, buffer](beast::error_code hec) {
                        if (hec) return;
                        ++open_;
                        read(ws, buffer);
                    });
                });
        }
        thread_ = std::thread([this] { ioc_.run_for(30s); });
    }
    ~subscribers() {
        ioc_.stop();
        thread_.join();
    }
    int open() const { return open_; }
    int closed_going_away() const { return going_away_; }

private:
    void read(std::shared_ptr<websocket::stream<beast::tcp_stream>> ws,
              std::shared_ptr<beast::flat_buffer> buffer) {
        ws->async_read(*buffer, [this, ws, buffer](beast::error_code ec, std::size_t) {
            if (!ec) {
                buffer->clear();
                return read(ws, buffer);
            }
            --open_;
            if (ec == websocket::error::closed && ws->reason().code == websocket::close_code::going_away)
                ++going_away_;
        });
    }

    net::io_context ioc_{1};
    std::atomic<int> open_{0};
    std::atomic<int> going_away_{0};
    std::thread thread_;
};

// With one publish thread, and with three (the subscribers spread over the
// loop and two more threads, which must close theirs and end too).
class StopThreads : public ::testing::TestWithParam<const char*> {};

TEST_P(StopThreads, ServeWithAHundredSubscribersEndsWithinASecondOfSigint) {
    const auto dir = scratch(std::string("serve") + GetParam());
    serve_process serve(dir, GetParam());
    ASSERT_NE(serve.port, 0) << slurp(dir / "serve.err");
    subscribers subs(serve.port, 100);
    ASSERT_TRUE(eventually([&] { return subs.open() == 100; }, 20s)) << subs.open() << " connected";

    const auto sent = std::chrono::steady_clock::now();
    serve.proc.signal(SIGINT);
    const auto status = serve.proc.wait_for_exit(10s);
    const auto took = std::chrono::steady_clock::now() - sent;

    RecordProperty("stop_ms",
                   static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
    ASSERT_TRUE(status.has_value()) << "serve still running 10 s after SIGINT";
    EXPECT_EQ(*status, 0);
    EXPECT_LT(took, 1s) << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";
    EXPECT_TRUE(eventually([&] { return subs.closed_going_away() == 100; }, 5s))
        << subs.closed_going_away() << " of 100 closed with 1001";
}

INSTANTIATE_TEST_SUITE_P(Stop, StopThreads, ::testing::Values("1", "3"),
                         [](const auto& info) { return std::string(info.param) + "_threads"; });

TEST(Stop, TailEndsWithinASecondOfSigint) {
    const auto dir = scratch("tail");
    serve_process serve(dir);
    ASSERT_NE(serve.port, 0) << slurp(dir / "serve.err");
    child_process tail(
        {SPLITSTREAM_BINARY, "tail", "ws://127.0.0.1:" + std::to_string(serve.port), "--log-level", "debug"},
        dir / "tail.out", dir / "tail.err");
    ASSERT_TRUE(
        eventually([&] { return slurp(dir / "tail.err").find("connected to") != std::string::npos; }, 10s))
        << slurp(dir / "tail.err");

    const auto sent = std::chrono::steady_clock::now();
    tail.signal(SIGINT);
    const auto status = tail.wait_for_exit(10s);
    const auto took = std::chrono::steady_clock::now() - sent;

    RecordProperty("stop_ms",
                   static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
    ASSERT_TRUE(status.has_value()) << "tail still running 10 s after SIGINT";
    EXPECT_EQ(*status, 0);
    EXPECT_LT(took, 1s) << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";
}

}  // namespace
}  // namespace splitstream
