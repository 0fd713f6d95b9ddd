// kill -9 over real sockets: the live player serves the reference race,
// `splitstream serve --journal` ingests it, a WebSocket subscriber follows
// /v1/stream. The daemon is SIGKILLed in the middle of the race and started
// again on the same journal; the subscriber resumes with since= and epoch=.
// What the subscriber got must be exactly the offline derived stream
// (nothing lost, nothing twice) and the final race state the clean run's.

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/net.hpp"
#include "tests/replay/replay_test_support.hpp"
#include "tests/support/child_process.hpp"
#include "tests/test_paths.hpp"

extern char** environ;

namespace splitstream::replay {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string binary = SPLITSTREAM_BINARY;
constexpr const char* event_id = "M1500-F";

std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

template <class F>
bool wait_until(F&& done, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(20ms);
    }
    return true;
}

using child = splitstream::testing::child_process;

// The text after `marker` in the log, up to the next space or newline.
std::optional<std::string> logged_after(const fs::path& log, const std::string& marker) {
    const auto text = slurp(log);
    const auto at = text.find(marker);
    if (at == std::string::npos) return std::nullopt;
    const auto from = at + marker.size();
    const auto end = text.find_first_of(" \n", from);
    if (end == std::string::npos) return std::nullopt;
    return text.substr(from, end - from);
}

// A number field of a flat JSON text, e.g. "seq".
std::optional<std::uint64_t> number_field(const std::string& json, const std::string& name) {
    const auto at = json.find("\"" + name + "\":");
    if (at == std::string::npos) return std::nullopt;
    return std::stoull(json.substr(at + name.size() + 3));
}

std::string string_field(const std::string& json, const std::string& name) {
    const auto key = "\"" + name + "\":\"";
    const auto at = json.find(key);
    if (at == std::string::npos) return {};
    const auto from = at + key.size();
    return json.substr(from, json.find('"', from) - from);
}

// A derived event without its stream seq: what must match across runs.
std::string without_seq(const std::string& json) {
    if (!json.starts_with("{\"seq\":")) return json;
    return "{" + json.substr(json.find(',') + 1);
}

// ---------------------------------------------------------------- subscriber

// A blocking WebSocket client with bounded waits, on its own io_context.
class subscriber {
public:
    bool connect(std::uint16_t port, const std::string& target) {
        ws_.emplace(ioc_);
        read_pending_ = false;
        bool done = false;
        beast::error_code result;
        auto& tcp_layer = beast::get_lowest_layer(*ws_);
        tcp_layer.expires_after(5s);
        tcp_layer.async_connect(
            tcp::endpoint(net::ip::make_address("127.0.0.1"), port), [&](beast::error_code ec) {
                if (ec) {
                    result = ec, done = true;
                    return;
                }
                ws_->async_handshake("127.0.0.1", target,
                                     [&](beast::error_code hec) { result = hec, done = true; });
            });
        run_until([&] { return done; }, 10s);
        if (!done) {  // the handlers refer to this frame: let them finish
            tcp_layer.close();
            run_until([&] { return done; }, 2s);
        }
        tcp_layer.expires_never();
        return done && !result;
    }

    // The next message; nullopt when none came within `limit` or the
    // connection is gone (closed() tells which).
    std::optional<std::string> next(std::chrono::milliseconds limit) {
        if (closed_) return std::nullopt;
        if (!read_pending_) {
            read_pending_ = true;
            ws_->async_read(buffer_, [this](beast::error_code ec, std::size_t) {
                read_pending_ = false;
                if (ec) {
                    closed_ = true;
                    return;
                }
                message_ = beast::buffers_to_string(buffer_.data());
                buffer_.consume(buffer_.size());
            });
        }
        run_until([&] { return !read_pending_; }, limit);
        if (read_pending_ || closed_) return std::nullopt;
        return std::move(message_);
    }
    bool closed() const { return closed_; }
    void reset() {
        if (ws_) beast::get_lowest_layer(*ws_).close();
        run_until([&] { return !read_pending_; }, 2s);
        closed_ = false;
        ws_.reset();
        ioc_.restart();
    }

private:
    template <class Pred>
    void run_until(Pred done, std::chrono::milliseconds limit) {
        const auto end = std::chrono::steady_clock::now() + limit;
        while (!done() && std::chrono::steady_clock::now() < end) {
            ioc_.restart();
            ioc_.run_for(10ms);
        }
    }

    net::io_context ioc_;
    std::optional<websocket::stream<beast::tcp_stream>> ws_;
    beast::flat_buffer buffer_;
    std::string message_;
    bool read_pending_ = false;
    bool closed_ = false;
};

// GET on 127.0.0.1; the body, or nullopt.
std::optional<std::string> http_get(std::uint16_t port, const std::string& target) {
    net::io_context ioc;
    beast::tcp_stream stream(ioc);
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1");
    http::response<http::string_body> res;
    beast::flat_buffer buffer;
    std::optional<std::string> body;
    stream.expires_after(5s);
    stream.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), [&](beast::error_code ec) {
        if (ec) return;
        http::async_write(stream, req, [&](beast::error_code wec, std::size_t) {
            if (wec) return;
            http::async_read(stream, buffer, res, [&](beast::error_code rec, std::size_t) {
                if (!rec && res.result() == http::status::ok) body = res.body();
            });
        });
    });
    ioc.run_for(10s);
    return body;
}

std::vector<std::string> offline_stream(const fs::path& feed) {
    std::vector<std::string> out;
    FILE* p = ::popen((binary + " replay " + feed.string() + " --to-stdout -q 2>/dev/null").c_str(), "r");
    if (!p) return out;
    std::string text;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) text.append(buf, n);
    ::pclose(p);
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
        if (!line.empty()) out.push_back(without_seq(line));
    return out;
}

// ---------------------------------------------------------------- the setup

class CrashRecovery : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::path(::testing::TempDir()) / ("splitstream-crash-itest-" + std::to_string(::getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        // The reference race with the official result moved from half an
        // hour after the race to ten seconds after the unofficial one, so a
        // fast replay of the whole race takes seconds.
        feed_ = dir_ / "race.jsonl";
        std::ifstream in(test_paths::reference_feed());
        std::ofstream out(feed_);
        for (std::string line; std::getline(in, line);) {
            if (line.find("\"status\":\"official\"") != std::string::npos) {
                const auto at = line.find("19:49:35.408Z");
                if (at != std::string::npos) line.replace(at, 13, "19:20:30.408Z");
            }
            out << line << '\n';
        }
    }
    void TearDown() override {
        players_.clear();
        daemons_.clear();
        std::error_code ignored;
        fs::remove_all(dir_, ignored);
    }

    // A live player of the race at `speed`; its feed URL.
    std::string start_player(const std::string& speed, const std::string& name) {
        const auto log = dir_ / (name + ".log");
        players_.push_back(
            std::make_unique<child>(std::vector<std::string>{binary, "replay", feed_.string(), "--serve",
                                                             "127.0.0.1:0", "--speed", speed},
                                    log));
        std::optional<std::string> url;
        EXPECT_TRUE(wait_until([&] { return (url = logged_after(log, "ws://")).has_value(); }, 20s))
            << slurp(log);
        return url ? "ws://" + *url + (url->ends_with("/") ? "" : "/") + "feed" : std::string();
    }

    struct served {
        std::uint16_t port = 0;
        std::string epoch;
    };

    // The daemon on an ephemeral port (read back from its log).
    served start_daemon(const std::string& upstream, const std::string& name, bool journal) {
        const auto log = dir_ / (name + ".log");
        std::vector<std::string> args{binary,
                                      "serve",
                                      "--upstream",
                                      upstream,
                                      "--listen",
                                      "127.0.0.1:0",
                                      "--web-dir",
                                      "",
                                      "--reconnect-initial-ms",
                                      "20",
                                      "--reconnect-max-ms",
                                      "200"};
        if (journal) {
            args.push_back("--journal");
            args.push_back((dir_ / "journal").string());
        }
        daemons_.push_back(std::make_unique<child>(args, log));
        served s;
        std::optional<std::string> port;
        EXPECT_TRUE(wait_until([&] { return (port = logged_after(log, " on 127.0.0.1:")).has_value(); }, 20s))
            << slurp(log);
        if (port) s.port = static_cast<std::uint16_t>(std::stoi(*port));
        s.epoch = logged_after(log, "serving epoch ").value_or("");
        return s;
    }

    std::optional<std::string> official_state(std::uint16_t port) {
        std::optional<std::string> state;
        wait_until(
            [&] {
                state = http_get(port, std::string("/v1/events/") + event_id);
                return state && state->find("\"official\"") != std::string::npos;
            },
            30s);
        return state;
    }

    fs::path dir_;
    fs::path feed_;
    std::vector<std::unique_ptr<child>> players_;
    std::vector<std::unique_ptr<child>> daemons_;
};

bool is_official_results(const std::string& json) {
    return string_field(json, "type") == "results" && json.find("\"official\":true") != std::string::npos;
}

TEST_F(CrashRecovery, KilledDaemonRestartedOnItsJournalLosesAndRepeatsNothing) {
    const auto expected = offline_stream(feed_);
    ASSERT_GT(expected.size(), 150u);

    const auto upstream = start_player("40", "player");
    ASSERT_FALSE(upstream.empty());
    const auto first = start_daemon(upstream, "serve-1", true);
    ASSERT_NE(first.port, 0);

    subscriber sub;
    std::vector<std::string> received;  // derived events, as sent
    std::string epoch;
    auto read_hello = [&] {
        auto hello = sub.next(10s);
        ASSERT_TRUE(hello.has_value());
        ASSERT_EQ(string_field(*hello, "type"), "hello") << *hello;
        EXPECT_NE(hello->find("\"resume\":true"), std::string::npos)
            << "a subscriber within the history is resumed, never given snapshots: " << *hello;
        if (epoch.empty()) epoch = string_field(*hello, "epoch");
        EXPECT_EQ(string_field(*hello, "epoch"), epoch);
    };
    ASSERT_TRUE(sub.connect(first.port, "/v1/stream?since=0"));
    read_hello();

    // Follow the race until about a third of the splits are in, then kill.
    int splits = 0;
    const auto race_deadline = std::chrono::steady_clock::now() + 60s;
    while (splits < 50 && std::chrono::steady_clock::now() < race_deadline) {
        if (auto m = sub.next(100ms)) {
            splits += string_field(*m, "type") == "split";
            received.push_back(std::move(*m));
        }
        ASSERT_FALSE(sub.closed());
    }
    ASSERT_EQ(splits, 50);
    ASSERT_FALSE(std::any_of(received.begin(), received.end(), is_official_results))
        << "the kill must come before the end of the race";
    daemons_.back()->stop(SIGKILL);

    // The subscriber sees the connection go; what it had is kept.
    while (!sub.closed()) {
        auto m = sub.next(5s);
        if (!m) break;
        received.push_back(std::move(*m));
    }
    ASSERT_TRUE(sub.closed());
    sub.reset();

    const auto second = start_daemon(upstream, "serve-2", true);
    ASSERT_NE(second.port, 0);
    EXPECT_EQ(second.epoch, first.epoch) << "a restart on the same journal keeps the stream epoch";
    const auto since = number_field(received.back(), "seq").value_or(0);
    ASSERT_TRUE(sub.connect(second.port, "/v1/stream?since=" + std::to_string(since) + "&epoch=" + epoch));
    read_hello();

    const auto end_deadline = std::chrono::steady_clock::now() + 60s;
    while (!is_official_results(received.back()) && std::chrono::steady_clock::now() < end_deadline) {
        if (auto m = sub.next(100ms)) received.push_back(std::move(*m));
        ASSERT_FALSE(sub.closed()) << slurp(dir_ / "serve-2.log");
    }
    ASSERT_TRUE(is_official_results(received.back())) << slurp(dir_ / "serve-2.log");

    // Nothing lost, nothing twice: the stream seqs run 1, 2, 3, ... across
    // the restart, and the race events are the offline stream's.
    std::vector<std::string> race_events;
    for (std::size_t i = 0; i < received.size(); ++i) {
        ASSERT_EQ(number_field(received[i], "seq"), i + 1) << received[i];
        if (string_field(received[i], "type") != "feed") race_events.push_back(without_seq(received[i]));
    }
    EXPECT_EQ(race_events, expected);

    // The final state equals a clean run's (no journal, no crash).
    const auto recovered_state = official_state(second.port);
    ASSERT_TRUE(recovered_state.has_value());
    const auto clean_upstream = start_player("max", "player-clean");
    const auto clean = start_daemon(clean_upstream, "serve-clean", false);
    const auto clean_state = official_state(clean.port);
    ASSERT_TRUE(clean_state.has_value());
    EXPECT_EQ(*recovered_state, *clean_state);
}

}  // namespace
}  // namespace splitstream::replay
