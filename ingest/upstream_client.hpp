#pragma once
// One connection to one upstream timing feed (ws:// or wss://), kept up for
// the life of the daemon: resolve -> connect -> [TLS handshake] -> WebSocket
// handshake (with `?since=` when a position is known) -> read loop, and on
// any ending a reconnect after an exponential, jittered, capped delay.
//
// Owned by its pending operations (shared_from_this); feed_ingest keeps a
// shared_ptr to call stop(). All members are touched on the executor given
// at construction, which must be a single-threaded one (the daemon's
// io_context). Reports go to a line_handler, never after stop().

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <spdlog/logger.h>
#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>

#include "base/net.hpp"
#include "ingest/backoff.hpp"
#include "ingest/frame_parser.hpp"
#include "ingest/line_handler.hpp"
#include "ingest/ws_url.hpp"

namespace splitstream::ingest {

struct upstream_options {
    std::string url{};           // ws://HOST[:PORT]/PATH or wss://...
    std::string name{};          // the line's name in logs and metric labels; feed_ingest sets A, B, ...
    int line = 0;                // received_frame::line for this upstream; feed_ingest sets it
    std::string bearer_token{};  // non-empty: sent as `Authorization: Bearer <token>`
    std::vector<std::pair<std::string, std::string>> headers{};  // extra handshake headers
    std::string ca_file{};                                // PEM file of trusted CAs; empty: the system's CAs
    bool insecure_skip_verify = false;                    // lab use only: accept any certificate
    std::size_t read_message_max = std::size_t{1} << 20;  // bytes; larger: close 1009
    std::chrono::milliseconds connect_timeout{5'000};     // resolve + TCP connect
    std::chrono::milliseconds handshake_timeout{5'000};   // TLS and WebSocket handshakes each
    std::chrono::milliseconds stale_after{5'000};         // no frame for this long: reconnect
    backoff_options reconnect{};
};

class upstream_client : public std::enable_shared_from_this<upstream_client> {
public:
    struct created {
        std::shared_ptr<upstream_client> client;  // null on error
        std::string error;                        // why it could not be made
    };

    // Checks the URL and builds the TLS context (CA file, verification).
    static created create(net::any_io_executor executor, upstream_options options, line_handler& handler,
                          std::shared_ptr<spdlog::logger> log);

    // Starts the first connection attempt.
    void run();
    // Closes the connection (close frame `going_away` when open) and makes
    // no more reports or attempts.
    void stop();
    // Drops the current connection and connects again at once, asking for
    // the handler's resume position (a gap the other lines did not fill).
    void restart();

    const upstream_options& options() const { return options_; }
    bool connected() const { return phase_ == phase::open; }

    upstream_client(net::any_io_executor executor, upstream_options options, ws_url url,
                    line_handler& handler, std::shared_ptr<spdlog::logger> log);

private:
    using plain_ws = websocket::stream<beast::tcp_stream>;
    using tls_ws = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;
    enum class phase { idle, resolving, connecting, handshaking, open, waiting, stopped };

    void do_resolve();
    void on_resolve(std::uint64_t attempt, beast::error_code ec, tcp::resolver::results_type results);
    void on_attempt_deadline(std::uint64_t attempt, beast::error_code ec);
    void on_connect(beast::error_code ec, tcp::endpoint endpoint);
    void on_tls_handshake(beast::error_code ec);
    void do_ws_handshake();
    void on_ws_handshake(beast::error_code ec);
    void do_read();
    void on_read(beast::error_code ec, std::size_t bytes);
    void arm_stale_timer();
    void on_stale_timer(std::uint64_t attempt, beast::error_code ec);
    void on_close(beast::error_code ec);
    void attempt_failed(std::string_view step, beast::error_code ec);
    void connection_ended(beast::error_code ec);
    void schedule_reconnect();
    void on_retry_timer(std::uint64_t attempt, beast::error_code ec);
    void drop_socket();

    template <class F>
    void with_ws(F&& f) {
        if (tls_)
            f(*tls_);
        else if (plain_)
            f(*plain_);
    }

    net::any_io_executor executor_;
    upstream_options options_;
    ws_url url_;
    line_handler& handler_;
    std::shared_ptr<spdlog::logger> log_;
    net::ssl::context tls_context_;
    tcp::resolver resolver_;
    net::steady_timer attempt_timer_;  // deadline of resolve, retry wait
    net::steady_timer stale_timer_;
    std::unique_ptr<plain_ws> plain_;
    std::unique_ptr<tls_ws> tls_;
    beast::flat_buffer buffer_;
    frame_parser parser_;
    backoff backoff_;
    phase phase_ = phase::idle;
    std::uint64_t attempt_ = 0;  // bumped per attempt; stale timer completions carry it
    std::optional<std::uint64_t> since_;
    std::chrono::steady_clock::time_point last_frame_;
    bool restart_now_ = false;
    std::string end_reason_;  // set when this side ends the connection
};

}  // namespace splitstream::ingest
