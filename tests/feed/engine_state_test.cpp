// Engine snapshots refused (feed/engine.hpp restore): a truncated, corrupt
// or other-version snapshot gives a reason, never a crash and never an
// engine. That a good one is whole is shown over every real feed in
// tests/tools/engine_state_feeds_test.cpp.

#include <gtest/gtest.h>

#include <string>

#include "feed/engine_state.hpp"
#include "tests/feed/race_builder.hpp"

namespace splitstream::feed {
namespace {

using testing::race_driver;
using testing::runner;

// A 1500 m with two splits and a finish: every part of a race's state.
std::string saved_race() {
    race_driver d;
    d.start({runner("1", "Josh KERR", "GBR"), runner("2", "Jakob INGEBRIGTSEN", "NOR")});
    d.split("1", 400, 58000);
    d.split("2", 400, 58100);
    d.finish("1", 209000);
    return d.eng().save();
}

TEST(engine_state, a_saved_engine_restores_and_goes_on_from_its_seq) {
    race_driver d;
    d.start({runner("1", "Josh KERR", "GBR"), runner("2", "Jakob INGEBRIGTSEN", "NOR")});
    auto restored = engine::restore(d.eng().save());
    ASSERT_TRUE(restored.value) << restored.error;
    EXPECT_EQ(restored.value->head(), d.eng().head());
    EXPECT_EQ(restored.value->event_ids(), d.eng().event_ids());
}

TEST(engine_state, every_truncation_is_refused) {
    const auto bytes = saved_race();
    for (std::size_t n = 0; n < bytes.size(); ++n) {
        auto restored = engine::restore(std::string_view(bytes).substr(0, n));
        EXPECT_FALSE(restored.value) << "cut to " << n << " bytes";
        EXPECT_FALSE(restored.error.empty());
    }
}

TEST(engine_state, a_flipped_byte_anywhere_is_refused) {
    const auto bytes = saved_race();
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        auto corrupt = bytes;
        corrupt[i] = static_cast<char>(corrupt[i] ^ 0x20);
        EXPECT_FALSE(engine::restore(corrupt).value) << "byte " << i;
    }
}

TEST(engine_state, a_corrupt_body_is_refused_with_the_reason) {
    // A body that passes the checksum but says nonsense, as a writer with a
    // bug would make: the reader checks every length and value.
    const auto bytes = saved_race();
    std::string_view body;
    std::string error;
    ASSERT_TRUE(engine_state::open(bytes, body, error)) << error;
    std::string bad(body);
    bad.append("x");
    auto restored = engine::restore(engine_state::seal(bad));
    EXPECT_FALSE(restored.value);
    EXPECT_EQ(restored.error, "snapshot body: bytes after the state");
    auto empty = engine::restore(engine_state::seal(""));
    EXPECT_FALSE(empty.value);
    EXPECT_EQ(empty.error, "snapshot body: truncated");
}

TEST(engine_state, another_version_is_refused_by_name) {
    auto bytes = saved_race();
    // The version follows the name: 8 bytes of length, then the name.
    bytes[8 + std::string_view("splitstream engine state").size()] = 2;
    auto restored = engine::restore(bytes);
    EXPECT_FALSE(restored.value);
    EXPECT_EQ(restored.error, "snapshot format version 2, this program reads version 1");
    EXPECT_EQ(engine::restore("{\"not\":\"a snapshot\"}").error, "not an engine snapshot");
}

}  // namespace
}  // namespace splitstream::feed
