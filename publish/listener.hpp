#pragma once
// Accepts TCP connections and starts an http_session (plain or TLS) for
// each. Beyond max_connections plus a small slack it closes new sockets at
// once, so a flood cannot hold unbounded half-open sessions; below that the
// HTTP side answers 503 itself, as it does for an address over
// max_connections_per_address. Runs on the hub's io_context thread.

#include <memory>

#include "base/net.hpp"
#include "publish/address_limiter.hpp"
#include "publish/hub.hpp"
#include "publish/transport.hpp"

namespace splitstream::publish {

class listener : public std::enable_shared_from_this<listener> {
public:
    // Binds and listens; throws boost::system::system_error on failure.
    listener(net::io_context& ioc, const tcp::endpoint& endpoint, std::shared_ptr<hub> hub,
             net::ssl::context* tls);

    void run();
    void stop();
    tcp::endpoint local_endpoint() const;

private:
    void do_accept();
    void on_accept(beast::error_code ec, tcp::socket socket);
    void on_retry(beast::error_code ec);
    // Closes a connection unanswered (counted), and accepts the next.
    void refuse_at_accept(tcp::socket& socket);

    net::io_context& ioc_;
    tcp::acceptor acceptor_;
    std::shared_ptr<hub> hub_;
    net::ssl::context* tls_;
    net::steady_timer retry_timer_;
    std::shared_ptr<address_limiter> per_address_;
    bool stopped_ = false;
};

}  // namespace splitstream::publish
