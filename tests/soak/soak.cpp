// splitstream-soak: the simulator's championship session with every fault
// type against `splitstream serve --journal`, hundreds of subscribers (some
// stall, some drop and resume at random), and a kill -9 + restart of the
// daemon in the middle. At the end of each round it checks:
//   - every subscriber has the derived stream of the offline replay of the
//     clean feed (non-`feed` events, seq aside): nothing lost, nothing twice;
//   - the daemon's VmRSS stayed under --rss-limit-mib;
//   - its descriptor count is back to its baseline once subscribers leave;
//   - its log names the faults it saw (rejected frames, gaps, upstream
//     disconnects) and it counted the duplicates.
// `--duration-s` repeats rounds (seed + 1 each) for hours.
//
// Exit status: 0 when every check held, 1 otherwise (each failure printed).

#include <fcntl.h>
#include <signal.h>
#include <simdjson.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/net.hpp"

namespace fs = std::filesystem;
using namespace splitstream;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

struct soak_options {
    std::string binary;
    std::string work = "soak-work";
    std::uint64_t seed = 7;
    int speed = 40;
    int subscribers = 200;
    double duration_s = 0;  // 0: one round
    std::size_t rss_limit_mib = 256;
    double round_limit_s = 240;
};

std::vector<std::string> failures;
void fail(const std::string& what) {
    std::cerr << "FAIL: " << what << "\n";
    failures.push_back(what);
}

// --- processes -------------------------------------------------------------

pid_t spawn(const std::vector<std::string>& args, const fs::path& log) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            ::dup2(fd, 1);
            ::dup2(fd, 2);
            ::close(fd);
        }
        // Not the soak's own subscriber sockets: a daemon that inherited
        // them would keep those connections open after the soak drops them.
        ::close_range(3, ~0U, 0);
        std::vector<char*> argv;
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    return pid;
}

int run_to_file(const std::vector<std::string>& args, const fs::path& out) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) ::dup2(fd, 1);
        ::close_range(3, ~0U, 0);
        std::vector<char*> argv;
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void stop(pid_t pid, int sig) {
    if (pid <= 0) return;
    ::kill(pid, sig);
    for (int i = 0; i < 100; ++i) {
        if (::waitpid(pid, nullptr, WNOHANG) == pid) return;
        std::this_thread::sleep_for(50ms);
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
}

std::size_t rss_kib(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(in, line);)
        if (line.rfind("VmRSS:", 0) == 0) return std::stoul(line.substr(6));
    return 0;
}

std::size_t open_fds(pid_t pid) {
    std::error_code ec;
    std::size_t n = 0;
    for (auto it = fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec);
         !ec && it != fs::directory_iterator(); it.increment(ec))
        ++n;
    return n;
}

std::uint16_t free_port() {
    net::io_context ioc;
    tcp::acceptor a(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    return a.local_endpoint().port();
}

bool port_open(std::uint16_t port) {
    net::io_context ioc;
    tcp::socket s(ioc);
    beast::error_code ec;
    s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
    return !ec;
}

// A blocking GET of the daemon's `path`; the body, or empty on failure.
std::string http_get(std::uint16_t port, const std::string& path) {
    try {
        net::io_context ioc;
        beast::tcp_stream stream(ioc);
        stream.expires_after(5s);
        stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
        http::request<http::empty_body> req{http::verb::get, path, 11};
        req.set(http::field::host, "127.0.0.1");
        http::write(stream, req);
        beast::flat_buffer buf;
        http::response<http::string_body> res;
        http::read(stream, buf, res);
        return res.body();
    } catch (const std::exception&) {
        return {};
    }
}

// The sum of every sample of `metric` in Prometheus text.
double metric_sum(const std::string& text, const std::string& metric) {
    double sum = 0;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(metric, 0) != 0) continue;
        const auto rest = line.substr(metric.size());
        if (rest.empty() || (rest[0] != ' ' && rest[0] != '{')) continue;
        sum += std::stod(line.substr(line.rfind(' ') + 1));
    }
    return sum;
}

// `{"seq":N,...}` -> `{...}` so that streams with different feed notices
// compare by their race events alone.
std::string without_seq(std::string_view json) {
    const auto at = json.find("\"seq\":");
    if (at == std::string_view::npos) return std::string(json);
    auto end = at + 6;
    while (end < json.size() && json[end] >= '0' && json[end] <= '9') ++end;
    if (end < json.size() && json[end] == ',') ++end;
    return std::string(json.substr(0, at)) + std::string(json.substr(end));
}

// --- subscribers -----------------------------------------------------------

enum class behaviour { steady, flaky, staller };

struct shared_state {
    net::io_context& ioc;
    std::uint16_t port;
    bool daemon_up = false;  // gate for (re)connects during a restart
    bool finishing = false;
};

class subscriber : public std::enable_shared_from_this<subscriber> {
public:
    subscriber(shared_state& s, behaviour b, std::uint64_t seed)
        : s_(s), kind_(b), rng_(seed), timer_(s.ioc), fault_timer_(s.ioc) {}

    std::vector<std::string> got;  // race events, seq stripped, in order
    std::uint64_t last_seq = 0;
    std::string epoch;
    int connects = 0;
    int unresumed = 0;  // hellos with resume:false after the first
    int twice = 0;      // derived events at or below the last seq seen
    int slow_closes = 0;
    bool done = false;

    void start() { schedule_connect(0ms); }
    void finish() {
        done = true;
        timer_.cancel();
        fault_timer_.cancel();
        if (ws_) {
            beast::error_code ec;
            beast::get_lowest_layer(*ws_).socket().close(ec);
        }
    }

private:
    void schedule_connect(std::chrono::milliseconds after) {
        if (done) return;
        timer_.expires_after(after);
        timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
            if (!ec) self->connect();
        });
    }

    void connect() {
        if (done) return;
        if (!s_.daemon_up) return schedule_connect(100ms);
        ws_ = std::make_unique<websocket::stream<beast::tcp_stream>>(s_.ioc);
        ws_->read_message_max(4 << 20);
        target_ = "/v1/stream?since=" + std::to_string(last_seq);
        if (!epoch.empty()) target_ += "&epoch=" + epoch;
        beast::get_lowest_layer(*ws_).expires_after(5s);
        beast::get_lowest_layer(*ws_).async_connect(
            tcp::endpoint(net::ip::make_address("127.0.0.1"), s_.port),
            [self = shared_from_this(), gen = ++generation_](beast::error_code ec) {
                if (gen != self->generation_) return;
                if (ec) return self->lost();
                self->ws_->async_handshake("127.0.0.1", self->target_, [self, gen](beast::error_code ec) {
                    if (gen != self->generation_) return;
                    if (ec) return self->lost();
                    beast::get_lowest_layer(*self->ws_).expires_never();
                    self->ws_->set_option(
                        websocket::stream_base::timeout::suggested(beast::role_type::client));
                    ++self->connects;
                    self->arm_fault();
                    self->read();
                });
            });
    }

    void arm_fault() {
        if (kind_ == behaviour::steady) return;
        std::uniform_int_distribution<int> ms(500, 4000);
        fault_timer_.expires_after(std::chrono::milliseconds(ms(rng_)));
        fault_timer_.async_wait([self = shared_from_this(), gen = generation_](beast::error_code ec) {
            if (ec || gen != self->generation_ || self->done) return;
            if (self->kind_ == behaviour::flaky) {
                // Drop the connection without a close handshake, resume later.
                beast::error_code ignored;
                beast::get_lowest_layer(*self->ws_).socket().close(ignored);
            } else {
                // Stop reading for a while: the daemon's queue fills up.
                self->stalled_ = true;
                self->fault_timer_.expires_after(std::chrono::milliseconds(3000));
                self->fault_timer_.async_wait([self, gen](beast::error_code ec) {
                    if (ec || gen != self->generation_) return;
                    self->stalled_ = false;
                    if (self->pending_read_) {
                        self->pending_read_ = false;
                        self->read();
                    }
                    self->arm_fault();
                });
            }
        });
    }

    void read() {
        if (done) return;
        if (stalled_) {
            pending_read_ = true;
            return;
        }
        ws_->async_read(buffer_,
                        [self = shared_from_this(), gen = generation_](beast::error_code ec, std::size_t) {
                            if (gen != self->generation_) return;
                            if (ec) {
                                if (self->ws_->reason().code == 4008) ++self->slow_closes;
                                return self->lost();
                            }
                            self->on_message(beast::buffers_to_string(self->buffer_.data()));
                            self->buffer_.consume(self->buffer_.size());
                            self->read();
                        });
    }

    void on_message(const std::string& text) {
        simdjson::dom::element doc;
        if (parser_.parse(text).get(doc) != simdjson::SUCCESS) return;
        std::string_view type;
        if (doc["type"].get_string().get(type) != simdjson::SUCCESS) return;
        if (type == "hello") {
            bool resume = false;
            std::string_view e;
            if (doc["resume"].get_bool().get(resume) != simdjson::SUCCESS) resume = false;
            if (doc["epoch"].get_string().get(e) == simdjson::SUCCESS) epoch = std::string(e);
            if (!resume) ++unresumed;
            return;
        }
        if (type == "snapshot" || type == "pong" || type == "error" || type == "subscribed") return;
        std::uint64_t seq = 0;
        if (doc["seq"].get_uint64().get(seq) != simdjson::SUCCESS) return;
        if (seq <= last_seq) {
            ++twice;
            return;
        }
        last_seq = seq;
        if (type != "feed") got.push_back(without_seq(text));
    }

    void lost() {
        ++generation_;
        fault_timer_.cancel();
        stalled_ = pending_read_ = false;
        if (ws_) {
            beast::error_code ec;
            beast::get_lowest_layer(*ws_).socket().close(ec);
        }
        std::uniform_int_distribution<int> ms(20, 400);
        schedule_connect(std::chrono::milliseconds(ms(rng_)));
    }

    shared_state& s_;
    behaviour kind_;
    std::mt19937_64 rng_;
    net::steady_timer timer_;
    net::steady_timer fault_timer_;
    std::unique_ptr<websocket::stream<beast::tcp_stream>> ws_;
    std::string target_;
    beast::flat_buffer buffer_;
    simdjson::dom::parser parser_;
    std::uint64_t generation_ = 0;
    bool stalled_ = false;
    bool pending_read_ = false;
};

// --- one round -------------------------------------------------------------

std::vector<std::string> expected_stream(const soak_options& o, const fs::path& dir, std::uint64_t seed) {
    const auto clean = dir / "clean.jsonl";
    const auto derived = dir / "expected.jsonl";
    if (run_to_file({o.binary, "sim", "--seed", std::to_string(seed), "--out", clean.string()},
                    dir / "sim-out.log") != 0 ||
        run_to_file({o.binary, "replay", clean.string(), "--to-stdout", "--quiet"}, derived) != 0) {
        fail("could not make the clean feed and its offline replay");
        return {};
    }
    std::vector<std::string> out;
    std::ifstream in(derived);
    for (std::string line; std::getline(in, line);)
        if (line.find("\"type\":\"feed\"") == std::string::npos) out.push_back(without_seq(line));
    return out;
}

std::size_t count_lines_with(const fs::path& log, const std::string& needle) {
    std::ifstream in(log);
    std::size_t n = 0;
    for (std::string line; std::getline(in, line);) n += line.find(needle) != std::string::npos;
    return n;
}

void run_round(const soak_options& o, std::uint64_t seed) {
    const fs::path dir = fs::absolute(fs::path(o.work) / ("round-" + std::to_string(seed)));
    fs::remove_all(dir);
    fs::create_directories(dir);
    const auto expected = expected_stream(o, dir, seed);
    if (expected.empty()) return;
    std::cout << "round seed " << seed << ": " << expected.size() << " race events expected\n";

    const auto feed_port = free_port();
    const auto port = free_port();
    const std::vector<std::string> sim_args = {o.binary,          "sim",
                                               "--seed",          std::to_string(seed),
                                               "--serve",         "127.0.0.1:" + std::to_string(feed_port),
                                               "--speed",         std::to_string(o.speed),
                                               "--drop-rate",     "0.01",
                                               "--dup-rate",      "0.02",
                                               "--reorder-rate",  "0.02",
                                               "--corrupt-rate",  "0.01",
                                               "--disconnect-at", "150,400"};
    const std::vector<std::string> serve_args = {
        o.binary,           "serve",
        "--upstream",       "ws://127.0.0.1:" + std::to_string(feed_port) + "/",
        "--listen",         "127.0.0.1:" + std::to_string(port),
        "--journal",        (dir / "journal").string(),
        "--queue-messages", "32",
        "--history-events", "1000000",
        "--web-dir",        "",
        "--log-level",      "info"};
    const auto daemon_log = dir / "daemon.log";

    net::io_context ioc;
    shared_state shared{ioc, port};
    const pid_t sim = spawn(sim_args, dir / "sim.log");
    pid_t daemon = spawn(serve_args, daemon_log);
    const auto round_deadline = clock_type::now() + std::chrono::duration<double>(o.round_limit_s);
    auto wait_up = [&] {
        while (clock_type::now() < round_deadline && !port_open(port)) std::this_thread::sleep_for(20ms);
    };
    wait_up();
    std::this_thread::sleep_for(200ms);
    std::size_t fd_baseline = open_fds(daemon);
    shared.daemon_up = true;

    std::vector<std::shared_ptr<subscriber>> subs;
    for (int i = 0; i < o.subscribers; ++i) {
        const auto b = i % 10 < 6 ? behaviour::steady : i % 10 < 9 ? behaviour::flaky : behaviour::staller;
        subs.push_back(std::make_shared<subscriber>(shared, b, seed * 1000 + static_cast<std::uint64_t>(i)));
        subs.back()->start();
    }

    std::size_t max_rss = 0;
    bool killed = false;
    auto complete = [&] {
        return std::all_of(subs.begin(), subs.end(),
                           [&](auto& s) { return s->got.size() >= expected.size(); });
    };
    std::size_t progress = 0;
    auto last_progress = clock_type::now();
    while (clock_type::now() < round_deadline && !complete()) {
        ioc.run_for(100ms);
        std::size_t total = 0;
        for (const auto& s : subs) total += s->got.size();
        if (total != progress) {
            progress = total;
            last_progress = clock_type::now();
        } else if (killed && clock_type::now() - last_progress > 20s) {
            break;  // nothing more is coming: report what is missing
        }
        max_rss = std::max(max_rss, rss_kib(daemon));
        // kill -9 once the steady subscribers have about half the session.
        if (!killed && subs[0]->got.size() >= expected.size() / 2) {
            killed = true;
            std::cout << "kill -9 the daemon at " << subs[0]->got.size() << " race events\n";
            shared.daemon_up = false;
            ::kill(daemon, SIGKILL);
            ::waitpid(daemon, nullptr, 0);
            daemon = spawn(serve_args, daemon_log);
            wait_up();
            ioc.run_for(200ms);
            fd_baseline = open_fds(daemon);
            shared.daemon_up = true;
        }
    }
    if (!killed) fail("the round ended before the daemon was killed");

    std::size_t short_subs = 0, twice = 0, unresumed = 0, slow = 0, resumed = 0;
    for (std::size_t i = 0; i < subs.size(); ++i) {
        const auto& s = *subs[i];
        twice += static_cast<std::size_t>(s.twice);
        unresumed += static_cast<std::size_t>(s.unresumed);
        slow += static_cast<std::size_t>(s.slow_closes);
        resumed += s.connects > 1;
        if (s.got != expected) {
            if (++short_subs <= 3) {
                std::size_t k = 0;
                while (k < s.got.size() && k < expected.size() && s.got[k] == expected[k]) ++k;
                fail("subscriber " + std::to_string(i) + ": " + std::to_string(s.got.size()) +
                     " race events of " + std::to_string(expected.size()) + ", first difference at " +
                     std::to_string(k));
            }
        }
    }
    std::cout << subs.size() << " subscribers, " << resumed << " resumed at least once, " << slow
              << " slow-consumer closes; max daemon VmRSS " << max_rss / 1024 << " MiB\n";
    if (short_subs) fail(std::to_string(short_subs) + " subscribers do not have the offline replay's stream");
    if (twice) fail(std::to_string(twice) + " events delivered twice");
    if (unresumed) fail(std::to_string(unresumed) + " reconnects could not resume (resume:false)");
    if (max_rss > o.rss_limit_mib * 1024)
        fail("daemon VmRSS " + std::to_string(max_rss / 1024) + " MiB over the limit " +
             std::to_string(o.rss_limit_mib) + " MiB");

    // Subscribers leave: descriptors back to the baseline.
    for (auto& s : subs) s->finish();
    const auto fd_deadline = clock_type::now() + 10s;
    std::size_t fds = open_fds(daemon);
    while (clock_type::now() < fd_deadline && fds > fd_baseline) {
        ioc.run_for(100ms);
        fds = open_fds(daemon);
    }
    std::cout << "daemon descriptors: " << fds << " (baseline " << fd_baseline << ")\n";
    if (fds > fd_baseline)
        fail("descriptors leaked: " + std::to_string(fds) + " > " + std::to_string(fd_baseline));

    // Duplicates are counted, not logged (one per frame would flood the log).
    const auto duplicates = metric_sum(http_get(port, "/metrics"), "ingest_duplicates_total");
    std::cout << "duplicates dropped since the restart: " << duplicates << "\n";
    if (duplicates <= 0) fail("the daemon counted no duplicates");
    stop(daemon, SIGTERM);
    stop(sim, SIGTERM);

    // Every other fault the feed carried shows in the daemon's log.
    // An upstream disconnect shows as a reconnect that resumes (`since N`).
    for (const char* needle : {"rejected", "gap", " since "}) {
        const auto n = count_lines_with(daemon_log, needle);
        std::cout << "daemon log lines naming '" << needle << "': " << n << "\n";
        if (n == 0) fail(std::string("the daemon log never mentions ") + needle);
    }
}

}  // namespace

int main(int argc, char** argv) {
    soak_options o;
    CLI::App app{"Fault soak: faulty feed, hundreds of subscribers, kill -9 and restart of the daemon"};
    app.add_option("--splitstream", o.binary, "The splitstream executable")->required();
    app.add_option("--work", o.work, "Directory for journals, feeds and logs")->capture_default_str();
    app.add_option("--seed", o.seed, "Seed of the first round")->capture_default_str();
    app.add_option("--speed", o.speed, "Simulator speed (N times real time)")->capture_default_str();
    app.add_option("--subscribers", o.subscribers, "Subscribers per round")->capture_default_str();
    app.add_option("--duration-s", o.duration_s, "Run rounds for this long (0: one round)")
        ->capture_default_str();
    app.add_option("--rss-limit-mib", o.rss_limit_mib, "Bound on the daemon's VmRSS")->capture_default_str();
    app.add_option("--round-limit-s", o.round_limit_s, "Give up on a round after this long")
        ->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    ::signal(SIGPIPE, SIG_IGN);

    const auto start = clock_type::now();
    std::uint64_t seed = o.seed;
    do {
        run_round(o, seed++);
    } while (failures.empty() &&
             std::chrono::duration<double>(clock_type::now() - start).count() < o.duration_s);
    std::cout << (failures.empty() ? "soak passed\n" : "soak FAILED\n");
    return failures.empty() ? 0 : 1;
}
