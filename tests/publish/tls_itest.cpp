// The publish server with TLS over real sockets on 127.0.0.1: a `wss://`
// subscriber gets its hello and a published event, and an `https://` GET is
// answered. The certificate is a throwaway self-signed one
// (tests/support/tls_cert.hpp).

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/ssl.hpp>

#include "publish/server.hpp"
#include "test_support.hpp"
#include "tests/support/tls_cert.hpp"

namespace splitstream::publish {
namespace {

using namespace testing;

struct tls_subscriber_result {
    bool handshake_done = false;
    std::vector<parsed_message> messages;
    bool ended = false;
    std::string error;
};

// A wss:// subscriber that trusts only the test certificate and records
// every message until the connection ends.
net::awaitable<void> tls_subscriber(net::ssl::context& ctx, std::uint16_t port, tls_subscriber_result& out) {
    auto executor = co_await net::this_coro::executor;
    websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(executor, ctx);
    try {
        beast::get_lowest_layer(ws).expires_after(10s);
        co_await beast::get_lowest_layer(ws).async_connect(
            tcp::endpoint(net::ip::make_address("127.0.0.1"), port), net::use_awaitable);
        co_await ws.next_layer().async_handshake(net::ssl::stream_base::client, net::use_awaitable);
        co_await ws.async_handshake("127.0.0.1", "/v1/stream", net::use_awaitable);
        beast::get_lowest_layer(ws).expires_never();
        out.handshake_done = true;
        beast::flat_buffer buffer;
        for (;;) {
            co_await ws.async_read(buffer, net::use_awaitable);
            out.messages.push_back(parse_message(beast::buffers_to_string(buffer.data())));
            buffer.consume(buffer.size());
        }
    } catch (const boost::system::system_error& e) {
        out.error = e.code().message();
    }
    out.ended = true;
}

struct https_result {
    unsigned status = 0;
    std::string body;
    bool done = false;
    std::string error;
};

net::awaitable<void> https_get(net::ssl::context& ctx, std::uint16_t port, std::string target,
                               https_result& out) {
    auto executor = co_await net::this_coro::executor;
    beast::ssl_stream<beast::tcp_stream> stream(executor, ctx);
    try {
        beast::get_lowest_layer(stream).expires_after(10s);
        co_await beast::get_lowest_layer(stream).async_connect(
            tcp::endpoint(net::ip::make_address("127.0.0.1"), port), net::use_awaitable);
        co_await stream.async_handshake(net::ssl::stream_base::client, net::use_awaitable);
        http::request<http::empty_body> req{http::verb::get, target, 11};
        req.set(http::field::host, "127.0.0.1");
        req.keep_alive(false);
        co_await http::async_write(stream, req, net::use_awaitable);
        beast::flat_buffer buffer;
        http::response<http::string_body> res;
        co_await http::async_read(stream, buffer, res, net::use_awaitable);
        out.status = res.result_int();
        out.body = res.body();
    } catch (const boost::system::system_error& e) {
        out.error = e.code().message();
    }
    beast::error_code ignored;
    beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
    out.done = true;
}

TEST(publish_tls, wss_subscriber_and_https_get_with_a_self_signed_certificate) {
    const auto files = test_support::make_certificate({.tag = "publish-wss"});
    ASSERT_TRUE(files.made()) << "test certificate: " << files.error;

    net::io_context ioc;
    fake_provider provider;
    provider.states = {{"A", R"({"event":"A"})"}};
    metrics_registry registry;
    server_options o{.listen_address = "127.0.0.1",
                     .listen_port = 0,
                     .close_timeout = std::chrono::milliseconds(500),
                     .tls_cert_file = files.cert.string(),
                     .tls_key_file = files.key.string()};
    auto srv = std::make_unique<server>(ioc, o, provider, registry, quiet_logger());
    srv->start();

    net::ssl::context client_tls(net::ssl::context::tls_client);
    client_tls.load_verify_file(files.ca.string());
    client_tls.set_verify_mode(net::ssl::verify_peer);

    tls_subscriber_result sub;
    net::co_spawn(ioc, tls_subscriber(client_tls, srv->port(), sub), net::detached);
    ASSERT_TRUE(run_until(
        ioc, [&] { return srv->subscribers() == 1 || sub.ended; }, 15s))
        << sub.error;
    ASSERT_FALSE(sub.ended) << "subscriber ended: " << sub.error;

    srv->publish(next_event(provider, feed::event_type::split, "A"));
    ASSERT_TRUE(run_until(
        ioc,
        [&] {
            return sub.ended || std::any_of(sub.messages.begin(), sub.messages.end(),
                                            [](const auto& m) { return m.type == "split"; });
        },
        15s));
    ASSERT_TRUE(sub.handshake_done);
    ASSERT_GE(sub.messages.size(), 3u) << sub.error;
    EXPECT_EQ(sub.messages[0].type, "hello");
    EXPECT_EQ(sub.messages[1].type, "snapshot");
    EXPECT_EQ(sub.messages[2].type, "split");
    EXPECT_EQ(sub.messages[2].seq, 1u);

    https_result get;
    net::co_spawn(ioc, https_get(client_tls, srv->port(), "/v1/events", get), net::detached);
    ASSERT_TRUE(run_until(
        ioc, [&] { return get.done; }, 15s));
    EXPECT_EQ(get.status, 200u) << get.error;
    EXPECT_EQ(get.body, R"([{"event":"A"}])");

    // The client really checks the certificate: one that does not trust it
    // fails the handshake and gets no response.
    https_result untrusted;
    net::ssl::context untrusting(net::ssl::context::tls_client);
    untrusting.set_verify_mode(net::ssl::verify_peer);
    net::co_spawn(ioc, https_get(untrusting, srv->port(), "/v1/events", untrusted), net::detached);
    ASSERT_TRUE(run_until(
        ioc, [&] { return untrusted.done; }, 15s));
    EXPECT_EQ(untrusted.status, 0u);
    EXPECT_FALSE(untrusted.error.empty());

    srv->stop();
    EXPECT_TRUE(run_until(
        ioc, [&] { return srv->connections() == 0 && sub.ended; }, 15s))
        << "sessions still open: " << srv->connections();
    srv.reset();
    ioc.run_for(10ms);
}

}  // namespace
}  // namespace splitstream::publish
