// JetStream's answers to a publish, as nats-server 2.9 sends them
// (scaleout/jetstream_ack.hpp): what the publisher counts and resends.

#include "scaleout/jetstream_ack.hpp"

#include <gtest/gtest.h>

namespace splitstream::scaleout {
namespace {

TEST(JetStreamAck, AStoredMessageIsNeitherRefusedNorADuplicate) {
    const auto ack = read_jetstream_ack(R"({"stream":"X", "seq":1})");
    EXPECT_FALSE(ack.refused);
    EXPECT_FALSE(ack.duplicate);
}

TEST(JetStreamAck, AMessageIdStoredBeforeIsADuplicateWithOrWithoutTheSpace) {
    EXPECT_TRUE(read_jetstream_ack(R"({"stream":"X", "seq":1,"duplicate": true})").duplicate)
        << "nats-server 2.9's own bytes";
    EXPECT_TRUE(read_jetstream_ack(R"({"stream":"X","seq":1,"duplicate":true})").duplicate);
    EXPECT_FALSE(read_jetstream_ack(R"({"stream":"X","seq":1,"duplicate":false})").duplicate);
}

TEST(JetStreamAck, AWrongExpectedLastIdIsARefusalOfItsOwnKind) {
    const auto ack = read_jetstream_ack(
        R"({"error":{"code":400,"err_code":10070,"description":"wrong last msg ID: id1"},"stream":"X","seq":0})");
    EXPECT_TRUE(ack.refused);
    EXPECT_TRUE(ack.wrong_last);
    EXPECT_FALSE(ack.duplicate);
}

TEST(JetStreamAck, OtherErrorsAndNoRespondersAreRefusals) {
    const auto full = read_jetstream_ack(
        R"({"error":{"code":503,"err_code":10077,"description":"maximum messages exceeded"}})");
    EXPECT_TRUE(full.refused);
    EXPECT_FALSE(full.wrong_last);
    EXPECT_TRUE(read_jetstream_ack("").refused) << "no stream takes the subject: an empty status message";
}

}  // namespace
}  // namespace splitstream::scaleout
