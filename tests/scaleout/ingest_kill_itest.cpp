// Two `splitstream serve --nats` processes on the same upstream, each
// killed with SIGKILL mid-race (one started again): the stream still holds
// every frame of the race exactly once, in order.

#include <gtest/gtest.h>

#include <csignal>
#include <regex>
#include <thread>

#include "tests/scaleout/scaleout_test_support.hpp"
#include "tests/test_paths.hpp"

namespace splitstream::scaleout::testing {
namespace {

using splitstream::testing::child_process;
using splitstream::testing::eventually;
using splitstream::testing::slurp;

// A timing upstream whose race runs in real time: frame i is sent `gap` x i
// after the start, to every connection, after the `since=` it asked for.
class live_upstream {
public:
    live_upstream(std::vector<std::string> frames, std::chrono::milliseconds gap)
        : frames_(std::move(frames)),
          gap_(gap),
          acceptor_(ioc_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)),
          start_(std::chrono::steady_clock::now()) {
        net::co_spawn(ioc_, accept_loop(), net::detached);
        thread_ = std::thread([this] { ioc_.run(); });
    }
    ~live_upstream() {
        ioc_.stop();
        thread_.join();
    }
    std::string url() const {
        return "ws://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/feed";
    }
    std::chrono::steady_clock::time_point end() const {
        return start_ + gap_ * static_cast<int>(frames_.size());
    }

private:
    net::awaitable<void> accept_loop() {
        for (;;) {
            auto socket = co_await acceptor_.async_accept(net::use_awaitable);
            net::co_spawn(ioc_, serve(std::move(socket)), net::detached);
        }
    }
    net::awaitable<void> serve(tcp::socket socket) {
        websocket::stream<beast::tcp_stream> ws(std::move(socket));
        beast::flat_buffer buffer;
        http::request<http::empty_body> req;
        co_await http::async_read(ws.next_layer(), buffer, req, net::use_awaitable);
        const std::string target(req.target());
        std::size_t since = 0;
        if (auto at = target.find("since="); at != std::string::npos)
            since = std::stoull(target.substr(at + 6));
        co_await ws.async_accept(req, net::use_awaitable);
        co_await ws.async_write(net::buffer(frames_.front()), net::use_awaitable);
        net::steady_timer timer(ioc_);
        for (std::size_t i = std::max<std::size_t>(since, 1); i < frames_.size(); ++i) {
            timer.expires_at(start_ + gap_ * static_cast<int>(i));
            co_await timer.async_wait(net::use_awaitable);
            co_await ws.async_write(net::buffer(frames_[i]), net::use_awaitable);
        }
        for (;;) {
            beast::flat_buffer in;
            co_await ws.async_read(in, net::use_awaitable);
        }
    }

    std::vector<std::string> frames_;
    std::chrono::milliseconds gap_;
    net::io_context ioc_;
    tcp::acceptor acceptor_;
    std::chrono::steady_clock::time_point start_;
    std::thread thread_;
};

// `splitstream serve --upstream URL --nats URL` as a process; ready once
// its log says it serves.
std::unique_ptr<child_process> start_ingest_node(const fs::path& dir, const std::string& name,
                                                 const std::string& upstream, const std::string& nats) {
    auto proc = std::make_unique<child_process>(
        std::vector<std::string>{SPLITSTREAM_BINARY, "serve", "--upstream", upstream, "--nats", nats,
                                 "--listen", "127.0.0.1:0"},
        dir / (name + ".out"), dir / (name + ".err"));
    const std::regex serving(R"(serving the stream of NATS)");
    EXPECT_TRUE(eventually([&] { return std::regex_search(slurp(dir / (name + ".err")), serving); }, 10s))
        << slurp(dir / (name + ".err"));
    return proc;
}

TEST(ScaleOutProcesses, EitherIngestNodeKilledMidRaceLosesAndDoublesNothing) {
    SKIP_WITHOUT_NATS_SERVER();
    const auto dir = scratch_dir("kill-ingest");
    nats_server server("n1", dir);
    server.start();
    ASSERT_TRUE(server.wait_healthy());

    const auto frames = reference_frames();
    live_upstream upstream(frames, 15ms);  // the race lasts ~2.8 s
    auto a = start_ingest_node(dir, "a", upstream.url(), server.url());
    auto b = start_ingest_node(dir, "b", upstream.url(), server.url());

    const auto third = (upstream.end() - std::chrono::steady_clock::now()) / 3;
    std::this_thread::sleep_for(third);
    a->stop(SIGKILL);
    a = start_ingest_node(dir, "a2", upstream.url(), server.url());
    std::this_thread::sleep_for(third);
    b->stop(SIGKILL);

    std::vector<std::string> ids;
    EXPECT_TRUE(eventually(
        [&] {
            if (auto now = stored_ids({server.url()}, scaleout::nats_options{}.stream)) ids = std::move(*now);
            return ids.size() >= frames.size() - 1 && std::chrono::steady_clock::now() > upstream.end();
        },
        20s));
    std::this_thread::sleep_for(300ms);  // a copy stored late would show now
    if (auto now = stored_ids({server.url()}, scaleout::nats_options{}.stream)) ids = std::move(*now);
    EXPECT_TRUE(one_copy_each(ids, reference_epoch, first_data_seq, frames.size())) << slurp(dir / "a2.err");
}

}  // namespace
}  // namespace splitstream::scaleout::testing
