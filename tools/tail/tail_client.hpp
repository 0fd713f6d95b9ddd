#pragma once
// `splitstream tail`: a subscriber that prints the derived events of a
// splitstream stream (PROTOCOL.md §2), over ws:// or wss://, as ticker
// lines or raw JSON. It keeps the stream's epoch and the last seq it
// printed; after a disconnect it reconnects with backoff and
// `?since=<seq>&epoch=<epoch>`, and prints nothing twice (a frame whose seq
// it already printed in this epoch is skipped). Runs on the io_context
// given; owned by its pending operations.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>
#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>

#include "base/net.hpp"
#include "ingest/backoff.hpp"
#include "ingest/tls_client.hpp"
#include "ingest/ws_url.hpp"

namespace spdlog {
class logger;
}

namespace splitstream::tail {

// The stream's path when the URL gives none.
inline constexpr std::string_view default_stream_path = "/v1/stream";

enum class tail_format { ticker, json };

struct tail_options {
    std::string url;  // ws://HOST[:PORT][/PATH][?QUERY] or wss://...
    tail_format format = tail_format::ticker;
    std::vector<std::string> events;                    // empty: all
    std::vector<std::string> types;                     // empty: all
    std::optional<std::uint64_t> count;                 // stop after printing this many events
    std::optional<std::chrono::milliseconds> duration;  // stop after this long
    // The live desk: open with the last `recent` headlines of the stream
    // (`recent=`; 0: snapshots only, as before), and show every event
    // `delay` after it happened (`delay=`; to stay behind a video stream).
    std::uint32_t recent = 50;
    std::optional<std::chrono::milliseconds> delay;
    // 200 ms doubling to 5 s; each wait shortened by up to a quarter so
    // that many tails do not return at once.
    ingest::backoff_options reconnect{.initial = std::chrono::milliseconds(200),
                                      .cap = std::chrono::milliseconds(5000),
                                      .multiplier = 2.0,
                                      .jitter = 0.25};
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds idle_timeout{15000};  // no frame nor pong: reconnect
    std::size_t max_message_bytes = 16u << 20;
    ingest::tls_trust tls{};  // for wss:// URLs
};

// What the client saw, for tests and the exit message.
struct tail_stats {
    std::uint64_t printed = 0;
    std::uint64_t skipped_duplicates = 0;
    std::uint64_t connects = 0;
    std::uint64_t last_seq = 0;
    std::string epoch;
};

class tail_client : public std::enable_shared_from_this<tail_client> {
public:
    struct created {
        std::shared_ptr<tail_client> client;  // null on error
        std::string error;                    // why it could not be made
    };

    // Checks the URL and, for wss://, builds the TLS context.
    static created create(net::io_context& ioc, tail_options options, std::ostream& out,
                          std::shared_ptr<spdlog::logger> log);

    tail_client(net::io_context& ioc, tail_options options, ingest::ws_url url, std::ostream& out,
                std::shared_ptr<spdlog::logger> log);

    // Starts connecting; the client stops by itself on count/duration.
    void run();
    // Stops: no reconnect; the io_context runs out of work.
    void stop();
    const tail_stats& stats() const { return stats_; }
    bool done() const { return stopped_; }

private:
    using plain_ws = websocket::stream<beast::tcp_stream>;
    using tls_ws = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

    void do_resolve();
    void on_resolve(beast::error_code ec, tcp::resolver::results_type results);
    void on_connect(beast::error_code ec, tcp::endpoint);
    void on_tls_handshake(beast::error_code ec);
    void do_ws_handshake();
    void on_handshake(beast::error_code ec);
    void do_read();
    void on_read(beast::error_code ec, std::size_t bytes);
    void handle(std::string_view frame);
    bool wanted_event(std::string_view event) const;
    void print(std::string_view frame, std::string_view event, std::string_view text, std::string_view type);
    void schedule_reconnect(beast::error_code ec, const char* what);
    void on_backoff(beast::error_code ec);
    void close_socket();
    std::string target() const;

    template <class F>
    void with_ws(F&& f) {
        if (tls_)
            f(*tls_);
        else if (plain_)
            f(*plain_);
    }

    net::io_context& ioc_;
    tail_options opt_;
    ingest::ws_url url_;
    std::ostream& out_;
    std::shared_ptr<spdlog::logger> log_;
    net::ssl::context tls_context_;
    tcp::resolver resolver_;
    // One of them, fresh per connection: a websocket stream cannot be reused.
    std::unique_ptr<plain_ws> plain_;
    std::unique_ptr<tls_ws> tls_;
    beast::flat_buffer buffer_;
    simdjson::dom::parser parser_;  // reused for every frame
    net::steady_timer backoff_timer_;
    net::steady_timer deadline_;
    ingest::backoff backoff_;
    tail_stats stats_;
    bool stopped_ = false;
};

// How long a stopped client's loop may still run to finish the completions
// of its closed socket; the process exits after it at the latest.
inline constexpr std::chrono::milliseconds stop_grace{100};

// Runs a tail client until it stops (count, duration) or SIGINT/SIGTERM.
// Returns 0, or 1 for a bad URL or TLS set-up (logged).
int run_tail(const tail_options& options, std::ostream& out, std::shared_ptr<spdlog::logger> log);

}  // namespace splitstream::tail
