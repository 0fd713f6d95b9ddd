#include "publish/listener.hpp"

#include <chrono>

#include "publish/http_session.hpp"

namespace splitstream::publish {

namespace {
constexpr std::size_t connection_slack = 64;
}

listener::listener(net::io_context& ioc, const tcp::endpoint& endpoint, std::shared_ptr<hub> h,
                   net::ssl::context* tls)
    : ioc_(ioc),
      acceptor_(ioc),
      hub_(std::move(h)),
      tls_(tls),
      retry_timer_(ioc),
      per_address_(std::make_shared<address_limiter>(hub_->options().max_connections_per_address)) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
}

tcp::endpoint listener::local_endpoint() const {
    return acceptor_.local_endpoint();
}

void listener::run() {
    do_accept();
}

void listener::stop() {
    stopped_ = true;
    beast::error_code ec;
    acceptor_.close(ec);
    retry_timer_.cancel();
}

void listener::do_accept() {
    if (stopped_) return;
    acceptor_.async_accept(ioc_, beast::bind_front_handler(&listener::on_accept, shared_from_this()));
}

void listener::on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || stopped_) return;
    if (ec) {
        // Out of descriptors and the like: back off instead of spinning.
        hub_->log().warn("accept failed: {}; retrying in 100 ms", ec.message());
        retry_timer_.expires_after(std::chrono::milliseconds(100));
        retry_timer_.async_wait(beast::bind_front_handler(&listener::on_retry, shared_from_this()));
        return;
    }
    if (hub_->counted_connections() >= hub_->options().max_connections + connection_slack) {
        refuse_at_accept(socket);
        return;
    }
    std::string remote = "?";
    std::string key = "?";
    if (auto ep = socket.remote_endpoint(ec); !ec) {
        key = address_key(ep.address());
        remote = ep.address().to_string() + ":" + std::to_string(ep.port());
    }
    // Over the per-address limit the session still reads the request, so
    // the client gets a 503 that says why instead of a bare reset.
    auto slot = per_address_->try_acquire(key);
    const bool over_limit = slot == nullptr;
    // Connections kept to be told 503 are bounded on their own: beyond
    // that many at once, the rest are closed unanswered.
    if (over_limit && hub_->refusing() >= connection_slack) {
        refuse_at_accept(socket);
        return;
    }
    if (tls_) {
        std::make_shared<http_session<tls_stream>>(tls_stream(std::move(socket), *tls_), hub_,
                                                   std::move(remote), std::move(slot), over_limit)
            ->run();
    } else {
        std::make_shared<http_session<plain_stream>>(plain_stream(std::move(socket)), hub_, std::move(remote),
                                                     std::move(slot), over_limit)
            ->run();
    }
    do_accept();
}

void listener::refuse_at_accept(tcp::socket& socket) {
    hub_->metrics().count_refusal(refusal::connection_limit);
    beast::error_code ec;
    socket.close(ec);
    do_accept();
}

void listener::on_retry(beast::error_code ec) {
    if (ec) return;
    do_accept();
}

}  // namespace splitstream::publish
