// The simulator's 4x400 m relay (tools/sim/specs/paris-2024-men-4x400m-relay.json):
// its feed, run through parser and engine, derives the relay's events:
// teams with their runners, the leg times at the changeovers and the
// finish, the medals and the records the targets set (docs/protocol.md,
// Relays; World Athletics TR 24).

#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>
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
    std::vector<feed::derived_event> events;
    int rejected = 0;
};

derived run(std::uint64_t seed) {
    auto spec = load_session_spec(std::string(SPLITSTREAM_SOURCE_DIR) +
                                  "/tools/sim/specs/paris-2024-men-4x400m-relay.json");
    EXPECT_TRUE(spec.ok()) << spec.error;
    derived d;
    if (!spec.ok()) return d;
    ingest::frame_parser parser;
    feed::engine engine;
    for (const auto& f : build_session(*spec.value, seed).frames) {
        auto parsed = parser.parse(f.text);
        if (!parsed.ok()) {
            ++d.rejected;
            continue;
        }
        auto r = engine.apply(parsed.message());
        if (r.rejected) ++d.rejected;
        for (auto& e : r.events) d.events.push_back(e);
    }
    return d;
}

std::string field(const std::string& json, const char* pointer) {
    simdjson::dom::parser p;
    simdjson::dom::element el;
    std::string_view s;
    if (p.parse(json).get(el) || el.at_pointer(pointer).get_string().get(s)) return "<missing>";
    return std::string(s);
}

std::int64_t number(const std::string& json, const char* pointer) {
    simdjson::dom::parser p;
    simdjson::dom::element el;
    std::int64_t v = -1;
    if (p.parse(json).get(el) || el.at_pointer(pointer).get_int64().get(v)) return -1;
    return v;
}

TEST(sim_relay, the_simulated_relay_derives_legs_runners_medals_and_records) {
    for (std::uint64_t seed : {1u, 7u}) {
        SCOPED_TRACE(seed);
        const derived d = run(seed);
        EXPECT_EQ(d.rejected, 0);
        std::map<std::string, std::int64_t> leg_sum;  // bib -> sum of its four leg times
        std::map<std::string, std::int64_t> finish;
        int changeovers = 0;
        std::string official;
        std::vector<std::string> records;
        for (const auto& e : d.events) {
            if (e.type == feed::event_type::startlist) {
                EXPECT_EQ(e.text, "Men's 4 x 400 metres Relay Final: start list, 3 teams");
            }
            if (e.type == feed::event_type::split && number(e.json, "/changeover") > 0) {
                ++changeovers;
                const auto leg = number(e.json, "/leg");
                EXPECT_EQ(leg, number(e.json, "/changeover")) << "a changeover ends its leg";
                EXPECT_NE(field(e.json, "/runner/name"), "<missing>");
                leg_sum[field(e.json, "/bib")] += number(e.json, "/leg_ms");
            }
            if (e.type == feed::event_type::finish) {
                EXPECT_EQ(number(e.json, "/leg"), 4);
                leg_sum[field(e.json, "/bib")] += number(e.json, "/leg_ms");
                finish[field(e.json, "/bib")] = number(e.json, "/elapsed_ms");
            }
            if (e.type == feed::event_type::results && e.json.find("\"official\":true") != std::string::npos)
                official = e.json;
            if (e.type == feed::event_type::record)
                records.push_back(field(e.json, "/kind") + " " + field(e.json, "/bib"));
        }
        EXPECT_EQ(changeovers, 9) << "3 teams x 3 changeovers";
        ASSERT_EQ(finish.size(), 3u);
        for (const auto& [bib, ms] : finish)
            EXPECT_EQ(leg_sum[bib], ms) << bib << ": the four legs make the mark";
        ASSERT_FALSE(official.empty());
        EXPECT_EQ(field(official, "/ranking/0/bib"), "USA");
        EXPECT_EQ(field(official, "/ranking/0/mark"), "2:54.43");
        EXPECT_EQ(field(official, "/ranking/0/medal"), "gold");
        EXPECT_EQ(field(official, "/ranking/0/runners/3/name"), "Rai BENJAMIN");
        EXPECT_EQ(field(official, "/ranking/1/bib"), "BOT");
        EXPECT_EQ(field(official, "/ranking/2/bib"), "GBR");
        EXPECT_EQ(records, (std::vector<std::string>{"OR USA", "AR BOT", "AR GBR"}));
    }
}

}  // namespace
}  // namespace splitstream::sim
