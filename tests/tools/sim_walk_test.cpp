// The simulator's 20 km walk (tools/sim/specs/walk-20km.json): the feed it
// makes is accepted whole and derives the cards, the Penalty Zone and the
// disqualification its spec describes (docs/protocol.md, Race walking).

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "feed/engine.hpp"
#include "ingest/file_processor.hpp"
#include "tests/test_paths.hpp"
#include "tools/sim/session.hpp"
#include "tools/sim/spec_loader.hpp"

namespace splitstream::sim {
namespace {

struct walk_outcome {
    std::uint64_t rejected = 0;
    std::map<std::string, int> red_cards;                  // bib -> red card events
    std::map<std::string, int> cautions;                   // bib -> caution events
    std::map<std::string, std::vector<std::string>> zone;  // bib -> penalty_zone event texts
    std::map<std::string, std::string> dq;                 // bib -> DQ headline
    std::string official;                                  // last official results
};

walk_outcome run(std::uint64_t seed) {
    auto spec = load_session_spec(std::string(test_paths::source_dir) + "/tools/sim/specs/walk-20km.json");
    EXPECT_TRUE(spec.ok()) << spec.error;
    walk_outcome out;
    if (!spec.ok()) return out;
    feed::engine engine;
    auto bib_of = [](const std::string& json) {
        const auto at = json.find("\"bib\":\"") + 7;
        return json.substr(at, json.find('"', at) - at);
    };
    ingest::file_processor processor(
        engine,
        [&](const feed::derived_event& e) {
            if (e.type == feed::event_type::card)
                ++(e.json.find("\"kind\":\"red\"") != std::string::npos ? out.red_cards
                                                                        : out.cautions)[bib_of(e.json)];
            if (e.type == feed::event_type::penalty_zone) out.zone[bib_of(e.json)].push_back(e.text);
            if (e.type == feed::event_type::irm && e.json.find("\"code\":\"DQ\"") != std::string::npos)
                out.dq[bib_of(e.json)] = e.text;
            if (e.type == feed::event_type::results && e.json.find("\"official\":true") != std::string::npos)
                out.official = e.json;
        },
        [&](const ingest::line_report&) { ++out.rejected; });
    for (const auto& f : build_session(*spec.value, seed).frames) processor.process_line(f.text);
    return out;
}

}  // namespace

// TR 54.7.1, 54.7.3, 54.5: the spec gives bib 201 two red cards and a
// caution, bib 206 three red cards (the Penalty Zone, 2:00 in a 20 km
// race), bib 208 four (disqualified); bib 203 one caution.
TEST(sim_walk, the_simulated_walk_derives_its_cards_penalty_zone_and_disqualification) {
    for (std::uint64_t seed : {1u, 7u}) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        const auto w = run(seed);
        EXPECT_EQ(w.rejected, 0u) << "every message of the simulated walk is accepted";
        EXPECT_EQ(w.red_cards, (std::map<std::string, int>{{"201", 2}, {"206", 3}, {"208", 4}}));
        EXPECT_EQ(w.cautions, (std::map<std::string, int>{{"201", 1}, {"203", 1}}));
        ASSERT_EQ(w.zone.count("206"), 1u);
        EXPECT_EQ(w.zone.at("206"),
                  (std::vector<std::string>{
                      "Koki Ikeda (JPN) must enter the Penalty Zone for 2:00 after 3 red cards (TR 54.7.3)",
                      "Koki Ikeda (JPN) enters the Penalty Zone for 2:00",
                      "Koki Ikeda (JPN) leaves the Penalty Zone after 2:00"}));
        EXPECT_EQ(
            w.dq,
            (std::map<std::string, std::string>{
                {"208",
                 "Salih Korkmaz (TUR) disqualified by the Chief Judge after 4 red cards (TR 54.7.3)"}}));
        EXPECT_NE(
            w.official.find(
                R"("bib":"208","name":"Salih KORKMAZ","country":"TUR","mark":"DQ","flags":[],"rule":"TR 54.7.3")"),
            std::string::npos)
            << w.official;
        EXPECT_EQ(w.official.find(R"("bib":"208","name":"Salih KORKMAZ","country":"TUR","mark":"1)"),
                  std::string::npos)
            << "the disqualified walker has no mark";
    }
}

}  // namespace splitstream::sim
