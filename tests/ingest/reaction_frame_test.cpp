// The feed's sprint start fields (docs/protocol.md, Sprint starts): the
// `reaction` message and the start list's `combined_event` flag, as the
// parser reads or refuses them.

#include <gtest/gtest.h>

#include "ingest/frame_parser.hpp"

using namespace splitstream;
using feed::reject_reason;

namespace {

ingest::parse_outcome parse(std::string_view frame) {
    ingest::frame_parser p;
    return p.parse(frame);
}

constexpr const char* envelope =
    R"({"seq":7,"type":"reaction","ts":"2022-07-17T20:20:00.150Z","event":"M110H-F",)";

}  // namespace

TEST(ReactionFrame, ReadsBibAndReactionTime) {
    auto r = parse(std::string(envelope) + R"("bib":"2","reaction_ms":99})");
    ASSERT_TRUE(r.ok()) << r.rejected().detail;
    EXPECT_EQ(r.message().type(), feed::message_type::reaction);
    const auto& m = std::get<feed::reaction_msg>(r.message().body);
    EXPECT_EQ(m.bib, "2");
    EXPECT_EQ(m.reaction_ms, 99);
}

TEST(ReactionFrame, RefusesMissingNegativeOrFractionalTimes) {
    auto missing = parse(std::string(envelope) + R"("bib":"2"})");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.rejected().reason, reject_reason::missing_field);
    EXPECT_NE(missing.rejected().detail.find("reaction_ms"), std::string::npos);

    auto negative = parse(std::string(envelope) + R"("bib":"2","reaction_ms":-5})");
    ASSERT_FALSE(negative.ok());
    EXPECT_EQ(negative.rejected().reason, reject_reason::bad_value);

    auto seconds = parse(std::string(envelope) + R"("bib":"2","reaction_ms":0.099})");
    ASSERT_FALSE(seconds.ok());
    EXPECT_EQ(seconds.rejected().reason, reject_reason::wrong_type);

    auto no_bib = parse(std::string(envelope) + R"("reaction_ms":150})");
    ASSERT_FALSE(no_bib.ok());
    EXPECT_EQ(no_bib.rejected().reason, reject_reason::missing_field);
}

TEST(ReactionFrame, StartListOfACombinedEvent) {
    const std::string head =
        R"({"seq":2,"type":"startlist","ts":"2022-07-17T19:00:00Z","event":"DEC-110H","name":"Decathlon 110m Hurdles",)"
        R"("distance_m":110,"round":"heat","athletes":[{"bib":"1","name":"A","country":"USA"}])";
    auto flagged = parse(head + R"(,"combined_event":true})");
    ASSERT_TRUE(flagged.ok()) << flagged.rejected().detail;
    EXPECT_TRUE(std::get<feed::startlist_msg>(flagged.message().body).combined_event);

    auto plain = parse(head + "}");
    ASSERT_TRUE(plain.ok());
    EXPECT_FALSE(std::get<feed::startlist_msg>(plain.message().body).combined_event);

    auto text = parse(head + R"(,"combined_event":"yes"})");
    ASSERT_FALSE(text.ok());
    EXPECT_EQ(text.rejected().reason, reject_reason::wrong_type);
}
