#pragma once
// Real `nats-server -js` processes on 127.0.0.1 for the scale-out tests:
// one server or a cluster of three, each on free ports with its own store
// directory, started, killed with SIGKILL and started again on the same
// ports and store. The tests skip (GTEST_SKIP) when no nats-server is
// installed; tools/setup.sh installs it.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <nats/nats.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "base/net.hpp"
#include "scaleout/nats_handles.hpp"
#include "tests/support/child_process.hpp"

namespace splitstream::scaleout::testing {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// nats-server on the PATH or where Debian puts it (/usr/sbin); empty: none.
inline std::string nats_server_binary() {
    std::vector<fs::path> dirs;
    if (const char* path = std::getenv("PATH")) {
        std::stringstream in(path);
        for (std::string d; std::getline(in, d, ':');)
            if (!d.empty()) dirs.emplace_back(d);
    }
    dirs.emplace_back("/usr/sbin");
    dirs.emplace_back("/usr/local/sbin");
    for (const auto& d : dirs)
        if (::access((d / "nats-server").c_str(), X_OK) == 0) return (d / "nats-server").string();
    return {};
}

// A port nobody listens on now (the kernel's next ephemeral one).
// A port nats-server can bind a moment later. Not one the kernel hands out
// for port 0: those come from the ephemeral range (32768-60999 here), where
// any process's outgoing connection may take it in the meantime (seen: a
// cluster route port taken before its server bound it). So a port below
// that range, chosen at random per process and checked free; and claimed,
// with a lock file held for the life of the process, so that neither a
// later pick of this process nor a test running beside it picks it again
// before its server binds it (seen: a cluster's third server finding its
// route port taken, under the sanitizer build, where tests overlap longer).
inline std::uint16_t free_port() {
    static std::minstd_rand pick(static_cast<unsigned>(::getpid()) * 7919u +
                                 static_cast<unsigned>(::time(nullptr)));
    static std::vector<int> claimed;  // open, and so locked, until the process ends
    const auto claims = fs::path(::testing::TempDir()) / "splitstream-test-ports";
    std::error_code dir_error;
    fs::create_directories(claims, dir_error);
    net::io_context ioc;
    for (int attempt = 0; attempt < 200; ++attempt) {
        const auto port = static_cast<std::uint16_t>(20000 + pick() % 12000);
        const int claim =
            ::open((claims / (std::to_string(port) + ".lock")).c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0666);
        if (claim >= 0 && ::flock(claim, LOCK_EX | LOCK_NB) != 0) {
            ::close(claim);  // another pick holds it
            continue;
        }
        beast::error_code ec;
        tcp::acceptor a(ioc);
        a.open(tcp::v4(), ec);
        if (!ec) a.bind(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
        if (!ec) {
            if (claim >= 0) claimed.push_back(claim);
            return port;
        }
        if (claim >= 0) ::close(claim);
    }
    tcp::acceptor a(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    return a.local_endpoint().port();
}

// GET `target` on 127.0.0.1:`port`; the status, 0 when nothing answers.
inline unsigned http_status(std::uint16_t port, const std::string& target) {
    try {
        net::io_context ioc;
        beast::tcp_stream stream(ioc);
        stream.expires_after(1s);
        stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
        http::request<http::empty_body> req{http::verb::get, target, 11};
        req.set(http::field::host, "127.0.0.1");
        http::write(stream, req);
        beast::flat_buffer buf;
        http::response<http::string_body> res;
        http::read(stream, buf, res);
        return res.result_int();
    } catch (const std::exception&) {
        return 0;
    }
}

inline fs::path scratch_dir(const std::string& name) {
    auto dir =
        fs::path(::testing::TempDir()) / ("splitstream-nats-" + std::to_string(::getpid()) + "-" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

// One nats-server with JetStream; in a cluster when `routes` are given.
class nats_server {
public:
    nats_server(std::string name, fs::path dir, std::uint16_t cluster_port = 0,
                std::vector<std::uint16_t> routes = {})
        : name_(std::move(name)),
          dir_(std::move(dir)),
          port_(free_port()),
          monitor_port_(free_port()),
          cluster_port_(cluster_port),
          routes_(std::move(routes)) {}

    void start() {
        std::vector<std::string> args{nats_server_binary(),
                                      "-a",
                                      "127.0.0.1",
                                      "-p",
                                      std::to_string(port_),
                                      "-m",
                                      std::to_string(monitor_port_),
                                      "-js",
                                      "-sd",
                                      (dir_ / "store").string(),
                                      "--server_name",
                                      name_};
        if (cluster_port_ != 0) {
            std::string routes;
            for (auto r : routes_)
                routes += (routes.empty() ? "" : ",") + std::string("nats://127.0.0.1:") + std::to_string(r);
            args.insert(args.end(),
                        {"--cluster_name", "splitstream-test", "--cluster",
                         "nats://127.0.0.1:" + std::to_string(cluster_port_), "--routes", routes});
        }
        proc_ = std::make_unique<splitstream::testing::child_process>(args, dir_ / (name_ + ".out"),
                                                                      dir_ / (name_ + ".err"));
    }
    // Until the server answers its health check (JetStream included), bounded.
    bool wait_healthy(std::chrono::milliseconds limit = 15s) const {
        return splitstream::testing::eventually([&] { return http_status(monitor_port_, "/healthz") == 200; },
                                                limit);
    }
    // Until its client port takes connections, bounded (a cluster's servers
    // are healthy only once they have met).
    bool wait_listening(std::chrono::milliseconds limit = 15s) const {
        return splitstream::testing::eventually([&] { return http_status(monitor_port_, "/varz") == 200; },
                                                limit);
    }
    void kill9() {
        if (proc_) proc_->stop(SIGKILL);
        proc_.reset();
    }
    std::string url() const { return "nats://127.0.0.1:" + std::to_string(port_); }
    std::uint16_t port() const { return port_; }
    bool running() const { return proc_ != nullptr; }

private:
    std::string name_;
    fs::path dir_;
    std::uint16_t port_;
    std::uint16_t monitor_port_;
    std::uint16_t cluster_port_;
    std::vector<std::uint16_t> routes_;
    std::unique_ptr<splitstream::testing::child_process> proc_;
};

// Three servers routed to each other: a JetStream cluster on loopback.
class nats_cluster {
public:
    explicit nats_cluster(const fs::path& dir) {
        const std::vector<std::uint16_t> cluster_ports{free_port(), free_port(), free_port()};
        for (int i = 0; i < 3; ++i) {
            std::vector<std::uint16_t> routes;
            for (int j = 0; j < 3; ++j)
                if (j != i) routes.push_back(cluster_ports[static_cast<std::size_t>(j)]);
            const auto name = "n" + std::to_string(i + 1);
            fs::create_directories(dir / name);
            servers.push_back(std::make_unique<nats_server>(
                name, dir / name, cluster_ports[static_cast<std::size_t>(i)], routes));
        }
    }
    void start() {
        for (auto& s : servers) s->start();
    }
    bool wait_healthy(std::chrono::milliseconds limit = 30s) const {
        for (const auto& s : servers)
            if (!s->wait_healthy(limit)) return false;
        return true;
    }
    std::vector<std::string> urls() const {
        std::vector<std::string> out;
        for (const auto& s : servers) out.push_back(s->url());
        return out;
    }
    std::vector<std::unique_ptr<nats_server>> servers;
};

// The message ids stored in `stream`, in stream order, read with nats.c
// directly (not through the code under test), and their subjects into
// `subjects` when given; nullopt when it cannot.
inline std::optional<std::vector<std::string>> stored_ids(const std::vector<std::string>& urls,
                                                          const std::string& stream,
                                                          std::vector<std::string>* subjects = nullptr) {
    natsOptions* raw_opts = nullptr;
    natsOptions_Create(&raw_opts);
    options_ptr opts(raw_opts);
    std::vector<const char*> servers;
    for (const auto& u : urls) servers.push_back(u.c_str());
    natsOptions_SetServers(opts.get(), servers.data(), static_cast<int>(servers.size()));
    natsOptions_SetTimeout(opts.get(), 2'000);
    natsConnection* raw_nc = nullptr;
    if (natsConnection_Connect(&raw_nc, opts.get()) != NATS_OK) return std::nullopt;
    connection_ptr nc(raw_nc);
    jsOptions jo;
    jsOptions_Init(&jo);
    jo.Wait = 2'000;
    jsCtx* raw_js = nullptr;
    if (natsConnection_JetStream(&raw_js, nc.get(), &jo) != NATS_OK) return std::nullopt;
    jetstream_ptr js(raw_js);
    jsStreamInfo* raw_info = nullptr;
    if (js_GetStreamInfo(&raw_info, js.get(), stream.c_str(), &jo, nullptr) != NATS_OK) return std::nullopt;
    stream_info_ptr info(raw_info);
    std::vector<std::string> ids;
    if (subjects != nullptr) subjects->clear();
    for (auto seq = info->State.FirstSeq; seq != 0 && seq <= info->State.LastSeq; ++seq) {
        natsMsg* raw_msg = nullptr;
        if (js_GetMsg(&raw_msg, js.get(), stream.c_str(), seq, &jo, nullptr) != NATS_OK) return std::nullopt;
        message_ptr msg(raw_msg);
        const char* id = nullptr;
        natsMsgHeader_Get(msg.get(), "Nats-Msg-Id", &id);
        ids.emplace_back(id != nullptr ? id : "");
        if (subjects != nullptr) subjects->emplace_back(natsMsg_GetSubject(msg.get()));
    }
    natsConnection_Close(nc.get());
    return ids;
}

// Writes over the first chunk of the latest stored node state with other
// bytes, as a disk or a bug might (docs/scale-out.md, Snapshots); the
// stream seq of that state, nullopt when there is none or it cannot.
inline std::optional<std::uint64_t> corrupt_latest_snapshot(const std::string& url) {
    natsConnection* raw_nc = nullptr;
    if (natsConnection_ConnectTo(&raw_nc, url.c_str()) != NATS_OK) return std::nullopt;
    connection_ptr nc(raw_nc);
    jsCtx* raw_js = nullptr;
    if (natsConnection_JetStream(&raw_js, nc.get(), nullptr) != NATS_OK) return std::nullopt;
    jetstream_ptr js(raw_js);
    kvStore* raw_kv = nullptr;
    if (js_KeyValue(&raw_kv, js.get(), "splitstream") != NATS_OK) return std::nullopt;
    kv_ptr kv(raw_kv);
    kvEntry* raw_entry = nullptr;
    if (kvStore_Get(&raw_entry, kv.get(), "snapshot") != NATS_OK) return std::nullopt;
    kv_entry_ptr entry(raw_entry);
    std::istringstream pointer(kvEntry_ValueString(raw_entry));  // epoch, stream seq, ...
    std::string epoch;
    std::uint64_t seq = 0;
    if (!(pointer >> epoch >> seq)) return std::nullopt;
    const auto subject = "splitstream.snapshots." + std::to_string(seq) + ".0";
    const std::string junk(64, 'x');
    jsPubAck* ack = nullptr;
    const auto st = js_Publish(&ack, js.get(), subject.c_str(), junk.data(), static_cast<int>(junk.size()),
                               nullptr, nullptr);
    jsPubAck_Destroy(ack);
    natsConnection_Close(nc.get());
    if (st != NATS_OK) return std::nullopt;
    return seq;
}

// Whether `ids` are every seq of `epoch` from `first` to `last`, each once,
// in order.
inline ::testing::AssertionResult one_copy_each(const std::vector<std::string>& ids, const std::string& epoch,
                                                std::uint64_t first, std::uint64_t last) {
    if (ids.size() != last - first + 1)
        return ::testing::AssertionFailure() << ids.size() << " frames stored, want " << (last - first + 1);
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const auto want = epoch + ":" + std::to_string(first + i);
        if (ids[i] != want)
            return ::testing::AssertionFailure()
                   << "stream frame " << i + 1 << " is " << ids[i] << ", want " << want;
    }
    return ::testing::AssertionSuccess();
}

}  // namespace splitstream::scaleout::testing
