// Real rounds (tests/data/rounds): the heats of a championship round, fed
// through parser + engine, must derive the qualifiers the official results
// print: who goes through, by place (Q) or by time (q), with their marks,
// and the same Q/q beside each athlete in the heats' official results.

#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "feed/engine.hpp"
#include "ingest/file_processor.hpp"
#include "tests/ingest/real_feeds.hpp"
#include "tests/test_paths.hpp"

namespace fs = std::filesystem;
using namespace splitstream;

namespace {

struct derived {
    std::vector<std::string> qualifiers_json;          // every `qualifiers` event
    std::map<std::string, std::string> last_official;  // event -> its last official results
    std::uint64_t rejected = 0;
};

derived run_feed(const fs::path& feed) {
    derived d;
    d.rejected = splitstream::testing::apply_real_feed(feed, [&](const feed::derived_event& e) {
        if (e.type == feed::event_type::qualifiers) d.qualifiers_json.push_back(e.json);
        if (e.type == feed::event_type::results && e.json.find("\"official\":true") != std::string::npos)
            d.last_official[e.event] = e.json;
    });
    return d;
}

// "place bib mark" per row of a heat's official results, in their order
// ("- 104 DNF" for an athlete out of the race).
std::vector<std::string> rows_of(const std::string& results_json) {
    std::vector<std::string> out;
    simdjson::ondemand::parser parser;
    simdjson::padded_string p(results_json);
    auto doc = parser.iterate(p);
    for (auto row : doc["ranking"].get_array()) {
        int64_t place = 0;
        const bool placed = row["place"].get_int64().get(place) == simdjson::SUCCESS;
        std::string_view bib = row["bib"], mark = row["mark"];
        out.push_back((placed ? std::to_string(place) : std::string("-")) + " " + std::string(bib) + " " +
                      std::string(mark));
    }
    return out;
}

// bib -> "Q", "q" or "" as a heat's official results print it.
std::map<std::string, std::string> marks_of(const std::string& results_json) {
    std::map<std::string, std::string> out;
    simdjson::ondemand::parser parser;
    simdjson::padded_string p(results_json);
    auto doc = parser.iterate(p);
    for (auto row : doc["ranking"].get_array()) {
        std::string_view bib = row["bib"];
        std::string_view mark;
        if (row["qualified"].get_string().get(mark)) mark = "";
        out[std::string(bib)] = std::string(mark);
    }
    return out;
}

}  // namespace

TEST(RealRounds, QualifiersAndMarksEqualTheOfficialResults) {
    const int checked = splitstream::testing::for_each_real_feed(
        "rounds", [&](const fs::path& feed_path, const fs::path& facts_path) {
            const derived d = run_feed(feed_path);
            EXPECT_EQ(d.rejected, 0u) << "the feed is clean";
            ASSERT_EQ(d.qualifiers_json.size(), 1u) << "one set of qualifiers, no correction";

            simdjson::ondemand::parser facts_parser, derived_parser;
            auto facts_text = simdjson::padded_string::load(facts_path.string());
            auto facts = facts_parser.iterate(facts_text.value());
            simdjson::padded_string q_text(d.qualifiers_json.front());
            auto q = derived_parser.iterate(q_text);
            std::string_view round = facts["round"];
            std::string_view derived_round = q["round"];
            EXPECT_EQ(derived_round, round);

            std::map<std::string, std::string> expected_marks;  // bib -> Q/q
            std::vector<std::string> expected, got;
            for (auto x : facts["qualified"].get_array()) {
                std::string_view bib = x["bib"], mark = x["mark"], by = x["by"];
                int64_t heat = x["heat"], place = x["place"];
                expected.push_back(std::string(bib) + " heat " + std::to_string(heat) + " place " +
                                   std::to_string(place) + " " + std::string(mark) + " " + std::string(by));
                expected_marks[std::string(bib)] = std::string(by);
            }
            for (auto x : q["qualified"].get_array()) {
                std::string_view bib = x["bib"], mark = x["mark"], by = x["by"];
                int64_t heat = x["heat"], place = x["place"];
                got.push_back(std::string(bib) + " heat " + std::to_string(heat) + " place " +
                              std::to_string(place) + " " + std::string(mark) + " " + std::string(by));
            }
            EXPECT_EQ(got, expected);
            simdjson::ondemand::array tied;
            EXPECT_NE(q["tied"].get_array().get(tied), simdjson::SUCCESS) << "no ties in this round";

            // Where the facts give each heat's official results (places, marks,
            // DNF/DQ in their order), the derived official results equal them.
            simdjson::ondemand::object official;
            if (facts["results"].get_object().get(official) == simdjson::SUCCESS) {
                for (auto heat : official) {
                    const std::string event(std::string_view(heat.unescaped_key()));
                    std::vector<std::string> expected_rows;
                    for (auto row : heat.value().get_array()) {
                        auto cells = row.get_array();
                        auto it = cells.begin();
                        int64_t place = 0;
                        const bool placed = (*it).get_int64().get(place) == simdjson::SUCCESS;
                        ++it;
                        std::string_view bib = *it;
                        ++it;
                        std::string_view mark = *it;
                        expected_rows.push_back((placed ? std::to_string(place) : std::string("-")) + " " +
                                                std::string(bib) + " " + std::string(mark));
                    }
                    ASSERT_TRUE(d.last_official.count(event)) << event << " has official results";
                    EXPECT_EQ(rows_of(d.last_official.at(event)), expected_rows) << event;
                }
            }

            // Each heat's official results print Q/q beside the qualifiers only.
            for (auto heat : facts["heats"].get_object()) {
                const std::string event(std::string_view(heat.unescaped_key()));
                ASSERT_TRUE(d.last_official.count(event)) << event << " has official results";
                for (const auto& [bib, mark] : marks_of(d.last_official.at(event))) {
                    const auto it = expected_marks.find(bib);
                    EXPECT_EQ(mark, it == expected_marks.end() ? "" : it->second)
                        << "bib " << bib << " in " << event;
                }
            }
        });
    EXPECT_GE(checked, 1);
}
