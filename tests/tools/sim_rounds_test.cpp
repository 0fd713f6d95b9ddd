// The simulator's session of heats and a final (tools/sim/specs/
// men-1500m-rounds.json): its feed, run through the parser and the engine,
// derives the round's qualifiers (World Athletics TR 20: the first 3 of
// each heat, Q, and the 3 fastest of the rest, q), and the final's start
// list is exactly those qualifiers.

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>
#include <vector>

#include "feed/engine.hpp"
#include "ingest/file_processor.hpp"
#include "tests/test_paths.hpp"
#include "tools/sim/session.hpp"
#include "tools/sim/spec_loader.hpp"

using namespace splitstream;

namespace {

struct derived {
    std::vector<feed::derived_event> qualifiers;
    std::vector<std::string> final_field;  // bibs of the final's start list
    std::vector<std::string> final_ranking;
    std::vector<std::string> rejections;
};

std::vector<std::string> bibs_in(const std::string& json, const char* list) {
    std::vector<std::string> out;
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.parse(json);
    for (auto x : doc[list].get_array()) out.emplace_back(std::string_view(x["bib"].get_string()));
    return out;
}

derived run(std::uint64_t seed) {
    const auto spec = sim::load_session_spec(std::string(SPLITSTREAM_SOURCE_DIR) +
                                             "/tools/sim/specs/men-1500m-rounds.json");
    EXPECT_TRUE(spec.ok()) << spec.error;
    derived d;
    if (!spec.ok()) return d;
    const auto rec = sim::build_session(*spec.value, seed);
    feed::engine engine;
    ingest::file_processor processor(
        engine,
        [&](const feed::derived_event& e) {
            if (e.type == feed::event_type::qualifiers) d.qualifiers.push_back(e);
            if (e.event == "M1500-F" && e.type == feed::event_type::startlist)
                d.final_field = bibs_in(e.json, "athletes");
            if (e.event == "M1500-F" && e.type == feed::event_type::results)
                d.final_ranking = bibs_in(e.json, "ranking");
        },
        [&](const ingest::line_report& r) {
            d.rejections.push_back(std::string(r.text) + ": " +
                                   (r.rejected ? r.rejected->detail : "duplicate"));
        });
    for (const auto& f : rec.frames) processor.process_line(f.text);
    return d;
}

}  // namespace

// TR 20, hand-checked from the spec's targets (no finish noise in the
// heats): Q 101 102 103 | 201 202 203 | 301 302 303; q by time 204 (3:34.47),
// 205 (3:34.60), 304 (3:34.90); first out 206 (3:35.02). 110 (DNF) and 310
// (DNS) never count.
TEST(SimRounds, TheHeatsDeriveTheQualifiersAndTheFinalIsThem_TR20) {
    const derived d = run(7);
    EXPECT_TRUE(d.rejections.empty()) << (d.rejections.empty() ? "" : d.rejections.front());
    ASSERT_EQ(d.qualifiers.size(), 1u) << "one set of qualifiers, no correction";
    const auto& q = d.qualifiers.front();
    EXPECT_EQ(q.event, "M1500-R1");
    const std::vector<std::string> expected = {"101", "102", "103", "201", "202", "203",
                                               "301", "302", "303", "204", "205", "304"};
    EXPECT_EQ(bibs_in(q.json, "qualified"), expected);
    EXPECT_EQ(q.text,
              "Men's 1500 metres Round 1: 12 through (9 Q, 3 q); fastest losers: Noah Walsh (AUS) 3:34.47, "
              "Yusuf Demir (TUR) 3:34.60, Luca Meier (SUI) 3:34.90");
    EXPECT_EQ(d.final_field, expected) << "the final's start list is the qualifiers, in their order";
    EXPECT_EQ(d.final_ranking.size(), 12u) << "the final is run to its results";
}

// Whatever the seed, the final's field is who the engine sends through: the
// simulator and the engine apply one rule (feed/round_qualification).
TEST(SimRounds, TheFinalsFieldFollowsTheEngineForEverySeed_TR20) {
    for (std::uint64_t seed : {1u, 2u, 3u, 42u}) {
        SCOPED_TRACE(seed);
        const derived d = run(seed);
        EXPECT_TRUE(d.rejections.empty());
        ASSERT_EQ(d.qualifiers.size(), 1u);
        EXPECT_EQ(d.final_field, bibs_in(d.qualifiers.front().json, "qualified"));
    }
}

// A final that takes its field from a round the spec does not have is a
// spec error with the field named, not an empty race.
TEST(SimRounds, QualifiersOfAnUnknownRoundIsASpecError) {
    const auto spec =
        sim::parse_session_spec(R"({"events":[{"id":"F","distance_m":1500,"qualifiers_of":"M1500-R9"}]})",
                                [](const std::string&) { return std::nullopt; });
    ASSERT_FALSE(spec.ok());
    EXPECT_EQ(spec.error, "spec.events[0].qualifiers_of: no earlier event has round_id M1500-R9");
}
