// wss:// upstreams with certificate verification, over 127.0.0.1: a CA and
// a server certificate are made at test time (tests/support/tls_cert.hpp), a
// TLS WebSocket upstream (below) serves the Budapest 1500 m feed, and the
// daemon's ingest must trust it through the CA file, refuse it with the
// system CAs only (logged, counted, a feed event, retried), and accept it
// with the lab flag that skips verification.

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "base/metrics.hpp"
#include "base/net.hpp"
#include "ingest/feed_ingest.hpp"
#include "tests/support/tls_cert.hpp"
#include "tests/test_paths.hpp"

namespace splitstream::ingest {
namespace {

using namespace std::chrono_literals;

constexpr std::uint64_t last_seq = 185;

constexpr auto feed_lines = &test_paths::reference_feed_lines;

// A CA and a server certificate for 127.0.0.1 (only: see
// TrustedCaButAnotherHostNameIsRefused) signed by it; made once for all
// tests of this file.
const test_support::certificate_files& test_certificates() {
    static const auto certs =
        test_support::make_certificate({.tag = "tls-upstream", .ca_signed = true, .names = {"127.0.0.1"}});
    return certs;
}

// ---------------------------------------------------------------- TLS upstream

// Serves the feed over wss:// and honours `?since=`; counts TCP accepts and
// completed WebSocket handshakes.
class tls_upstream {
public:
    explicit tls_upstream(net::io_context& ioc) : state_(std::make_shared<state>(ioc)) {
        const auto& certs = test_certificates();
        state_->tls.use_certificate_chain_file(certs.cert.string());
        state_->tls.use_private_key_file(certs.key.string(), net::ssl::context::pem);
        net::co_spawn(ioc, accept_loop(state_), net::detached);
    }
    ~tls_upstream() {
        beast::error_code ignored;
        state_->acceptor.close(ignored);
    }
    std::string url() const {
        return "wss://127.0.0.1:" + std::to_string(state_->acceptor.local_endpoint().port()) + "/feed";
    }
    int accepts() const { return state_->accepts; }
    const std::vector<std::string>& targets() const { return state_->targets; }

private:
    struct state {
        explicit state(net::io_context& ioc)
            : acceptor(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)),
              tls(net::ssl::context::tls_server) {}
        tcp::acceptor acceptor;
        net::ssl::context tls;
        int accepts = 0;
        std::vector<std::string> targets;
    };

    static net::awaitable<void> accept_loop(std::shared_ptr<state> s) {
        for (;;) {
            auto socket = co_await s->acceptor.async_accept(net::use_awaitable);
            ++s->accepts;
            // A client that refuses the certificate ends the handshake: that
            // connection's coroutine ends with an exception, nothing else.
            net::co_spawn(s->acceptor.get_executor(), serve(s, std::move(socket)), [](std::exception_ptr) {});
        }
    }

    static net::awaitable<void> serve(std::shared_ptr<state> s, tcp::socket socket) {
        websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(beast::tcp_stream(std::move(socket)),
                                                                   s->tls);
        beast::get_lowest_layer(ws).expires_after(5s);
        co_await ws.next_layer().async_handshake(net::ssl::stream_base::server, net::use_awaitable);
        beast::flat_buffer buffer;
        http::request<http::empty_body> req;
        co_await http::async_read(ws.next_layer(), buffer, req, net::use_awaitable);
        beast::get_lowest_layer(ws).expires_never();
        const std::string target(req.target());
        s->targets.push_back(target);
        std::uint64_t since = 1;
        if (auto at = target.find("since="); at != std::string::npos)
            since = std::stoull(target.substr(at + 6));
        co_await ws.async_accept(req, net::use_awaitable);
        co_await ws.async_write(net::buffer(feed_lines().at(0)), net::use_awaitable);
        for (auto seq = since + 1; seq <= last_seq; ++seq)
            co_await ws.async_write(net::buffer(feed_lines().at(seq - 1)), net::use_awaitable);
        beast::flat_buffer in;
        for (;;) co_await ws.async_read(in, net::use_awaitable);  // until the client goes
    }

    std::shared_ptr<state> state_;
};

// ---------------------------------------------------------------- sink, logs

struct recording_sink final : feed_sink {
    std::vector<std::string> applied;  // frame bytes of data messages and hellos, in order
    std::vector<feed::feed_notice> notices;

    void on_message(const received_frame& frame, const feed::feed_message& msg) override {
        if (msg.type() != feed::message_type::heartbeat) applied.push_back(frame.bytes);
    }
    void on_rejected(const received_frame&, const feed::rejection&, std::optional<std::uint64_t>) override {}
    void on_notice(const feed::feed_notice& n) override { notices.push_back(n); }

    int count(std::string_view state) const {
        int n = 0;
        for (const auto& x : notices) n += x.state == state;
        return n;
    }
    std::string detail(std::string_view state, std::string_view key) const {
        for (const auto& x : notices) {
            if (x.state != state) continue;
            for (const auto& [k, v] : x.details)
                if (k == key && std::holds_alternative<std::string>(v)) return std::get<std::string>(v);
        }
        return {};
    }
    bool done() const { return applied.size() == last_seq; }
};

struct captured_log {
    std::ostringstream text;
    std::shared_ptr<spdlog::logger> logger = std::make_shared<spdlog::logger>(
        "ingest", std::make_shared<spdlog::sinks::ostream_sink_mt>(text, /*force_flush=*/true));
};

upstream_options tls_options(std::string url) {
    return upstream_options{
        .url = std::move(url),
        .connect_timeout = 2s,
        .handshake_timeout = 2s,
        .stale_after = 5s,
        .reconnect = {.initial = 10ms, .cap = 50ms, .multiplier = 2.0, .jitter = 0.0},
    };
}

ingest_options one_line(upstream_options up) {
    return ingest_options{.upstreams = {std::move(up)}};
}

template <class Pred>
void run_until(net::io_context& ioc, Pred done, std::chrono::milliseconds bound = 10s) {
    const auto end = std::chrono::steady_clock::now() + bound;
    while (!done() && std::chrono::steady_clock::now() < end) ioc.run_for(5ms);
}

std::optional<std::int64_t> metric_value(const metrics_registry& m, const std::string& series) {
    const auto text = m.render();
    const auto at = text.find("\n" + series + " ");
    if (at == std::string::npos) return std::nullopt;
    return std::stoll(text.substr(at + series.size() + 2));
}

class TlsUpstream : public testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(test_certificates().made()) << "test certificates: " << test_certificates().error;
    }
};

TEST_F(TlsUpstream, TrustedThroughTheCaFileTheFeedIsApplied) {
    net::io_context ioc;
    tls_upstream up(ioc);
    recording_sink sink;
    metrics_registry metrics;
    captured_log log;
    auto options = tls_options(up.url());
    options.ca_file = test_certificates().ca.string();
    feed_ingest ingest(ioc.get_executor(), one_line(options), sink, metrics, log.logger);
    ASSERT_EQ(ingest.start(), std::nullopt);
    run_until(ioc, [&] { return sink.done(); });

    EXPECT_EQ(sink.applied, feed_lines()) << "the same frames, so the same derived events, as a clean run";
    EXPECT_EQ(sink.count("connected"), 1);
    EXPECT_EQ(sink.count("connect_failed"), 0) << log.text.str();
    EXPECT_EQ(up.targets(), std::vector<std::string>{"/feed"});
}

TEST_F(TlsUpstream, UntrustedCertificateIsRefusedLoggedCountedAndRetried) {
    net::io_context ioc;
    tls_upstream up(ioc);
    recording_sink sink;
    metrics_registry metrics;
    captured_log log;
    // No CA file: the system's CAs, which do not know the test CA.
    feed_ingest ingest(ioc.get_executor(), one_line(tls_options(up.url())), sink, metrics, log.logger);
    ASSERT_EQ(ingest.start(), std::nullopt);
    run_until(ioc, [&] {
        return metric_value(metrics, R"(ingest_connect_failures_total{line="A",step="tls"})").value_or(0) >=
               3;
    });

    EXPECT_GE(up.accepts(), 3) << "it keeps retrying";
    EXPECT_TRUE(up.targets().empty()) << "no WebSocket handshake over an untrusted connection";
    EXPECT_TRUE(sink.applied.empty());
    EXPECT_EQ(sink.count("connected"), 0);
    EXPECT_EQ(sink.count("connect_failed"), 1) << "one feed event per run of failures, not per attempt";
    EXPECT_EQ(sink.detail("connect_failed", "step"), "tls");
    EXPECT_NE(sink.detail("connect_failed", "error").find("certificate not trusted"), std::string::npos)
        << sink.detail("connect_failed", "error");
    EXPECT_GE(metric_value(metrics, R"(ingest_reconnects_total{line="A"})").value_or(0), 3);
    const auto text = log.text.str();
    EXPECT_NE(
        text.find("[error] upstream A (" + up.url() + "): TLS handshake failed: certificate not trusted"),
        std::string::npos)
        << text;
    EXPECT_NE(text.find("--ca-file"), std::string::npos) << text;
}

TEST_F(TlsUpstream, SkippingVerificationConnectsToAnUntrustedCertificate) {
    net::io_context ioc;
    tls_upstream up(ioc);
    recording_sink sink;
    metrics_registry metrics;
    captured_log log;
    auto options = tls_options(up.url());
    options.insecure_skip_verify = true;
    feed_ingest ingest(ioc.get_executor(), one_line(options), sink, metrics, log.logger);
    ASSERT_EQ(ingest.start(), std::nullopt);
    run_until(ioc, [&] { return sink.done(); });

    EXPECT_EQ(sink.applied, feed_lines());
    EXPECT_EQ(sink.count("connect_failed"), 0) << log.text.str();
}

TEST_F(TlsUpstream, TrustedCaButAnotherHostNameIsRefused) {
    net::io_context ioc;
    tls_upstream up(ioc);
    recording_sink sink;
    metrics_registry metrics;
    captured_log log;
    // The certificate names 127.0.0.1 only; the same server as localhost
    // presents a certificate for another name.
    auto url = up.url();
    url.replace(url.find("127.0.0.1"), 9, "localhost");
    auto options = tls_options(url);
    options.ca_file = test_certificates().ca.string();
    feed_ingest ingest(ioc.get_executor(), one_line(options), sink, metrics, log.logger);
    ASSERT_EQ(ingest.start(), std::nullopt);
    run_until(ioc, [&] { return sink.count("connect_failed") == 1 || !sink.applied.empty(); });
    EXPECT_TRUE(sink.applied.empty());
    EXPECT_EQ(sink.detail("connect_failed", "step"), "tls") << log.text.str();
}

// The upstream client's own trust-store code loaded a CA file only for
// wss:// and checked it was readable for any scheme; the shared one loads
// it whenever it is given, so a file that is no CA file is an error at start
// for ws:// too, before any connection.
TEST(TlsUpstreamOptions, ACaFileThatHoldsNoCertificateIsRefusedAtStartForAnyScheme) {
    const auto not_pem = std::filesystem::path(testing::TempDir()) / "splitstream-not-a-ca.pem";
    std::ofstream(not_pem) << "not a certificate\n";
    for (const std::string url : {"ws://127.0.0.1:1/feed", "wss://127.0.0.1:1/feed"}) {
        net::io_context ioc;
        recording_sink sink;
        metrics_registry metrics;
        captured_log log;
        auto options = tls_options(url);
        options.name = "A";
        options.ca_file = not_pem.string();
        feed_ingest ingest(ioc.get_executor(), one_line(options), sink, metrics, log.logger);
        const auto error = ingest.start();
        ASSERT_TRUE(error) << url;
        EXPECT_EQ(error->rfind("upstream A: TLS trust store: ", 0), 0u) << *error;
    }
    std::filesystem::remove(not_pem);
}

}  // namespace
}  // namespace splitstream::ingest
