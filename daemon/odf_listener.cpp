#include "daemon/odf_listener.hpp"

#include <spdlog/spdlog.h>

#include "base/connection_ending.hpp"
#include "base/listen_on.hpp"

namespace splitstream::daemon {

namespace {

// One pushing connection: reads requests one at a time, answers each.
class odf_session : public std::enable_shared_from_this<odf_session> {
public:
    odf_session(tcp::socket socket, std::shared_ptr<odf_listener> owner, const odf_listen_options& options,
                odf_listener::document_handler& on_document, std::shared_ptr<spdlog::logger> log)
        : stream_(std::move(socket)),
          owner_(std::move(owner)),
          options_(options),
          on_document_(on_document),
          log_(std::move(log)) {
        beast::error_code ec;
        const auto remote = stream_.socket().remote_endpoint(ec);
        peer_ = ec ? std::string("?") : remote.address().to_string() + ":" + std::to_string(remote.port());
    }
    ~odf_session() { owner_->session_ended(); }

    void do_read() {
        parser_.emplace();
        parser_->body_limit(options_.max_document_bytes);
        stream_.expires_after(options_.read_timeout);
        http::async_read(stream_, buffer_, *parser_,
                         beast::bind_front_handler(&odf_session::on_read, shared_from_this()));
    }

private:
    void on_read(beast::error_code ec, std::size_t) {
        if (ec == http::error::body_limit) {
            log_->warn("ODF POST from {}: too_large: over {} bytes: not read", peer_,
                       options_.max_document_bytes);
            return reply(http::status::payload_too_large, "too_large: over the size limit\n", false);
        }
        if (ec) {
            if (!is_ordinary_ending(ec)) log_->debug("ODF connection {}: {}", peer_, ec.message());
            return;
        }
        auto request = parser_->release();
        if (request.method() != http::verb::post)
            return reply(http::status::method_not_allowed, "POST one ODF document a request\n",
                         request.keep_alive());
        const auto outcome = on_document_(std::move(request.body()),
                                          "POST " + std::string(request.target()) + " from " + peer_);
        if (!outcome.refused.empty())
            return reply(http::status::unprocessable_entity, outcome.refused + "\n", request.keep_alive());
        reply(http::status::ok, "ok: " + std::to_string(outcome.messages) + " feed message(s)\n",
              request.keep_alive());
    }

    void reply(http::status status, std::string body, bool keep_alive) {
        response_ = {};
        response_.result(status);
        response_.version(11);
        response_.set(http::field::content_type, "text/plain");
        response_.body() = std::move(body);
        response_.keep_alive(keep_alive);
        response_.prepare_payload();
        stream_.expires_after(options_.read_timeout);
        http::async_write(stream_, response_,
                          beast::bind_front_handler(&odf_session::on_write, shared_from_this()));
    }

    void on_write(beast::error_code ec, std::size_t) {
        if (ec) return;
        if (!response_.keep_alive()) {
            beast::error_code ignored;
            stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
            return;
        }
        do_read();
    }

    beast::tcp_stream stream_;
    std::shared_ptr<odf_listener> owner_;
    const odf_listen_options& options_;
    odf_listener::document_handler& on_document_;
    std::shared_ptr<spdlog::logger> log_;
    std::string peer_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::response<http::string_body> response_;
};

}  // namespace

odf_listener::odf_listener(net::any_io_executor executor, odf_listen_options options,
                           document_handler on_document, std::shared_ptr<spdlog::logger> log)
    : acceptor_(executor),
      options_(std::move(options)),
      on_document_(std::move(on_document)),
      log_(std::move(log)) {}

std::shared_ptr<odf_listener> odf_listener::create(net::any_io_executor executor, odf_listen_options options,
                                                   document_handler on_document,
                                                   std::shared_ptr<spdlog::logger> log, std::string& error) {
    std::shared_ptr<odf_listener> l(
        new odf_listener(executor, options, std::move(on_document), std::move(log)));
    if (auto why = listen_on(l->acceptor_, options.address, options.port)) {
        error = "--odf-listen: " + *why;
        return nullptr;
    }
    return l;
}

tcp::endpoint odf_listener::endpoint() const {
    beast::error_code ec;
    return acceptor_.local_endpoint(ec);
}

void odf_listener::start() {
    log_->info("ODF listener on {}:{} (POST one document a request)", options_.address, endpoint().port());
    do_accept();
}

void odf_listener::stop() {
    stopped_ = true;
    beast::error_code ignored;
    acceptor_.close(ignored);
}

void odf_listener::do_accept() {
    acceptor_.async_accept(beast::bind_front_handler(&odf_listener::on_accept, shared_from_this()));
}

void odf_listener::on_accept(beast::error_code ec, tcp::socket socket) {
    if (stopped_) return;
    if (!ec) {
        if (open_ >= options_.max_connections) {
            log_->warn("ODF listener: {} connections open, at the limit: one more refused", open_);
        } else {
            ++open_;
            std::make_shared<odf_session>(std::move(socket), shared_from_this(), options_, on_document_, log_)
                ->do_read();
        }
    }
    do_accept();
}

}  // namespace splitstream::daemon
