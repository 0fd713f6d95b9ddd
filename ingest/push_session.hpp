#pragma once
// One timing system connected to splitstream to push the feed (push
// ingest). Reads the HTTP upgrade with a size limit and a deadline, refuses
// it with 401 unless it carries the feed token (`Authorization: Bearer` or
// `?token=`), then takes one of the listener's `max_connections` slots (503
// when none is free: only an authenticated pusher can hold one, so idle
// unauthenticated sockets never keep the timing system out), then reads
// frames like an upstream client does, with the same size limit and stale
// watchdog. Owned by its pending operations; the listener keeps a weak_ptr
// to stop it. Single-threaded executor.

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <spdlog/logger.h>

#include "base/log_burst.hpp"
#include "base/metrics.hpp"
#include "base/net.hpp"
#include "ingest/frame_parser.hpp"
#include "ingest/line_handler.hpp"

namespace splitstream::ingest {

struct listen_options {
    std::string address = "127.0.0.1";
    std::uint16_t port = 0;                               // 0: any free port (read it back from the listener)
    std::string token{};                                  // required of every connection; never empty
    std::size_t read_message_max = std::size_t{1} << 20;  // bytes; larger: close 1009
    std::chrono::milliseconds handshake_timeout{5'000};   // HTTP upgrade, from accept
    std::chrono::milliseconds stale_after{5'000};         // no frame for this long: close
    std::size_t max_connections = 16;                     // authenticated; more are refused with 503
    std::size_t max_pending = 64;  // connections not yet authenticated; one more closes the oldest
};

// How a push connection attempt ended before any frame was read.
enum class push_refusal { unauthorized, not_websocket, bad_request, too_many };
const char* to_string(push_refusal r);

inline constexpr std::size_t push_refusal_count = 4;

// What the sessions of one listener share.
struct push_listener_state {
    log_burst refusal_log;          // refusals are logged once per burst across all sessions
    std::size_t authenticated = 0;  // sessions holding a slot (of max_connections)
    // ingest_push_refused_total{reason}, by push_refusal; null until the
    // owner registers them (every refusal is counted, logged or not).
    std::array<counter*, push_refusal_count> refused{};
};

class push_session : public std::enable_shared_from_this<push_session> {
public:
    push_session(tcp::socket socket, int line, const listen_options& options, line_handler& handler,
                 std::shared_ptr<spdlog::logger> log, std::shared_ptr<push_listener_state> shared);
    ~push_session();

    void run();
    void stop();
    int line() const { return line_; }
    // Not yet authenticated (nor refused): still reading the upgrade request.
    bool pending() const { return !decided_ && !stopped_; }

private:
    void do_read_request();
    void on_read_request(beast::error_code ec, std::size_t bytes);
    void do_refuse(push_refusal why);
    void on_refused(beast::error_code ec, std::size_t bytes);
    void on_accept(beast::error_code ec);
    void do_read();
    void on_read(beast::error_code ec, std::size_t bytes);
    void arm_stale_timer();
    void on_stale_timer(beast::error_code ec);
    void on_close(beast::error_code ec);
    bool authorised() const;

    websocket::stream<beast::tcp_stream> ws_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::empty_body>> request_;
    std::optional<http::response<http::string_body>> refusal_;
    net::steady_timer stale_timer_;
    frame_parser parser_;
    int line_;
    listen_options options_;
    line_handler& handler_;
    std::shared_ptr<spdlog::logger> log_;
    std::shared_ptr<push_listener_state> shared_;
    std::string peer_;
    bool decided_ = false;  // the upgrade request was answered (accepted or refused)
    bool holds_slot_ = false;
    bool open_ = false;
    bool stopped_ = false;
    std::chrono::steady_clock::time_point last_frame_;
};

}  // namespace splitstream::ingest
