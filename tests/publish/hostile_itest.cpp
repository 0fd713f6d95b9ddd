// Hostile clients against the publish server on 127.0.0.1: slow headers,
// oversized headers, bodies and frames, many connections from one address,
// invalid WebSocket handshakes, invalid UTF-8, unknown ops, filters naming
// thousands of events. Each gets a clear refusal (status code, close code
// and reason, or error reply), and a well-behaved subscriber connected the
// whole time keeps receiving every event.

#include "hostile_support.hpp"

namespace splitstream::publish {
namespace {

using namespace testing;
using feed::event_type;

TEST_F(hostile_clients, slow_headers_are_cut_off_at_the_request_timeout) {
    start();
    // One header line every 100 ms, forever (bounded: 100 lines): slowloris.
    std::vector<std::string> chunks{"GET /healthz HTTP/1.1\r\n"};
    for (int i = 0; i < 100; ++i) chunks.push_back("X-Slow-" + std::to_string(i) + ": y\r\n");
    auto slow = raw(chunks, std::chrono::milliseconds(100));
    ASSERT_TRUE(run_until(
        ioc, [&] { return slow->ended; }, std::chrono::milliseconds(5000)));
    EXPECT_TRUE(slow->received.empty()) << "a half-sent request must get no answer: " << slow->received;
    EXPECT_EQ(refused("bad_request"), 1u);
    expect_bystander_served();
}

TEST_F(hostile_clients, oversized_headers_get_431_and_an_oversized_body_413) {
    auto o = options();
    o.request_header_max = 2048;
    o.request_body_max = 1024;
    start(o);
    auto big_header = raw_until_ended(
        {"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + std::string(4096, 'a') + "\r\n\r\n"});
    EXPECT_TRUE(big_header->got_status(431)) << big_header->received;
    EXPECT_NE(big_header->received.find("header_too_large"), std::string::npos);

    auto big_body =
        raw_until_ended({"POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n"});
    EXPECT_TRUE(big_body->got_status(413)) << big_body->received;
    EXPECT_NE(big_body->received.find("body_too_large"), std::string::npos);
    EXPECT_EQ(refused("bad_request"), 2u);
    expect_bystander_served();
}

TEST_F(hostile_clients, connections_from_one_address_beyond_its_limit_get_503) {
    auto o = options();
    o.max_connections_per_address = 3;  // the bystander holds one
    start(o);
    std::vector<std::shared_ptr<ws_client>> subs;
    for (int i = 0; i < 2; ++i) {
        subs.push_back(std::make_shared<ws_client>(ioc));
        subs.back()->start(srv->port(), "/v1/stream");
    }
    ASSERT_TRUE(run_until(ioc, [&] {
        return std::all_of(subs.begin(), subs.end(), [](auto& s) { return s->count_type("hello") == 1; });
    }));
    auto over = std::make_shared<ws_client>(ioc);
    over->start(srv->port(), "/v1/stream");
    ASSERT_TRUE(run_until(ioc, [&] { return over->ended; }));
    EXPECT_EQ(over->http_status, 503u);
    auto over_http = raw_until_ended({"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"});
    EXPECT_TRUE(over_http->got_status(503)) << over_http->received;
    EXPECT_NE(over_http->received.find("too_many_connections_from_address"), std::string::npos);
    EXPECT_EQ(refused("connection_limit"), 2u);
    auto over_head = raw_until_ended({"HEAD /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"});
    EXPECT_TRUE(over_head->got_status(503)) << over_head->received;
    EXPECT_EQ(over_head->received.substr(over_head->received.find("\r\n\r\n") + 4), "")
        << "a HEAD answer carries no body";
    EXPECT_EQ(refused("connection_limit"), 3u);

    // A slot freed is a slot to reuse; everyone admitted is still served.
    subs[0]->close_normally();
    ASSERT_TRUE(run_until(ioc, [&] { return subs[0]->ended && srv->connections() == 2; }));
    auto later = std::make_shared<ws_client>(ioc);
    later->start(srv->port(), "/v1/stream");
    ASSERT_TRUE(run_until(ioc, [&] { return later->count_type("hello") == 1; }));
    for (int i = 0; i < 3; ++i) srv->publish(next_event(provider, event_type::split, "A"));
    ASSERT_TRUE(
        run_until(ioc, [&] { return later->event_seqs().size() == 3 && subs[1]->event_seqs().size() == 3; }));
    EXPECT_EQ(bystander->event_seqs().size(), 3u);
    later->close_normally();
    subs[1]->close_normally();
    ASSERT_TRUE(run_until(ioc, [&] { return later->ended && subs[1]->ended; }));
}

TEST_F(hostile_clients, connections_refused_for_their_address_do_not_hold_the_server_slots) {
    auto o = options();
    o.max_connections = 4;
    o.max_connections_per_address = 1;  // the bystander, from 127.0.0.1, holds it
    o.request_timeout = std::chrono::milliseconds(10'000);
    start(o);
    // Ten idle connections from the same address: each will only be told
    // 503, so none may count against max_connections.
    std::vector<std::shared_ptr<raw_client>> idle;
    for (int i = 0; i < 10; ++i) idle.push_back(raw({}));
    ASSERT_TRUE(run_until(ioc, [&] { return srv->connections() == 11; }));
    // Another address is served meanwhile.
    auto other = raw_until_ended({"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"},
                                 "127.0.0.2");
    EXPECT_TRUE(other->got_status(200)) << other->received;
    // And the idle ones are cut off long before the 10 s request timeout.
    ASSERT_TRUE(run_until(
        ioc, [&] { return std::all_of(idle.begin(), idle.end(), [](auto& c) { return c->ended; }); },
        3000ms));
    EXPECT_GE(refused("connection_limit"), 10u);
    srv->publish(next_event(provider, event_type::split, "A"));
    ASSERT_TRUE(run_until(ioc, [&] { return bystander->event_seqs().size() == 1; }));
}

TEST_F(hostile_clients, invalid_websocket_handshakes_get_400_with_a_reason) {
    start();
    const std::vector<std::string> bad = {
        // No key.
        "GET /v1/stream HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n",
        // Wrong version.
        "GET /v1/stream HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Version: 8\r\nSec-WebSocket-Key: " +
            std::string(ws_key) + "\r\n\r\n",
        // A key of the wrong length.
        "GET /v1/stream HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: short\r\n\r\n",
        // A bad %-escape and a since that is no number.
        upgrade_request("/v1/stream?events=%zz"),
        upgrade_request("/v1/stream?since=-4"),
    };
    for (const auto& req : bad) {
        auto c = raw_until_ended({req});
        EXPECT_TRUE(c->got_status(400)) << req << "\n->\n" << c->received;
        EXPECT_NE(c->received.find("\"error\""), std::string::npos) << c->received;
    }
    auto garbage = raw_until_ended({"\x16\x03\x01 this is not HTTP at all\r\n\r\n"});
    EXPECT_TRUE(garbage->got_status(400)) << garbage->received;
    auto wrong_path = raw_until_ended({upgrade_request("/v1/elsewhere")});
    EXPECT_TRUE(wrong_path->got_status(404)) << wrong_path->received;
    expect_bystander_served();
}

TEST_F(hostile_clients, invalid_utf8_in_a_text_frame_closes_with_1007) {
    start();
    auto c = raw({upgrade_request("/v1/stream")});
    ASSERT_TRUE(run_until(ioc, [&] { return c->received.find("\"hello\"") != std::string::npos; }));
    c->send(client_frame(0x1, std::string("{\"op\":\"ping\",\"x\":\"\xC3\x28\"}")));
    ASSERT_TRUE(run_until(ioc, [&] { return c->ended; }));
    auto close = c->close_frame();
    ASSERT_TRUE(close) << c->received;
    EXPECT_EQ(close->first, 1007);
    EXPECT_NE(close->second.find("UTF-8"), std::string::npos);
    expect_bystander_served();
}

TEST_F(hostile_clients, a_binary_message_gets_an_error_reply_and_the_stream_goes_on) {
    start();
    auto c = raw({upgrade_request("/v1/stream")});
    ASSERT_TRUE(run_until(ioc, [&] { return c->received.find("\"hello\"") != std::string::npos; }));
    c->send(client_frame(0x2, std::string("\x00\x01\x02", 3)));
    ASSERT_TRUE(run_until(
        ioc, [&] { return c->received.find("binary messages are not supported") != std::string::npos; }));
    c->send(client_frame(0x1, R"({"op":"ping"})"));
    ASSERT_TRUE(run_until(ioc, [&] { return c->received.find("\"pong\"") != std::string::npos; }));
    EXPECT_FALSE(c->ended);
    expect_bystander_served();
    c->send(client_frame(0x8, "\x03\xe8"));
    ASSERT_TRUE(run_until(ioc, [&] { return c->ended; }));
}

TEST_F(hostile_clients, oversized_frames_close_with_1009_at_the_header) {
    auto o = options();
    o.read_message_max = 1024;
    start(o);
    // Claims 1 MiB and sends 10 bytes: refused at the header, not buffered.
    auto claims = raw({upgrade_request("/v1/stream")});
    ASSERT_TRUE(run_until(ioc, [&] { return claims->received.find("\"hello\"") != std::string::npos; }));
    claims->send(client_frame(0x1, std::string(10, 'x'), 1 << 20));
    ASSERT_TRUE(run_until(ioc, [&] { return claims->ended; }));
    auto close = claims->close_frame();
    ASSERT_TRUE(close) << claims->received;
    EXPECT_EQ(close->first, 1009);
    EXPECT_EQ(close->second, "message too big");

    // Fragments that add up to more than the limit.
    auto fragments = raw({upgrade_request("/v1/stream")});
    ASSERT_TRUE(run_until(ioc, [&] { return fragments->received.find("\"hello\"") != std::string::npos; }));
    auto first = client_frame(0x1, std::string(800, 'x'));
    first[0] = static_cast<char>(first[0] & 0x7F);  // no FIN
    fragments->send(first + client_frame(0x0, std::string(800, 'x')));
    ASSERT_TRUE(run_until(ioc, [&] { return fragments->ended; }));
    close = fragments->close_frame();
    ASSERT_TRUE(close) << fragments->received;
    EXPECT_EQ(close->first, 1009);
    expect_bystander_served();
}

TEST_F(hostile_clients, unknown_and_malformed_ops_get_error_replies_and_the_stream_goes_on) {
    start();
    auto c = std::make_shared<ws_client>(ioc);
    c->start(srv->port(), "/v1/stream");
    ASSERT_TRUE(run_until(ioc, [&] { return c->count_type("hello") == 1; }));
    c->send(R"({"op":")" + std::string(5000, 'z') + R"("})");
    ASSERT_TRUE(run_until(ioc, [&] { return c->count_type("error") == 1; }));
    EXPECT_NE(c->messages.back().find("unknown_op"), std::string::npos);
    EXPECT_LT(c->messages.back().size(), 300u) << "the error must not echo the whole op";
    c->send(R"({"op":"subscribe","events":[1,2,3]})");
    ASSERT_TRUE(run_until(ioc, [&] { return c->count_type("error") == 2; }));
    EXPECT_NE(c->messages.back().find("bad_request"), std::string::npos);
    c->send(R"([{"op":"ping"}])");
    ASSERT_TRUE(run_until(ioc, [&] { return c->count_type("error") == 3; }));
    c->send(R"({"op":"ping"})");
    ASSERT_TRUE(run_until(ioc, [&] { return c->count_type("pong") == 1; }));
    EXPECT_TRUE(c->open);
    expect_bystander_served();
    ASSERT_TRUE(run_until(ioc, [&] { return c->event_seqs().size() == published; }));
    c->close_normally();
    ASSERT_TRUE(run_until(ioc, [&] { return c->ended; }));
}

TEST_F(hostile_clients, filters_naming_thousands_of_events_are_refused) {
    auto o = options();
    o.max_filter_entries = 1000;
    o.request_header_max = 64 * 1024;  // so the limit met is the filter's, not the header's
    start(o);
    auto by_query = std::make_shared<ws_client>(ioc);
    by_query->start(srv->port(), "/v1/stream?events=" + many_event_ids(5000));
    ASSERT_TRUE(run_until(ioc, [&] { return by_query->ended; }));
    EXPECT_EQ(by_query->http_status, 400u);

    auto raw_query = raw_until_ended({upgrade_request("/v1/stream?events=" + many_event_ids(1001))});
    EXPECT_TRUE(raw_query->got_status(400)) << raw_query->received.substr(0, 200);
    EXPECT_NE(raw_query->received.find("too_many_filters"), std::string::npos);

    auto by_op = std::make_shared<ws_client>(ioc);
    by_op->start(srv->port(), "/v1/stream");
    ASSERT_TRUE(run_until(ioc, [&] { return by_op->count_type("hello") == 1; }));
    std::string op = R"({"op":"subscribe","events":[)";
    for (int i = 0; i < 5000; ++i) op += (i ? ",\"E" : "\"E") + std::to_string(i) + "\"";
    by_op->send(op + "]}");
    ASSERT_TRUE(run_until(ioc, [&] { return by_op->count_type("error") == 1; }));
    EXPECT_NE(by_op->messages.back().find("too_many_filters"), std::string::npos);
    // Within the limit is fine.
    by_op->send(R"({"op":"subscribe","events":["A"]})");
    ASSERT_TRUE(run_until(ioc, [&] { return by_op->count_type("subscribed") == 1; }));
    expect_bystander_served();
    ASSERT_TRUE(run_until(ioc, [&] { return by_op->event_seqs().size() == published; }));
    by_op->close_normally();
    ASSERT_TRUE(run_until(ioc, [&] { return by_op->ended; }));
}

TEST_F(hostile_clients, head_answers_have_the_get_headers_and_no_body) {
    start();
    for (const std::string path : {"/healthz", "/readyz", "/v1/events", "/no-such-page", "/v1/nothing"}) {
        // HEAD, then a GET on the same keep-alive connection: any body after
        // the HEAD answer would be read as the start of the next response.
        auto c = raw_until_ended({"HEAD " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" +
                                  "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"});
        const auto end_of_head = c->received.find("\r\n\r\n");
        ASSERT_NE(end_of_head, std::string::npos) << path << ": " << c->received;
        const auto head = c->received.substr(0, end_of_head);
        const auto rest = c->received.substr(end_of_head + 4);
        EXPECT_EQ(rest.rfind("HTTP/1.1 200 ", 0), 0u) << path << ": bytes after the HEAD answer: " << rest;
        const auto length_at = head.find("Content-Length: ");
        ASSERT_NE(length_at, std::string::npos) << head;
        EXPECT_NE(head.substr(length_at + 16, 2), "0\r") << "Content-Length is the GET body's: " << head;
    }
    expect_bystander_served();
}

TEST_F(hostile_clients, plain_requests_beyond_max_connections_get_503) {
    auto o = options();
    o.max_connections = 2;  // the bystander holds one
    start(o);
    auto second = std::make_shared<ws_client>(ioc);
    second->start(srv->port(), "/v1/stream");
    ASSERT_TRUE(run_until(ioc, [&] { return second->count_type("hello") == 1; }));
    auto over_ws = std::make_shared<ws_client>(ioc);
    over_ws->start(srv->port(), "/v1/stream");
    ASSERT_TRUE(run_until(ioc, [&] { return over_ws->ended; }));
    EXPECT_EQ(over_ws->http_status, 503u);
    for (const std::string path : {"/healthz", "/v1/events", "/"}) {
        auto over_http = raw_until_ended({"GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"});
        EXPECT_TRUE(over_http->got_status(503)) << path << ": " << over_http->received;
        EXPECT_NE(over_http->received.find("too_many_connections"), std::string::npos);
    }
    EXPECT_EQ(refused("connection_limit"), 4u);

    // Below the limit again, plain requests are served.
    second->close_normally();
    ASSERT_TRUE(run_until(ioc, [&] { return second->ended && srv->connections() == 1; }));
    auto ok = raw_until_ended({"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"});
    EXPECT_TRUE(ok->got_status(200)) << ok->received;
    expect_bystander_served();
}

}  // namespace
}  // namespace splitstream::publish
