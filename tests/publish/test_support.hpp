#pragma once
// Shared pieces of the publish tests: a fake state provider, a WebSocket
// client on the test's io_context, blocking HTTP helpers run on a thread,
// and a bounded wait.

#include <gtest/gtest.h>
#include <simdjson.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/net.hpp"
#include "feed/derived_event.hpp"
#include "publish/state_provider.hpp"

namespace splitstream::publish::testing {

using namespace std::chrono_literals;

inline std::shared_ptr<spdlog::logger> quiet_logger() {
    return std::make_shared<spdlog::logger>("publish-test", std::make_shared<spdlog::sinks::null_sink_mt>());
}

class fake_provider : public state_provider {
public:
    std::string epoch_value = "e1";
    std::uint64_t head_value = 0;
    std::map<std::string, std::string> states;  // event id -> snapshot JSON
    bool is_ready = false;
    // Snapshots say which events they include, as the engine's do by
    // being its state: {"through":head}.
    bool snapshots_name_head = false;

    std::string epoch() const override { return epoch_value; }
    std::uint64_t head() const override { return head_value; }
    std::vector<std::string> event_ids() const override {
        std::vector<std::string> ids;
        for (const auto& [id, s] : states) ids.push_back(id);
        return ids;
    }
    std::optional<std::string> snapshot_json(std::string_view event) const override {
        auto it = states.find(std::string(event));
        if (it == states.end()) return std::nullopt;
        if (snapshots_name_head) return "{\"through\":" + std::to_string(head_value) + "}";
        return it->second;
    }
    std::string events_json() const override {
        std::string out = "[";
        for (const auto& [id, s] : states)
            out += (out.size() > 1 ? "," : "") + std::string("{\"event\":\"") + id + "\"}";
        return out + "]";
    }
    bool ready() const override { return is_ready; }
};

// The next derived event: advances the provider's head like the engine.
inline feed::derived_event next_event(fake_provider& p, feed::event_type type, std::string event,
                                      std::size_t pad = 0) {
    feed::derived_event ev;
    ev.seq = ++p.head_value;
    ev.type = type;
    ev.event = std::move(event);
    ev.text = "event " + std::to_string(ev.seq);
    ev.json = "{\"seq\":" + std::to_string(ev.seq) + ",\"type\":\"" + feed::to_string(type) +
              "\",\"event\":\"" + ev.event + "\",\"text\":\"" + ev.text + "\",\"pad\":\"" +
              std::string(pad, 'x') + "\"}";
    return ev;
}

// Runs the io_context in short slices until `done()` or `limit` passes.
inline bool run_until(net::io_context& ioc, const std::function<bool()>& done,
                      std::chrono::milliseconds limit = 5000ms) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (done()) return true;
        ioc.run_for(2ms);
        if (ioc.stopped()) ioc.restart();
    }
    return done();
}

struct parsed_message {
    std::string type;
    std::uint64_t seq = 0;
    std::string event;
};

inline parsed_message parse_message(const std::string& text) {
    thread_local simdjson::dom::parser parser;
    simdjson::dom::element doc;
    parsed_message m;
    if (parser.parse(text).get(doc) != simdjson::SUCCESS) return m;
    std::string_view sv;
    if (doc["type"].get_string().get(sv) == simdjson::SUCCESS) m.type = std::string(sv);
    std::uint64_t seq = 0;
    if (doc["seq"].get_uint64().get(seq) == simdjson::SUCCESS) m.seq = seq;
    if (doc["event"].get_string().get(sv) == simdjson::SUCCESS) m.event = std::string(sv);
    return m;
}

// The messages of WebSocket frames: a `batch=1` frame split into its
// lines, any other frame as it is.
inline std::vector<std::string> batch_lines(const std::string& frame) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (auto nl = frame.find('\n'); nl != std::string::npos; nl = frame.find('\n', start)) {
        lines.push_back(frame.substr(start, nl - start));
        start = nl + 1;
    }
    lines.push_back(frame.substr(start));
    return lines;
}

inline std::vector<std::string> batch_lines(const std::vector<std::string>& frames) {
    std::vector<std::string> lines;
    for (const auto& f : frames)
        for (auto& line : batch_lines(f)) lines.push_back(std::move(line));
    return lines;
}

inline bool is_derived_type(const std::string& type) {
    feed::event_type t{};
    return feed::parse_event_type(type, t);
}

// An asynchronous WebSocket client on the test's io_context (Beast's client
// stream: it masks, answers pings while reading, and records the close).
class ws_client : public std::enable_shared_from_this<ws_client> {
public:
    explicit ws_client(net::io_context& ioc, int receive_buffer = 0)
        : ioc_(ioc), ws_(ioc), rcvbuf_(receive_buffer) {}

    std::vector<std::string> messages;
    bool open = false;
    bool ended = false;
    beast::error_code error;
    websocket::close_reason close;
    unsigned http_status = 0;  // of a refused handshake
    // Called with each message as it arrives, before the next read starts.
    std::function<void(const std::string&)> on_message;

    void start(std::uint16_t port, std::string target,
               std::vector<std::pair<std::string, std::string>> headers = {}, bool read = true) {
        read_ = read;
        target_ = std::move(target);
        ws_.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
            for (const auto& [k, v] : headers) req.set(k, v);
        }));
        auto& sock = beast::get_lowest_layer(ws_).socket();
        sock.open(tcp::v4());
        if (rcvbuf_ > 0) sock.set_option(net::socket_base::receive_buffer_size(rcvbuf_));
        beast::get_lowest_layer(ws_).async_connect(
            tcp::endpoint(net::ip::make_address("127.0.0.1"), port),
            [self = shared_from_this()](beast::error_code ec) { self->on_connect(ec); });
    }

    void start_reading() {
        if (read_ || !open) return;
        read_ = true;
        do_read();
    }

    void send(std::string text) {
        out_ = std::move(text);
        ws_.async_write(net::buffer(out_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) self->error = ec;
        });
    }

    // Ends the TCP connection without a close handshake.
    void drop() {
        beast::error_code ec;
        beast::get_lowest_layer(ws_).socket().close(ec);
    }

    // Ends it with a reset (SO_LINGER 0): the server's next write to it
    // fails at once.
    void reset() {
        beast::error_code ec;
        auto& sock = beast::get_lowest_layer(ws_).socket();
        sock.set_option(net::socket_base::linger(true, 0), ec);
        sock.close(ec);
    }

    void close_normally() {
        ws_.async_close(websocket::close_code::normal, [self = shared_from_this()](beast::error_code) {});
    }

    // Each message is parsed once, on arrival: the tests poll these between
    // turns of the loop, so they must not cost more as messages pile up.
    const std::vector<parsed_message>& parsed() const { return parsed_; }
    // Seqs of derived events received, in order.
    const std::vector<std::uint64_t>& event_seqs() const { return event_seqs_; }
    std::size_t count_type(const std::string& type) const {
        std::size_t n = 0;
        for (const auto& m : parsed_) n += m.type == type;
        return n;
    }

private:
    void on_connect(beast::error_code ec) {
        if (ec) return finish(ec);
        ws_.async_handshake(response_, "127.0.0.1", target_,
                            [self = shared_from_this()](beast::error_code ec) { self->on_handshake(ec); });
    }
    void on_handshake(beast::error_code ec) {
        if (ec) {
            http_status = response_.result_int();
            return finish(ec);
        }
        open = true;
        if (read_) do_read();
    }
    void do_read() {
        ws_.async_read(buffer_,
                       [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }
    void on_read(beast::error_code ec) {
        if (ec) {
            close = ws_.reason();
            return finish(ec);
        }
        messages.push_back(beast::buffers_to_string(buffer_.data()));
        buffer_.consume(buffer_.size());
        parsed_.push_back(parse_message(messages.back()));
        if (is_derived_type(parsed_.back().type)) event_seqs_.push_back(parsed_.back().seq);
        if (on_message) on_message(messages.back());
        do_read();
    }
    void finish(beast::error_code ec) {
        error = ec;
        open = false;
        ended = true;
        beast::error_code ignored;
        beast::get_lowest_layer(ws_).socket().close(ignored);
    }

    net::io_context& ioc_;
    websocket::stream<beast::tcp_stream> ws_;
    int rcvbuf_;
    bool read_ = true;
    std::string target_;
    websocket::response_type response_;
    beast::flat_buffer buffer_;
    std::string out_;
    std::vector<parsed_message> parsed_;
    std::vector<std::uint64_t> event_seqs_;
};

struct http_result {
    unsigned status = 0;
    std::string body;
    std::map<std::string, std::string> headers;
};

// A blocking HTTP GET on its own thread while the test's io_context runs.
inline http_result http_get(net::io_context& ioc, std::uint16_t port, std::string target,
                            std::vector<std::pair<std::string, std::string>> headers = {}) {
    auto fut = std::async(std::launch::async, [port, target, headers] {
        net::io_context client_ioc;
        beast::tcp_stream stream(client_ioc);
        stream.expires_after(5s);
        stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
        http::request<http::empty_body> req{http::verb::get, target, 11};
        req.set(http::field::host, "127.0.0.1");
        for (const auto& [k, v] : headers) req.set(k, v);
        http::write(stream, req);
        beast::flat_buffer buf;
        http::response<http::string_body> res;
        http::read(stream, buf, res);
        http_result out;
        out.status = res.result_int();
        out.body = res.body();
        for (const auto& f : res) out.headers[std::string(f.name_string())] = std::string(f.value());
        return out;
    });
    run_until(
        ioc, [&] { return fut.wait_for(0s) == std::future_status::ready; }, 6000ms);
    return fut.get();
}

}  // namespace splitstream::publish::testing
