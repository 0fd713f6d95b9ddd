// The publish module's pure parts: client frame parsing, the frame ring,
// the history ring, filters, tokens, request targets, static paths.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "publish/address_limiter.hpp"
#include "publish/client_op.hpp"
#include "publish/filter.hpp"
#include "publish/frame.hpp"
#include "publish/frame_reader.hpp"
#include "publish/frame_ring.hpp"
#include "publish/history.hpp"
#include "publish/jwt.hpp"
#include "publish/routes.hpp"
#include "publish/static_files.hpp"

namespace splitstream::publish {
namespace {

// A masked client frame, as a browser would send it.
std::string client_frame(ws_opcode op, std::string_view payload, bool fin = true) {
    std::string out;
    out.push_back(static_cast<char>((fin ? 0x80 : 0) | static_cast<int>(op)));
    if (payload.size() < 126) {
        out.push_back(static_cast<char>(0x80 | payload.size()));
    } else {
        out.push_back(static_cast<char>(0x80 | 126));
        out.push_back(static_cast<char>(payload.size() >> 8));
        out.push_back(static_cast<char>(payload.size() & 0xFF));
    }
    const char mask[4] = {0x12, 0x34, 0x56, 0x78};
    out.append(mask, 4);
    for (std::size_t i = 0; i < payload.size(); ++i)
        out.push_back(static_cast<char>(payload[i] ^ mask[i % 4]));
    return out;
}

TEST(frame, server_frames_are_unmasked_with_the_right_length_encoding) {
    auto small = make_text_frame("hi");
    EXPECT_EQ(wire(*small), std::string("\x81\x02hi", 4));
    // One line of a batch: the same payload and the newline after it.
    EXPECT_EQ(payload_line(*small), "hi\n");
    auto medium = make_text_frame(std::string(300, 'a'));
    EXPECT_EQ(wire(*medium).substr(0, 4), std::string("\x81\x7e\x01\x2c", 4));
    EXPECT_EQ(wire(*medium).size(), 304u);
    auto large = make_text_frame(std::string(70000, 'a'));
    EXPECT_EQ(static_cast<unsigned char>(wire(*large)[1]), 127u);
    EXPECT_EQ(wire(*large).size(), 70010u);
    auto close = make_close_frame(4008, "slow");
    EXPECT_EQ(wire(*close), std::string("\x88\x06\x0f\xa8slow", 8));
}

TEST(frame_reader, parses_masked_messages_fragments_and_controls) {
    frame_reader r(1024);
    std::string in = client_frame(ws_opcode::text, R"({"op":"ping"})") + client_frame(ws_opcode::ping, "p") +
                     client_frame(ws_opcode::text, "ab", false) + client_frame(ws_opcode::pong, "") +
                     client_frame(ws_opcode::continuation, "cd");
    std::vector<std::pair<client_frame_kind, std::string>> got;
    std::size_t off = 0;
    while (off < in.size()) {
        auto res = r.next(in.data() + off, in.size() - off);
        ASSERT_GT(res.consumed, 0u);
        off += res.consumed;
        if (res.kind != client_frame_kind::none) got.emplace_back(res.kind, std::string(r.payload()));
    }
    ASSERT_EQ(got.size(), 4u);
    EXPECT_EQ(got[0], std::make_pair(client_frame_kind::text, std::string(R"({"op":"ping"})")));
    EXPECT_EQ(got[1], std::make_pair(client_frame_kind::ping, std::string("p")));
    EXPECT_EQ(got[2].first, client_frame_kind::pong);
    EXPECT_EQ(got[3], std::make_pair(client_frame_kind::text, std::string("abcd")));
}

TEST(frame_reader, waits_for_partial_frames_and_refuses_bad_ones) {
    frame_reader r(16);
    std::string f = client_frame(ws_opcode::text, "hello");
    EXPECT_EQ(r.next(f.data(), 3).consumed, 0u);
    EXPECT_EQ(r.next(f.data(), f.size()).kind, client_frame_kind::text);

    std::string unmasked("\x81\x02hi", 4);
    EXPECT_EQ(r.next(unmasked.data(), unmasked.size()).kind, client_frame_kind::error);
    EXPECT_EQ(r.error_code(), close_protocol_error);

    std::string big = client_frame(ws_opcode::text, std::string(17, 'x'));
    EXPECT_EQ(frame_reader(16).next(big.data(), 4).kind, client_frame_kind::error);  // refused at the header

    frame_reader r2(16);
    std::string parts = client_frame(ws_opcode::text, std::string(10, 'x'), false) +
                        client_frame(ws_opcode::continuation, std::string(10, 'x'));
    auto first = r2.next(parts.data(), parts.size());
    EXPECT_EQ(first.kind, client_frame_kind::none);
    EXPECT_EQ(r2.next(parts.data() + first.consumed, parts.size() - first.consumed).kind,
              client_frame_kind::error);
    EXPECT_EQ(r2.error_code(), close_too_big);

    frame_reader r3(16);
    std::string close = client_frame(ws_opcode::close, std::string("\x03\xe8"
                                                                   "bye",
                                                                   5));
    EXPECT_EQ(r3.next(close.data(), close.size()).kind, client_frame_kind::close);
    EXPECT_EQ(r3.close_code(), 1000);
    EXPECT_EQ(r3.payload(), "bye");
}

TEST(frame_reader, refuses_close_codes_rfc6455_forbids_on_the_wire_and_reasons_that_are_not_utf8) {
    auto close_with = [](std::uint16_t code, std::string_view reason = "") {
        std::string payload{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
        payload += reason;
        return client_frame(ws_opcode::close, payload);
    };
    for (std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535}) {
        frame_reader r(64);
        auto f = close_with(code);
        EXPECT_EQ(r.next(f.data(), f.size()).kind, client_frame_kind::error) << code;
        EXPECT_EQ(r.error_code(), close_protocol_error) << code;
    }
    for (std::uint16_t code :
         {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4000, 4999}) {
        frame_reader r(64);
        auto f = close_with(code, "ok");
        EXPECT_EQ(r.next(f.data(), f.size()).kind, client_frame_kind::close) << code;
        EXPECT_EQ(r.close_code(), code);
        EXPECT_EQ(r.payload(), "ok");
    }
    frame_reader empty(64);
    auto bare = client_frame(ws_opcode::close, "");
    EXPECT_EQ(empty.next(bare.data(), bare.size()).kind, client_frame_kind::close);
    EXPECT_EQ(empty.close_code(), 1005);  // no code at all is allowed, and reported as 1005

    frame_reader bad_reason(64);
    auto f = close_with(1000, "\xC3\x28");
    EXPECT_EQ(bad_reason.next(f.data(), f.size()).kind, client_frame_kind::error);
    EXPECT_EQ(bad_reason.error_code(), close_invalid_payload);
}

TEST(frame_ring, keeps_order_across_growth_and_refuses_beyond_its_bound) {
    frame_ring ring(20, 2);
    for (int i = 0; i < 20; ++i) {
        auto f = std::make_shared<frame>();
        f->seq = i;
        EXPECT_TRUE(ring.push(f));
        if (i % 3 == 0) ring.pop(1);
    }
    EXPECT_EQ(ring.size(), 13u);
    EXPECT_EQ(ring.at(12)->seq, 19u);
    std::uint64_t prev = ring.front()->seq;
    for (std::size_t i = 1; i < ring.size(); ++i) {
        EXPECT_EQ(ring.at(i)->seq, prev + 1);
        prev = ring.at(i)->seq;
    }
    frame_ring full(3);
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(full.push(std::make_shared<frame>()));
    EXPECT_FALSE(full.push(std::make_shared<frame>()));
    full.truncate(1);
    EXPECT_EQ(full.size(), 1u);
}

history_entry entry(std::uint64_t seq, std::size_t size = 10) {
    auto f = std::make_shared<frame>();
    f->bytes.assign(size, 'x');
    f->seq = seq;
    return {seq, feed::event_type::split, "A", f};
}

TEST(frame_ring, holds_no_storage_until_used_and_gives_it_back) {
    frame_ring ring(1000, 8);
    EXPECT_EQ(ring.capacity(), 0u);  // an idle subscriber's ring costs nothing
    auto f = std::make_shared<frame>();
    ASSERT_TRUE(ring.push(f));
    EXPECT_EQ(ring.capacity(), 8u);
    ring.pop(1);
    ring.release_if_small();
    EXPECT_EQ(ring.capacity(), 0u);  // drained and never grown: freed at once
    for (int i = 0; i < 40; ++i) ASSERT_TRUE(ring.push(f));
    EXPECT_EQ(ring.capacity(), 64u);
    ring.pop(40);
    ring.release_if_small();
    EXPECT_EQ(ring.capacity(), 64u);  // grown: kept for the next burst...
    ring.release();
    EXPECT_EQ(ring.capacity(), 0u);  // ...until the subscriber is idle
    ASSERT_TRUE(ring.push(f));
    EXPECT_EQ(ring.front(), f);
    ring.release();
    EXPECT_EQ(ring.capacity(), 8u) << "a ring that holds frames is not released";
}

TEST(history, evicts_by_count_and_bytes_and_reports_what_it_covers) {
    history h(3, 1 << 20);
    h.reset(10);
    EXPECT_TRUE(h.covers(10));
    EXPECT_FALSE(h.covers(9));
    for (std::uint64_t s = 11; s <= 15; ++s) h.append(entry(s));
    EXPECT_EQ(h.size(), 3u);
    EXPECT_EQ(h.floor(), 12u);
    EXPECT_TRUE(h.covers(12));
    EXPECT_FALSE(h.covers(11));
    EXPECT_FALSE(h.covers(16));
    EXPECT_EQ(h.at(h.first_after(13)).seq, 14u);
    EXPECT_EQ(h.first_after(15), h.size());

    history by_bytes(100, 2000);
    for (std::uint64_t s = 1; s <= 10; ++s) by_bytes.append(entry(s, 500));
    EXPECT_LE(by_bytes.bytes(), 2000u);
    EXPECT_EQ(by_bytes.floor(), by_bytes.at(0).seq - 1);
}

TEST(filter, events_types_and_feed_events) {
    subscription_filter f;
    EXPECT_EQ(make_filter({"B", "A", "A"}, {"split", "feed"}, f), std::nullopt);
    EXPECT_EQ(f.events, (std::vector<std::string>{"A", "B"}));
    EXPECT_TRUE(f.matches(feed::event_type::split, "A"));
    EXPECT_FALSE(f.matches(feed::event_type::split, "C"));
    EXPECT_FALSE(f.matches(feed::event_type::finish, "A"));
    EXPECT_TRUE(f.matches(feed::event_type::feed, ""));
    EXPECT_NE(make_filter({}, {"bogus"}, f), std::nullopt);
    EXPECT_EQ(split_list("a,,b,"), (std::vector<std::string>{"a", "b"}));
}

TEST(jwt, accepts_valid_tokens_and_names_what_is_wrong_with_others) {
    const auto good = sign_hs256(R"({"exp":2000,"events":["A"]})", "k");
    auto ok = verify_hs256(good, "k", 1000);
    ASSERT_TRUE(ok.claims);
    EXPECT_TRUE(ok.claims->allows("A"));
    EXPECT_FALSE(ok.claims->allows("B"));
    EXPECT_EQ(verify_hs256(good, "k", 3000).error, token_error::expired);
    EXPECT_EQ(verify_hs256(good, "other", 1000).error, token_error::bad_signature);
    EXPECT_EQ(verify_hs256("", "k", 1000).error, token_error::missing);
    EXPECT_EQ(verify_hs256("a.b", "k", 1000).error, token_error::malformed);
    // alg "none": eyJhbGciOiJub25lIn0 = {"alg":"none"}
    EXPECT_EQ(verify_hs256("eyJhbGciOiJub25lIn0.eyJleHAiOjIwMDB9.", "k", 1000).error,
              token_error::unsupported_algorithm);
    EXPECT_EQ(verify_hs256(sign_hs256(R"({"events":["A"]})", "k"), "k", 1000).error, token_error::malformed);
    auto all = verify_hs256(sign_hs256(R"({"exp":2000})", "k"), "k", 1000);
    ASSERT_TRUE(all.claims);
    EXPECT_TRUE(all.claims->allows("anything"));
}

TEST(jwt, each_signature_has_one_spelling_and_out_of_range_numbers_are_malformed) {
    const auto good = sign_hs256(R"({"exp":2000})", "k");
    ASSERT_TRUE(verify_hs256(good, "k", 1000).claims);
    // An HMAC-SHA256 is 32 bytes: 43 characters whose last holds 4 bits of
    // the final byte and 2 unused bits. Setting an unused bit keeps the
    // decoded bytes the same, and must still be refused.
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const auto last = alphabet.find(good.back());
    ASSERT_EQ(last & 3, 0u);
    for (std::size_t unused = 1; unused < 4; ++unused) {
        auto respelled = good;
        respelled.back() = alphabet[last | unused];
        EXPECT_EQ(verify_hs256(respelled, "k", 1000).error, token_error::malformed) << respelled;
    }
    // 45 characters: the last one alone holds 6 bits, no whole byte.
    EXPECT_EQ(verify_hs256(good + "AA", "k", 1000).error, token_error::malformed);

    for (const char* exp : {"1e300", "-1e300", "18446744073709551615", "9.3e18"})
        EXPECT_EQ(verify_hs256(sign_hs256(std::string(R"({"exp":)") + exp + "}", "k"), "k", 1000).error,
                  token_error::malformed)
            << exp;
    auto fractional = verify_hs256(sign_hs256(R"({"exp":2000.5})", "k"), "k", 1000);
    ASSERT_TRUE(fractional.claims);
    EXPECT_EQ(fractional.claims->exp, 2000);
}

TEST(address_key, ipv4_as_is_and_ipv6_by_its_64_bit_prefix) {
    EXPECT_EQ(address_key(net::ip::make_address("192.0.2.7")), "192.0.2.7");
    EXPECT_EQ(address_key(net::ip::make_address("::ffff:192.0.2.7")), "192.0.2.7");
    EXPECT_EQ(address_key(net::ip::make_address("2001:db8:1:2:aaaa::1")), "2001:db8:1:2::/64");
    EXPECT_EQ(address_key(net::ip::make_address("2001:db8:1:2:ffff:1:2:3")),
              address_key(net::ip::make_address("2001:db8:1:2::9")));
    EXPECT_NE(address_key(net::ip::make_address("2001:db8:1:3::1")),
              address_key(net::ip::make_address("2001:db8:1:2::1")));
}

TEST(client_op, refresh_carries_a_token) {
    simdjson::dom::parser parser;
    auto ok = parse_client_op(parser, R"({"op":"refresh","token":"a.b.c"})", 8);
    ASSERT_TRUE(std::holds_alternative<client_op>(ok));
    EXPECT_EQ(std::get<client_op>(ok).op, client_op::kind::refresh);
    EXPECT_EQ(std::get<client_op>(ok).token, "a.b.c");
    auto missing = parse_client_op(parser, R"({"op":"refresh"})", 8);
    ASSERT_TRUE(std::holds_alternative<client_op_error>(missing));
    EXPECT_EQ(std::get<client_op_error>(missing).code, "bad_request");
}

TEST(websocket_accept_key, matches_rfc6455_example) {
    EXPECT_EQ(websocket_accept_key("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(static_files, maps_pages_and_refuses_paths_outside_the_directory) {
    const auto root =
        std::filesystem::temp_directory_path() / ("splitstream-static-" + std::to_string(::getpid()));
    std::filesystem::create_directories(root / "css");
    std::ofstream(root / "index.html") << "i";
    std::ofstream(root / "graphics.html") << "g";
    std::ofstream(root / "control.html") << "k";
    std::ofstream(root / "css" / "a.css") << "c";
    std::ofstream(root / ".env") << "secret";
    EXPECT_EQ(resolve_static(root, "/")->path.filename(), "index.html");
    EXPECT_EQ(resolve_static(root, "/graphics")->content_type, "text/html; charset=utf-8");
    EXPECT_EQ(resolve_static(root, "/control")->path.filename(), "control.html");
    EXPECT_EQ(resolve_static(root, "/css/a.css")->content_type, "text/css; charset=utf-8");
    EXPECT_FALSE(resolve_static(root, "/../etc/passwd"));
    EXPECT_FALSE(resolve_static(root, "/css/../../x"));
    EXPECT_FALSE(resolve_static(root, "/.env"));
    EXPECT_FALSE(resolve_static(root, "/css//a.css"));
    EXPECT_FALSE(resolve_static(root, "/nothing.html"));
    EXPECT_FALSE(resolve_static(root, "/css"));
    std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace splitstream::publish
