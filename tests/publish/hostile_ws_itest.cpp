// Hostile WebSocket clients after a good upgrade: frames sent in the same
// packet as the upgrade request, close frames with codes RFC 6455 forbids
// on the wire or reasons that are not UTF-8, one oversized frame sent in
// many chunks. Each gets the answer the RFC asks for, counted once, and the
// bystander subscriber keeps its stream.

#include "hostile_support.hpp"

namespace splitstream::publish {
namespace {

using namespace testing;

using hostile_websocket_clients = hostile_clients;

std::string close_payload(std::uint16_t code, const std::string& reason = {}) {
    std::string p{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
    return p + reason;
}

TEST_F(hostile_websocket_clients, frames_sent_with_the_upgrade_request_are_answered_at_once) {
    start();
    // The upgrade request and two messages in one write: nothing more is
    // sent, so the answers can only come from the bytes read with the request.
    auto c = raw({upgrade_request("/v1/stream") + client_frame(0x1, R"({"op":"ping"})") +
                  client_frame(0x9, "are you there")});
    ASSERT_TRUE(run_until(ioc, [&] {
        return c->received.find("{\"type\":\"pong\"}") != std::string::npos &&
               c->received.find("are you there") != std::string::npos;
    })) << c->received;
    EXPECT_FALSE(c->ended);
    c->send(client_frame(0x8, close_payload(1000)));
    ASSERT_TRUE(run_until(ioc, [&] { return c->ended; }));
    expect_bystander_served();
}

TEST_F(hostile_websocket_clients, close_codes_not_allowed_on_the_wire_are_answered_with_1002) {
    start();
    for (std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 2999, 5000, 65535}) {
        auto c = raw({upgrade_request("/v1/stream")});
        ASSERT_TRUE(run_until(ioc, [&] { return c->received.find("\"hello\"") != std::string::npos; }));
        c->send(client_frame(0x8, close_payload(code)));
        ASSERT_TRUE(run_until(ioc, [&] { return c->ended; })) << code;
        auto close = c->close_frame();
        ASSERT_TRUE(close) << code << ": " << c->received;
        EXPECT_EQ(close->first, close_protocol_error) << code;
    }
    // Codes a client may send are echoed, as before.
    for (std::uint16_t code : {1000, 1001, 3000, 4999}) {
        auto c = raw({upgrade_request("/v1/stream")});
        ASSERT_TRUE(run_until(ioc, [&] { return c->received.find("\"hello\"") != std::string::npos; }));
        c->send(client_frame(0x8, close_payload(code, "bye")));
        ASSERT_TRUE(run_until(ioc, [&] { return c->ended; })) << code;
        auto close = c->close_frame();
        ASSERT_TRUE(close) << code;
        EXPECT_EQ(close->first, code);
    }
    expect_bystander_served();
}

TEST_F(hostile_websocket_clients, a_close_reason_that_is_not_utf8_is_answered_with_1007) {
    start();
    auto c = raw({upgrade_request("/v1/stream")});
    ASSERT_TRUE(run_until(ioc, [&] { return c->received.find("\"hello\"") != std::string::npos; }));
    c->send(client_frame(0x8, close_payload(1000, "\xC3\x28")));
    ASSERT_TRUE(run_until(ioc, [&] { return c->ended; }));
    auto close = c->close_frame();
    ASSERT_TRUE(close) << c->received;
    EXPECT_EQ(close->first, close_invalid_payload);
    expect_bystander_served();
}

TEST_F(hostile_websocket_clients, one_oversized_frame_in_many_chunks_is_one_protocol_error) {
    start();
    auto c = raw({upgrade_request("/v1/stream")});
    ASSERT_TRUE(run_until(ioc, [&] { return c->received.find("\"hello\"") != std::string::npos; }));
    // A 200 KB text frame, over read_message_max, written in 4 KB pieces
    // while the server is already closing.
    const auto frame = client_frame(0x1, std::string(200 * 1024, 'x'));
    for (std::size_t at = 0; at < frame.size(); at += 4096) c->send(frame.substr(at, 4096));
    ASSERT_TRUE(run_until(ioc, [&] { return c->ended; }));
    auto close = c->close_frame();
    ASSERT_TRUE(close) << c->received;
    EXPECT_EQ(close->first, close_too_big);
    EXPECT_EQ(counter_value("publish_protocol_errors_total"), 1u);
    expect_bystander_served();
}

}  // namespace
}  // namespace splitstream::publish
