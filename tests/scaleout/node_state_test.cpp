// A node state (scaleout/node_state.hpp) and the pointer naming the latest
// one (scaleout/snapshot_store.hpp), as docs/scale-out.md, Snapshots,
// describes them: what is written reads back the same, and anything cut
// short, altered or unreadable is refused with the reason.

#include <gtest/gtest.h>

#include "feed/engine.hpp"
#include "feed/engine_state.hpp"
#include "scaleout/node_state.hpp"
#include "scaleout/snapshot_store.hpp"

namespace splitstream::scaleout {
namespace {

node_state sample() {
    node_state s;
    s.stream_epoch = "20261204-1";
    s.stream_seq = 900'000;
    s.feed_epoch = "budapest-2023-men-1500m-final-1";
    s.feed_last_seq = 185;
    s.feed_started = true;
    s.last_feed_seq = 185;
    s.engine = feed::engine().save();
    s.history.push_back({1, feed::event_type::startlist, "M1500-F", {}, R"({"seq":1,"type":"startlist"})"});
    s.history.push_back({2, feed::event_type::race_state, "M1500-F", {}, R"({"seq":2,"type":"race_state"})"});
    return s;
}

TEST(NodeState, WhatIsWrittenReadsBackTheSame) {
    const auto s = sample();
    const auto bytes = encode_node_state(s);
    node_state back;
    std::string error;
    ASSERT_TRUE(decode_node_state(bytes, back, error)) << error;
    EXPECT_EQ(back.stream_epoch, s.stream_epoch);
    EXPECT_EQ(back.stream_seq, s.stream_seq);
    EXPECT_EQ(back.feed_epoch, s.feed_epoch);
    EXPECT_EQ(back.feed_last_seq, s.feed_last_seq);
    EXPECT_TRUE(back.feed_started);
    EXPECT_EQ(back.last_feed_seq, s.last_feed_seq);
    EXPECT_EQ(back.engine, s.engine);
    ASSERT_EQ(back.history.size(), 2u);
    EXPECT_EQ(back.history[1].seq, 2u);
    EXPECT_EQ(back.history[1].type, feed::event_type::race_state);
    EXPECT_EQ(back.history[1].json, s.history[1].json);
    EXPECT_EQ(encode_node_state(back), bytes);
}

TEST(NodeState, ACutOrAlteredStateIsRefused) {
    const auto bytes = encode_node_state(sample());
    for (std::size_t n = 0; n < bytes.size(); n += 7) {
        node_state out;
        std::string error;
        EXPECT_FALSE(decode_node_state(std::string_view(bytes).substr(0, n), out, error)) << n;
        EXPECT_FALSE(error.empty());
    }
    auto altered = bytes;
    altered[altered.size() / 2] ^= 0x01;
    node_state out;
    std::string error;
    EXPECT_FALSE(decode_node_state(altered, out, error));
    EXPECT_EQ(error, "snapshot checksum mismatch");
}

TEST(NodeState, AHistoryOutOfOrderIsRefused) {
    // Resume (`since=N`) reads the history in seq order.
    auto s = sample();
    std::swap(s.history[0], s.history[1]);
    node_state out;
    std::string error;
    EXPECT_FALSE(decode_node_state(encode_node_state(s), out, error));
    EXPECT_EQ(error, "node state: history out of order");
}

TEST(SnapshotPointer, ReadsBackAndRefusesAnythingElse) {
    const snapshot_pointer p{"20261204-1", 900'000, 125, 65'318'200, 12345678901234567890ull};
    EXPECT_EQ(format_pointer(p), "20261204-1 900000 125 65318200 12345678901234567890");
    const auto back = parse_pointer(format_pointer(p));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->stream_epoch, p.stream_epoch);
    EXPECT_EQ(back->stream_seq, p.stream_seq);
    EXPECT_EQ(back->chunks, p.chunks);
    EXPECT_EQ(back->bytes, p.bytes);
    EXPECT_EQ(back->checksum, p.checksum);
    EXPECT_FALSE(parse_pointer(""));
    EXPECT_FALSE(parse_pointer("20261204-1 900000 125 65318200"));
    EXPECT_FALSE(parse_pointer("20261204-1 900000 125 65318200 1 extra"));
    EXPECT_FALSE(parse_pointer("20261204-1 seq 125 65318200 1"));
}

}  // namespace
}  // namespace splitstream::scaleout
