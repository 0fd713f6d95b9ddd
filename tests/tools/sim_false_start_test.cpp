// The simulator's 100 m with a false start (tools/sim/specs/
// men-100m-false-start.json): the feed it makes, run through the parser and
// the engine, derives the false start the spec names and its
// disqualification (TR 16.6, TR 16.8), and results with every reaction time.

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>
#include <vector>

#include "feed/engine.hpp"
#include "ingest/frame_parser.hpp"
#include "tests/test_paths.hpp"
#include "tools/sim/session.hpp"
#include "tools/sim/spec_loader.hpp"

namespace splitstream::sim {
namespace {

struct derived {
    std::vector<std::string> false_starts;
    std::string official_results;
    int rejected = 0;
    int reactions = 0;
};

derived run(const session_spec& spec, std::uint64_t seed) {
    derived d;
    feed::engine engine;
    ingest::frame_parser parser;
    for (const auto& f : build_session(spec, seed).frames) {
        auto parsed = parser.parse(f.text);
        if (!parsed.ok()) {
            ++d.rejected;
            continue;
        }
        d.reactions += parsed.message().type() == feed::message_type::reaction;
        auto result = engine.apply(parsed.message());
        if (result.rejected) ++d.rejected;
        for (const auto& e : result.events) {
            if (e.type == feed::event_type::false_start) d.false_starts.push_back(e.json);
            if (e.type == feed::event_type::results && e.json.find("\"official\":true") != std::string::npos)
                d.official_results = e.json;
        }
    }
    return d;
}

}  // namespace

TEST(sim_false_start, the_spec_derives_its_false_start_and_the_disqualification) {
    // TR 16.6: 0.086 is under 0.100; TR 16.8: the athlete is disqualified.
    auto spec =
        load_session_spec(std::string(SPLITSTREAM_SOURCE_DIR) + "/tools/sim/specs/men-100m-false-start.json");
    ASSERT_TRUE(spec.ok()) << spec.error;
    for (std::uint64_t seed : {1u, 7u}) {
        SCOPED_TRACE(seed);
        const derived d = run(*spec.value, seed);
        EXPECT_EQ(d.rejected, 0) << "every simulated message is accepted";
        EXPECT_EQ(d.reactions, 8 + 7) << "eight readings at the first gun, seven at the restart";
        ASSERT_EQ(d.false_starts.size(), 1u);
        simdjson::dom::parser p;
        simdjson::dom::element fs = p.parse(d.false_starts[0]);
        EXPECT_EQ(std::string_view(fs["bib"].get_string()), "1104");
        EXPECT_EQ(std::string_view(fs["reaction"].get_string()), "0.086");
        EXPECT_EQ(std::string_view(fs["outcome"].get_string()), "dq");
        EXPECT_EQ(std::string_view(fs["text"].get_string()),
                  "Andre Clarke (JAM) false start, reaction 0.086: disqualified (TR 16.8)");

        ASSERT_FALSE(d.official_results.empty());
        simdjson::dom::element results = p.parse(d.official_results);
        int placed = 0;
        for (auto row : results["ranking"].get_array()) {
            std::string_view bib = row["bib"].get_string();
            std::string_view reaction = row["reaction"].get_string();
            std::int64_t reaction_ms = row["reaction_ms"].get_int64();
            if (bib == "1104") {
                EXPECT_EQ(std::string_view(row["mark"].get_string()), "DQ");
                EXPECT_EQ(std::string_view(row["rule"].get_string()), "TR16.8");
                EXPECT_EQ(reaction, "0.086");
            } else {
                ++placed;
                EXPECT_GE(reaction_ms, 100) << bib << " started fairly in the restart";
            }
        }
        EXPECT_EQ(placed, 7);
    }
}

}  // namespace splitstream::sim
