#pragma once
// `serve --lynx-scoreboard HOST:PORT`: accepts the connection of a FinishLynx
// scoreboard set to "Network (connect)" and hands what it sends, as it
// arrives, to `on_bytes` with the connection's id; `on_closed` follows when it
// ends. At most max_connections at once (one more is closed at once, logged).
// A scoreboard connection may stay quiet between races for as long as the
// meet lasts, so reads have no deadline; each read is at most 4 KiB.
//
// One acceptor and its sessions, on the daemon's io_context.

#include <spdlog/logger.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/net.hpp"

namespace splitstream::daemon {

struct scoreboard_listen_options {
    std::string address = "127.0.0.1";
    std::uint16_t port = 0;
    std::size_t max_connections = 4;
};

class scoreboard_listener : public std::enable_shared_from_this<scoreboard_listener> {
public:
    using bytes_handler = std::function<void(int id, std::string_view bytes, const std::string& peer)>;
    using closed_handler = std::function<void(int id)>;

    static std::shared_ptr<scoreboard_listener> create(net::any_io_executor executor,
                                                       scoreboard_listen_options options,
                                                       bytes_handler on_bytes, closed_handler on_closed,
                                                       std::shared_ptr<spdlog::logger> log,
                                                       std::string& error);
    void start();
    void stop();
    tcp::endpoint endpoint() const;

private:
    friend class scoreboard_session;
    scoreboard_listener(net::any_io_executor executor, scoreboard_listen_options options,
                        bytes_handler on_bytes, closed_handler on_closed,
                        std::shared_ptr<spdlog::logger> log);
    void do_accept();
    void on_accept(beast::error_code ec, tcp::socket socket);

    tcp::acceptor acceptor_;
    scoreboard_listen_options options_;
    bytes_handler on_bytes_;
    closed_handler on_closed_;
    std::shared_ptr<spdlog::logger> log_;
    std::size_t open_ = 0;
    int next_id_ = 0;
    bool stopped_ = false;
};

}  // namespace splitstream::daemon
