#pragma once
// What the hostile-client suites share: a raw client that writes exactly
// the bytes it is given and records every byte it gets, hand-made upgrade
// requests and client frames, and a fixture that runs the server with a
// well-behaved subscriber connected throughout.

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "publish/frame.hpp"
#include "publish/server.hpp"
#include "test_support.hpp"

namespace splitstream::publish::testing {

inline constexpr const char* ws_key = "dGhlIHNhbXBsZSBub25jZQ==";

// A client that writes exactly the bytes it is given (in chunks, with a
// pause between them) and records every byte it receives until the server
// closes. Runs on the test's io_context.
class raw_client : public std::enable_shared_from_this<raw_client> {
public:
    explicit raw_client(net::io_context& ioc) : socket_(ioc), timer_(ioc) {}

    std::string received;
    bool ended = false;

    // `source`: the local address to connect from (any of 127.0.0.0/8 is
    // loopback on Linux, so a test can be several clients' addresses).
    void start(std::uint16_t port, std::vector<std::string> chunks,
               std::chrono::milliseconds gap = std::chrono::milliseconds(0), const char* source = nullptr) {
        chunks_ = std::move(chunks);
        gap_ = gap;
        if (source) {
            socket_.open(tcp::v4());
            socket_.bind(tcp::endpoint(net::ip::make_address(source), 0));
        }
        socket_.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port),
                              [self = shared_from_this()](beast::error_code ec) {
                                  if (ec) return self->finish();
                                  self->do_read();
                                  self->write_next();
                              });
    }

    // Sends more bytes after the first chunks (e.g. frames after a 101).
    void send(std::string bytes) {
        chunks_.push_back(std::move(bytes));
        if (!writing_) write_next();
    }

    bool got_status(unsigned status) const {
        return received.rfind("HTTP/1.1 " + std::to_string(status) + " ", 0) == 0;
    }

    // The code and reason of the server's close frame, if one arrived
    // (frames start after the 101 response; server frames are unmasked).
    std::optional<std::pair<std::uint16_t, std::string>> close_frame() const {
        auto pos = received.find("\r\n\r\n");
        if (pos == std::string::npos) return std::nullopt;
        pos += 4;
        while (pos + 2 <= received.size()) {
            const auto b0 = static_cast<unsigned char>(received[pos]);
            std::size_t len = static_cast<unsigned char>(received[pos + 1]) & 0x7F;
            std::size_t header = 2;
            if (len == 126) {
                if (pos + 4 > received.size()) return std::nullopt;
                len = (std::size_t{static_cast<unsigned char>(received[pos + 2])} << 8) |
                      static_cast<unsigned char>(received[pos + 3]);
                header = 4;
            }
            if (pos + header + len > received.size()) return std::nullopt;
            if ((b0 & 0x0F) == 0x8 && len >= 2) {
                const auto* p = reinterpret_cast<const unsigned char*>(received.data() + pos + header);
                return std::pair{static_cast<std::uint16_t>((p[0] << 8) | p[1]),
                                 received.substr(pos + header + 2, len - 2)};
            }
            pos += header + len;
        }
        return std::nullopt;
    }

private:
    void write_next() {
        if (ended || chunks_.empty()) return;
        writing_ = true;
        out_ = std::move(chunks_.front());
        chunks_.erase(chunks_.begin());
        net::async_write(socket_, net::buffer(out_),
                         [self = shared_from_this()](beast::error_code ec, std::size_t) {
                             self->writing_ = false;
                             if (ec || self->chunks_.empty()) return;
                             if (self->gap_.count() == 0) return self->write_next();
                             self->timer_.expires_after(self->gap_);
                             self->timer_.async_wait([self](beast::error_code ec) {
                                 if (!ec) self->write_next();
                             });
                         });
    }
    void do_read() {
        socket_.async_read_some(net::buffer(buf_),
                                [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                                    if (ec) return self->finish();
                                    self->received.append(self->buf_.data(), n);
                                    self->do_read();
                                });
    }
    void finish() {
        ended = true;
        timer_.cancel();
        beast::error_code ignored;
        socket_.close(ignored);
    }

    tcp::socket socket_;
    net::steady_timer timer_;
    std::vector<std::string> chunks_;
    std::chrono::milliseconds gap_{0};
    std::string out_;
    std::array<char, 4096> buf_{};
    bool writing_ = false;
};

inline std::string upgrade_request(const std::string& target, const std::string& extra = {}) {
    return "GET " + target +
           " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " +
           ws_key + "\r\n" + extra + "\r\n";
}

// A masked client frame (RFC 6455 §5.2); `declared` overrides the length
// field (to claim more than is sent).
inline std::string client_frame(unsigned char opcode, const std::string& payload, std::size_t declared = 0) {
    const std::size_t len = declared ? declared : payload.size();
    std::string f(1, static_cast<char>(0x80 | opcode));
    if (len < 126) {
        f.push_back(static_cast<char>(0x80 | len));
    } else if (len < 65536) {
        f.push_back(static_cast<char>(0x80 | 126));
        f.push_back(static_cast<char>(len >> 8));
        f.push_back(static_cast<char>(len & 0xFF));
    } else {
        f.push_back(static_cast<char>(0x80 | 127));
        for (int i = 7; i >= 0; --i) f.push_back(static_cast<char>((len >> (8 * i)) & 0xFF));
    }
    const char mask[4] = {0x0B, 0x16, 0x21, 0x2C};
    f.append(mask, 4);
    for (std::size_t i = 0; i < payload.size(); ++i) f.push_back(static_cast<char>(payload[i] ^ mask[i & 3]));
    return f;
}

inline std::string many_event_ids(int n) {
    std::string ids;
    for (int i = 0; i < n; ++i) ids += (i ? "," : "") + std::string("E") + std::to_string(i);
    return ids;
}

class hostile_clients : public ::testing::Test {
protected:
    net::io_context ioc;
    fake_provider provider;
    metrics_registry registry;
    std::unique_ptr<server> srv;
    std::shared_ptr<ws_client> bystander;
    std::vector<std::shared_ptr<raw_client>> raws;
    std::size_t published = 0;

    static server_options options() {
        return {.listen_address = "127.0.0.1",
                .listen_port = 0,
                .close_timeout = std::chrono::milliseconds(300),
                .request_timeout = std::chrono::milliseconds(400)};
    }

    // Starts the server and a subscriber that behaves, connected throughout.
    void start(server_options o = options()) {
        srv = std::make_unique<server>(ioc, std::move(o), provider, registry, quiet_logger());
        srv->start();
        bystander = std::make_shared<ws_client>(ioc);
        bystander->start(srv->port(), "/v1/stream");
        ASSERT_TRUE(run_until(ioc, [&] { return bystander->count_type("hello") == 1; }));
    }

    std::shared_ptr<raw_client> raw(std::vector<std::string> chunks,
                                    std::chrono::milliseconds gap = std::chrono::milliseconds(0),
                                    const char* source = nullptr) {
        auto c = std::make_shared<raw_client>(ioc);
        c->start(srv->port(), std::move(chunks), gap, source);
        raws.push_back(c);
        return c;
    }

    std::shared_ptr<raw_client> raw_until_ended(std::vector<std::string> chunks,
                                                const char* source = nullptr) {
        auto c = raw(std::move(chunks), std::chrono::milliseconds(0), source);
        EXPECT_TRUE(run_until(ioc, [&] { return c->ended; })) << "server never closed";
        return c;
    }

    // The daemon keeps serving everyone else: the bystander gets new events.
    void expect_bystander_served() {
        for (int i = 0; i < 3; ++i) srv->publish(next_event(provider, feed::event_type::split, "A"));
        published += 3;
        ASSERT_TRUE(run_until(ioc, [&] { return bystander->event_seqs().size() == published; }))
            << "bystander got " << bystander->event_seqs().size() << " of " << published;
        EXPECT_TRUE(bystander->open);
        EXPECT_EQ(http_get(ioc, srv->port(), "/healthz").status, 200u);
    }

    std::uint64_t refused(const char* reason) {
        return registry.make_counter("publish_connections_refused_total", "", {{"reason", reason}}).value();
    }
    std::uint64_t counter_value(const char* name) { return registry.make_counter(name, "").value(); }

    void TearDown() override {
        if (!srv) return;
        srv->stop();
        EXPECT_TRUE(run_until(ioc,
                              [&] {
                                  return srv->connections() == 0 && bystander->ended &&
                                         std::all_of(raws.begin(), raws.end(),
                                                     [](auto& c) { return c->ended; });
                              }))
            << "sessions still open: " << srv->connections();
    }
};

}  // namespace splitstream::publish::testing
