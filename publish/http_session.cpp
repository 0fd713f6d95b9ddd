#include "publish/http_session.hpp"

#include <chrono>
#include <type_traits>
#include <variant>

#include "publish/subscriber_session.hpp"

namespace splitstream::publish {

template <class Stream>
http_session<Stream>::http_session(Stream stream, std::shared_ptr<hub> h, std::string remote)
    : stream_(std::move(stream)), hub_(std::move(h)), remote_(std::move(remote)), buffer_(64 * 1024) {
    hub_->add_connection(*this);
}

template <class Stream>
http_session<Stream>::~http_session() {
    hub_->remove_connection(*this);
}

template <class Stream>
route_context http_session<Stream>::context() {
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    return {hub_->provider(), hub_->registry(), hub_->metrics(), hub_->options(), hub_->connections(), now};
}

template <class Stream>
void http_session<Stream>::run() {
    if constexpr (std::is_same_v<Stream, tls_stream>) {
        beast::get_lowest_layer(stream_).expires_after(hub_->options().request_timeout);
        stream_.async_handshake(
            net::ssl::stream_base::server,
            beast::bind_front_handler(&http_session::on_handshake, this->shared_from_this()));
    } else {
        do_read();
    }
}

template <class Stream>
void http_session<Stream>::on_handshake(beast::error_code ec) {
    if (ec) {
        hub_->log().debug("connection {}: TLS handshake: {}", remote_, ec.message());
        do_close();
        return;
    }
    do_read();
}

template <class Stream>
void http_session<Stream>::do_read() {
    if (closed_ || hub_->stopping()) {
        do_close();
        return;
    }
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(hub_->options().request_header_max));
    parser_->body_limit(hub_->options().request_body_max);
    // One deadline for the whole request: a client trickling headers
    // (slowloris) or idling on keep-alive is cut off.
    beast::get_lowest_layer(stream_).expires_after(hub_->options().request_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&http_session::on_read, this->shared_from_this()));
}

template <class Stream>
void http_session<Stream>::on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream || ec == net::error::operation_aborted || ec == net::error::eof) {
        do_close();
        return;
    }
    if (ec) {
        hub_->log().debug("connection {}: read: {}", remote_, ec.message());
        if (ec == http::error::header_limit || ec == http::error::body_limit || ec == beast::error::timeout)
            hub_->metrics().count_refusal(refusal::bad_request);
        do_close();
        return;
    }
    auto req = parser_->release();
    if (is_upgrade(req)) {
        upgrade(std::move(req));
        return;
    }
    send(handle_request(std::move(req), context()));
}

template <class Stream>
void http_session<Stream>::upgrade(request&& req) {
    auto checked = check_upgrade(req, context());
    if (auto* refusal_response = std::get_if<http::response<http::string_body>>(&checked)) {
        hub_->log().debug("connection {}: upgrade refused: {} {}", remote_, refusal_response->result_int(),
                          refusal_response->body());
        send(std::move(*refusal_response));
        return;
    }
    auto sub = std::get<subscription_request>(std::move(checked));
    sub.remote = remote_;
    upgraded_ = true;
    const auto leftover = buffer_.data();
    auto session = std::make_shared<subscriber_session<Stream>>(
        std::move(stream_), hub_, std::move(sub),
        std::string_view(static_cast<const char*>(leftover.data()), leftover.size()));
    session->run();
}

template <class Stream>
void http_session<Stream>::send(http::message_generator msg) {
    const bool keep_alive = msg.keep_alive();
    beast::get_lowest_layer(stream_).expires_after(hub_->options().write_timeout);
    beast::async_write(
        stream_, std::move(msg),
        beast::bind_front_handler(&http_session::on_write, this->shared_from_this(), keep_alive));
}

template <class Stream>
void http_session<Stream>::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
    if (ec) {
        hub_->log().debug("connection {}: write: {}", remote_, ec.message());
        do_close();
        return;
    }
    if (!keep_alive) {
        do_close();
        return;
    }
    do_read();
}

template <class Stream>
void http_session<Stream>::do_close() {
    if (closed_ || upgraded_) return;
    closed_ = true;
    beast::error_code ec;
    auto& socket = beast::get_lowest_layer(stream_).socket();
    socket.shutdown(tcp::socket::shutdown_send, ec);
    socket.close(ec);
}

template <class Stream>
void http_session<Stream>::shutdown() {
    do_close();
}

template class http_session<plain_stream>;
template class http_session<tls_stream>;

}  // namespace splitstream::publish
