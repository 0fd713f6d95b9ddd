#pragma once
// `splitstream tail`: a subscriber that prints the derived events of a
// splitstream stream (PROTOCOL.md §2) as ticker lines or raw JSON. It keeps
// the stream's epoch and the last seq it printed; after a disconnect it
// reconnects with backoff and `?since=<seq>&epoch=<epoch>`, and prints
// nothing twice (a frame whose seq it already printed in this epoch is
// skipped). Runs on the io_context given; owned by its pending operations.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <simdjson.h>

#include "base/net.hpp"

namespace spdlog {
class logger;
}

namespace splitstream::tail {

// ws://HOST:PORT[/path][?query]; the path defaults to /v1/stream.
struct ws_url {
    std::string host;
    std::string port;
    std::string path;  // with any query the user gave
};
std::optional<ws_url> parse_ws_url(const std::string& url);

enum class tail_format { ticker, json };

struct tail_options {
    std::string url;
    tail_format format = tail_format::ticker;
    std::vector<std::string> events;                    // empty: all
    std::vector<std::string> types;                     // empty: all
    std::optional<std::uint64_t> count;                 // stop after printing this many events
    std::optional<std::chrono::milliseconds> duration;  // stop after this long
    std::chrono::milliseconds backoff_initial{200};
    std::chrono::milliseconds backoff_max{5000};
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds idle_timeout{15000};  // no frame nor pong: reconnect
    std::size_t max_message_bytes = 16u << 20;
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
    tail_client(net::io_context& ioc, tail_options options, std::ostream& out,
                std::shared_ptr<spdlog::logger> log);

    // Starts connecting; the client stops by itself on count/duration.
    void run();
    // Stops: no reconnect; the io_context runs out of work.
    void stop();
    const tail_stats& stats() const { return stats_; }
    bool done() const { return stopped_; }

private:
    void do_resolve();
    void on_resolve(beast::error_code ec, tcp::resolver::results_type results);
    void on_connect(beast::error_code ec, tcp::endpoint);
    void on_handshake(beast::error_code ec);
    void do_read();
    void on_read(beast::error_code ec, std::size_t bytes);
    void handle(std::string_view frame);
    bool wanted_event(std::string_view event) const;
    void print(std::string_view frame, std::string_view event, std::string_view text, std::string_view type);
    void schedule_reconnect(beast::error_code ec, const char* what);
    void on_backoff(beast::error_code ec);
    std::string target() const;

    net::io_context& ioc_;
    tail_options opt_;
    ws_url url_;
    std::ostream& out_;
    std::shared_ptr<spdlog::logger> log_;
    tcp::resolver resolver_;
    std::optional<websocket::stream<beast::tcp_stream>> ws_;
    beast::flat_buffer buffer_;
    simdjson::dom::parser parser_;  // reused for every frame
    net::steady_timer backoff_timer_;
    net::steady_timer deadline_;
    std::chrono::milliseconds backoff_;
    std::uint64_t jitter_state_ = 0x9e3779b97f4a7c15ULL;
    tail_stats stats_;
    bool stopped_ = false;
};

// Runs a tail client until it stops (count, duration) or SIGINT/SIGTERM.
// Returns 0, or 1 for a bad URL.
int run_tail(const tail_options& options, std::ostream& out, std::shared_ptr<spdlog::logger> log);

}  // namespace splitstream::tail
