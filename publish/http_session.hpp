#pragma once
// One HTTP connection (plain or TLS): reads requests with a deadline and
// size limits, answers them through the free functions in routes.hpp, and
// hands an accepted `/v1/stream` upgrade over to a subscriber_session.
// Owned by its pending operations; registered with the hub for shutdown.
// Runs on the hub's io_context thread.

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "publish/connection.hpp"
#include "publish/hub.hpp"
#include "publish/routes.hpp"
#include "publish/transport.hpp"

namespace splitstream::publish {

template <class Stream>
class http_session : public connection, public std::enable_shared_from_this<http_session<Stream>> {
public:
    // `address_slot`: this connection's per-address slot, handed on to the
    // subscriber on upgrade; `over_address_limit`: answer every request 503.
    http_session(Stream stream, std::shared_ptr<hub> hub, std::string remote,
                 std::shared_ptr<void> address_slot, bool over_address_limit);
    ~http_session() override;

    void run();
    void shutdown() override;

private:
    void on_handshake(beast::error_code ec);
    void do_read();
    void on_read(beast::error_code ec, std::size_t bytes);
    void upgrade(request&& req);
    void send(http::message_generator msg);
    void on_write(bool keep_alive, beast::error_code ec, std::size_t bytes);
    void do_close();
    void refuse(http::status status, std::string_view code, std::string_view message);
    route_context context();
    // request_timeout, or refusal_deadline for a connection over its
    // address's limit.
    std::chrono::milliseconds read_deadline() const;

    static constexpr std::chrono::milliseconds refusal_deadline{1000};

    Stream stream_;
    std::shared_ptr<hub> hub_;
    std::string remote_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::shared_ptr<void> address_slot_;
    bool over_address_limit_;
    bool upgraded_ = false;
    bool closed_ = false;
};

extern template class http_session<plain_stream>;
extern template class http_session<tls_stream>;

}  // namespace splitstream::publish
