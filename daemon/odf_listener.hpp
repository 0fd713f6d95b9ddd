#pragma once
// `serve --odf-listen HOST:PORT`: ODF documents pushed by HTTP POST, as ODF
// distributors push them. Each request body is one document, handed to
// `on_document`; the reply says what became of it: 200 with the number of
// feed messages made, 422 when the document was refused (the reason in the
// body), 413 over the size limit, 405 for anything but POST. Connections
// are kept alive; each read has a deadline and the body a size limit.
//
// One acceptor and its sessions, on the daemon's io_context.

#include <spdlog/logger.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "base/net.hpp"

namespace splitstream::daemon {

struct odf_listen_options {
    std::string address = "127.0.0.1";
    std::uint16_t port = 0;
    std::size_t max_document_bytes = std::size_t{4} << 20;
    std::chrono::seconds read_timeout{30};
    std::size_t max_connections = 16;
};

// What a document became: messages sent, and the refusal when it was refused
// whole (empty otherwise).
struct odf_outcome {
    std::size_t messages = 0;
    std::string refused;
};

class odf_listener : public std::enable_shared_from_this<odf_listener> {
public:
    using document_handler = std::function<odf_outcome(std::string body, std::string where)>;

    // Binds; returns why it could not.
    static std::shared_ptr<odf_listener> create(net::any_io_executor executor, odf_listen_options options,
                                                document_handler on_document,
                                                std::shared_ptr<spdlog::logger> log, std::string& error);
    void start();
    void stop();
    tcp::endpoint endpoint() const;

    // Called by a session as it ends.
    void session_ended() { --open_; }

private:
    odf_listener(net::any_io_executor executor, odf_listen_options options, document_handler on_document,
                 std::shared_ptr<spdlog::logger> log);
    void do_accept();
    void on_accept(beast::error_code ec, tcp::socket socket);

    tcp::acceptor acceptor_;
    odf_listen_options options_;
    document_handler on_document_;
    std::shared_ptr<spdlog::logger> log_;
    std::size_t open_ = 0;
    bool stopped_ = false;
};

}  // namespace splitstream::daemon
