// A feed v1 session as FinishLynx's scoreboard output (what `sim --format
// lss` sends), read back with lynx.evt and the meet file through the
// scoreboard adapter, gives the session's results, records, PB/SB, IRMs and,
// at the points the format names (laps to go), its splits and leader changes.

#include "adapters/lss_render.hpp"

#include <gtest/gtest.h>

#include "adapters/meet_file.hpp"
#include "adapters/meet_render.hpp"
#include "adapters/offline_convert.hpp"
#include "tests/adapters/round_trip.hpp"
#include "tests/test_paths.hpp"

namespace splitstream::adapters {
namespace {

struct lss_round_trip {
    test::engine_run direct;  // the session as feed v1, with only the splits lss carries
    test::engine_run lss;     // rendered and read back
    std::vector<problem> problems;
};

lss_round_trip round_trip(const std::vector<std::string>& lines) {
    const auto messages = test::parse_lines(lines);
    const auto rendered = render_lss(messages, "sim");
    auto meet = parse_meet_file(rendered.meet_toml, "meet.toml");
    EXPECT_TRUE(meet.meet) << meet.error;
    std::vector<named_input> inputs{{"lynx.evt", rendered.lynx_evt, "2023-08-23T19:00:00.000Z"}};
    for (const auto& chunk : rendered.stream) inputs.push_back({"scoreboard", chunk.bytes, chunk.ts});
    auto converted = convert_inputs(meet.meet.value_or(meet_file{}), source_format::lss, inputs);

    std::map<std::string, std::int64_t> lapped;  // distance of each track event
    for (const auto& e : session_events(messages))
        if (e.startlist.course == feed::venue::track) lapped[e.id] = e.startlist.distance_m;
    auto carried = [&](const std::string& event, std::int64_t at) {
        const auto d = lapped[event];
        return at > 0 && at < d && (d - at) % lss_lap_m == 0;
    };
    return {test::run_lines(test::keep_splits(lines, carried)), test::run_messages(converted.messages),
            converted.problems};
}

void expect_same(const lss_round_trip& r) {
    EXPECT_TRUE(r.problems.empty()) << describe(r.problems.front());
    EXPECT_TRUE(r.lss.rejected.empty()) << r.lss.rejected.front();
    // The scoreboard has no field for the rule of a DQ nor where a DNF stopped.
    EXPECT_EQ(test::rankings(r.lss, {"rule", "at_m"}), test::rankings(r.direct, {"rule", "at_m"}));
    EXPECT_EQ(test::official(r.lss), test::official(r.direct));
    EXPECT_EQ(test::records(r.lss), test::records(r.direct));
    EXPECT_EQ(test::irms(r.lss), test::irms(r.direct));
    EXPECT_EQ(r.lss.texts(feed::event_type::split), r.direct.texts(feed::event_type::split));
    EXPECT_EQ(r.lss.texts(feed::event_type::leader_change), r.direct.texts(feed::event_type::leader_change));
}

TEST(LssRender, TheReferenceRaceReadsBackWithItsResultsRecordsAndLapSplits) {
    const auto r = round_trip(test_paths::reference_feed_lines());
    expect_same(r);
    EXPECT_EQ(r.lss.texts(feed::event_type::split).size(), 36u);  // 12 athletes at 300, 700, 1100 m
    EXPECT_FALSE(test::records(r.lss).empty());
}

TEST(LssRender, TheDefaultSessionReadsBackEventByEvent) {
    const auto r = round_trip(test::default_session_lines());
    expect_same(r);
    EXPECT_EQ(test::rankings(r.lss).size(), 4u);
    EXPECT_EQ(test::irms(r.lss).size(), 3u);  // a DNS, a DQ and a DNF
}

TEST(LssRender, EveryLineIsOneOfTheScriptAndSplitsCarryLapsToGo) {
    const auto rendered = render_lss(test::parse_lines(test_paths::reference_feed_lines()), "ref");
    ASSERT_FALSE(rendered.stream.empty());
    EXPECT_EQ(rendered.stream.front().bytes,
              "SS1\x1fSTATUS\x1f\r\nSS1\x1f"
              "EVENT\x1f"
              "1\r\nSS1\x1fROUND\x1f"
              "1\r\nSS1\x1fHEAT\x1f"
              "1\r\nSS1\x1fGUN\x1f"
              "0.0\r\n");
    std::string all;
    for (const auto& c : rendered.stream) all += c.bytes;
    EXPECT_NE(all.find("SS1\x1fLAPS\x1f"
                       "3\r\n"),
              std::string::npos);  // 300 m: 3 laps to go
    EXPECT_NE(all.find("SS1\x1fSTATUS\x1fOFFICIAL\r\n"), std::string::npos);
    EXPECT_NE(rendered.meet_toml.find("lap_m = 400"), std::string::npos);
    EXPECT_EQ(rendered.lynx_evt.find("1,1,1,"), rendered.lynx_evt.find('\n') + 1);
}

}  // namespace
}  // namespace splitstream::adapters
