#include "publish/http_session.hpp"

#include <chrono>
#include <type_traits>
#include <variant>

#include "publish/json_text.hpp"
#include "publish/shard.hpp"
#include "publish/subscriber_session.hpp"

namespace splitstream::publish {

template <class Stream>
http_session<Stream>::http_session(Stream stream, std::shared_ptr<hub> h, std::string remote,
                                   std::shared_ptr<void> address_slot, bool over_address_limit)
    : stream_(std::move(stream)),
      hub_(std::move(h)),
      remote_(std::move(remote)),
      buffer_(64 * 1024),
      address_slot_(std::move(address_slot)),
      over_address_limit_(over_address_limit) {
    hub_->add_connection(*this);
    if (over_address_limit_) hub_->add_refusing(1);
}

template <class Stream>
http_session<Stream>::~http_session() {
    if (over_address_limit_) hub_->add_refusing(-1);
    hub_->remove_connection(*this);
}

template <class Stream>
std::chrono::milliseconds http_session<Stream>::read_deadline() const {
    // A connection that will only be told 503 gets a short time to say
    // what it wants: it must not hold the server's resources for long.
    const auto timeout = hub_->options().request_timeout;
    return over_address_limit_ ? std::min(timeout, refusal_deadline) : timeout;
}

template <class Stream>
route_context http_session<Stream>::context() {
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    return {hub_->provider(),
            hub_->registry(),
            hub_->metrics(),
            hub_->options(),
            hub_->counted_connections(),
            now,
            &hub_->control(),
            remote_};
}

template <class Stream>
void http_session<Stream>::run() {
    if constexpr (std::is_same_v<Stream, tls_stream>) {
        beast::get_lowest_layer(stream_).expires_after(read_deadline());
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
    beast::get_lowest_layer(stream_).expires_after(read_deadline());
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&http_session::on_read, this->shared_from_this()));
}

template <class Stream>
void http_session<Stream>::on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream || ec == net::error::operation_aborted || ec == net::error::eof) {
        do_close();
        return;
    }
    if (ec == http::error::header_limit) {
        refuse(http::status::request_header_fields_too_large, "header_too_large",
               "request headers exceed " + std::to_string(hub_->options().request_header_max) + " bytes");
        return;
    }
    if (ec == http::error::body_limit) {
        refuse(http::status::payload_too_large, "body_too_large",
               "request body exceeds " + std::to_string(hub_->options().request_body_max) + " bytes");
        return;
    }
    if (ec && ec.category() == make_error_code(http::error::bad_method).category() &&
        ec != http::error::partial_message) {
        refuse(http::status::bad_request, "bad_request", "malformed HTTP request: " + ec.message());
        return;
    }
    if (ec) {
        // A timeout (slowloris, idle keep-alive) has already closed the
        // socket: nothing can be said to the client, only counted.
        hub_->log().debug("connection {}: read: {}", remote_, ec.message());
        if (ec == beast::error::timeout)
            hub_->metrics().count_refusal(over_address_limit_ ? refusal::connection_limit
                                                              : refusal::bad_request);
        do_close();
        return;
    }
    if (over_address_limit_) {
        hub_->metrics().count_refusal(refusal::connection_limit);
        refuse(http::status::service_unavailable, "too_many_connections_from_address",
               "more than " + std::to_string(hub_->options().max_connections_per_address) +
                   " connections from this address; retry later");
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
    sub.address_slot = std::move(address_slot_);
    upgraded_ = true;
    const auto leftover = buffer_.data();
    const std::string_view early(static_cast<const char*>(leftover.data()), leftover.size());
    if constexpr (std::is_same_v<Stream, plain_stream>) {
        if (auto* shard = hub_->shard_for(sub)) {
            shard->adopt(*hub_, std::move(stream_), std::move(sub), early);
            return;
        }
    }
    using transport = subscriber_transport<Stream>;
    auto session = std::make_shared<subscriber_session<typename transport::type>>(
        transport::adopt(std::move(stream_), hub_->context()), hub_, std::move(sub), early);
    session->run();
}

template <class Stream>
void http_session<Stream>::send(http::message_generator msg) {
    const bool keep_alive = msg.keep_alive();
    const auto write_timeout = hub_->options().write_timeout;
    beast::get_lowest_layer(stream_).expires_after(
        over_address_limit_ ? std::min(write_timeout, refusal_deadline) : write_timeout);
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
void http_session<Stream>::refuse(http::status status, std::string_view code, std::string_view message) {
    if (status != http::status::service_unavailable) hub_->metrics().count_refusal(refusal::bad_request);
    hub_->log().debug("connection {}: refused {}: {}", remote_, static_cast<unsigned>(status), message);
    http::response<http::string_body> res{status, 11};
    res.set(http::field::content_type, "application/json");
    res.set(http::field::server, "splitstream");
    std::string body = R"({"error":)";
    append_json_string(body, code);
    body += R"(,"message":)";
    append_json_string(body, message);
    body += "}";
    res.keep_alive(false);
    // A HEAD request read whole (the per-address 503) gets the headers
    // alone, as every other HEAD answer; the connection closes after it.
    if (parser_ && parser_->is_header_done() && parser_->get().method() == http::verb::head) {
        res.content_length(body.size());
    } else {
        res.body() = std::move(body);
        res.prepare_payload();
    }
    send(std::move(res));
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
