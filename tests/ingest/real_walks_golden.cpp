// Real race walks (tests/data/walks): a championship walk with its red
// cards, fed through parser + engine, must derive what the official
// results print: the places and marks of the walkers who finished, and the
// disqualification by the Chief Judge after red cards (TR 54.7.3), with
// the Penalty Zone the third red card called for.

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
    std::string last_official;                        // the last official results
    std::map<std::string, std::string> dq_headline;   // bib -> headline of its DQ
    std::map<std::string, std::int64_t> red_cards;    // bib -> red cards published
    std::map<std::string, std::int64_t> penalty_due;  // bib -> penalty_ms of its `due`
    std::uint64_t rejected = 0;
};

std::string bib_of(const std::string& json) {
    simdjson::ondemand::parser p;
    simdjson::padded_string text(json);
    auto doc = p.iterate(text);
    std::string_view bib = doc["bib"];
    return std::string(bib);
}

std::int64_t number_of(const std::string& json, const char* key) {
    simdjson::ondemand::parser p;
    simdjson::padded_string text(json);
    auto doc = p.iterate(text);
    return doc[key].get_int64();
}

derived run_feed(const fs::path& feed) {
    derived d;
    d.rejected = splitstream::testing::apply_real_feed(feed, [&](const feed::derived_event& e) {
        if (e.type == feed::event_type::results && e.json.find("\"official\":true") != std::string::npos)
            d.last_official = e.json;
        if (e.type == feed::event_type::irm && e.json.find("\"code\":\"DQ\"") != std::string::npos)
            d.dq_headline[bib_of(e.json)] = e.text;
        if (e.type == feed::event_type::card && e.json.find("\"kind\":\"red\"") != std::string::npos)
            d.red_cards[bib_of(e.json)] = number_of(e.json, "red_cards");
        if (e.type == feed::event_type::penalty_zone && e.json.find("\"state\":\"due\"") != std::string::npos)
            d.penalty_due[bib_of(e.json)] = number_of(e.json, "penalty_ms");
    });
    return d;
}

}  // namespace

TEST(RealWalks, PlacesAndDisqualificationsEqualTheOfficialResults) {
    const int checked = splitstream::testing::for_each_real_feed("walks", [&](const fs::path& feed_path,
                                                                              const fs::path& facts_path) {
        const derived d = run_feed(feed_path);
        EXPECT_EQ(d.rejected, 0u) << "the feed is clean";
        ASSERT_FALSE(d.last_official.empty()) << "official results";

        simdjson::ondemand::parser facts_parser, results_parser;
        auto facts_text = simdjson::padded_string::load(facts_path.string());
        auto facts = facts_parser.iterate(facts_text.value());

        // Ranking rows as "place bib mark medal" and "- bib DQ rule".
        std::vector<std::string> expected, got;
        for (auto x : facts["ranking"].get_array()) {
            std::string_view bib = x["bib"], mark = x["mark"], medal = x["medal"];
            int64_t place = x["place"];
            expected.push_back(std::to_string(place) + " " + std::string(bib) + " " + std::string(mark) +
                               " " + std::string(medal));
        }
        std::map<std::string, std::string> expected_dq;  // bib -> headline
        std::map<std::string, std::int64_t> expected_cards;
        for (auto x : facts["disqualified"].get_array()) {
            std::string_view bib = x["bib"], rule = x["rule"], headline = x["headline"];
            int64_t cards = x["red_cards"];
            expected.push_back("- " + std::string(bib) + " DQ " + std::string(rule));
            expected_dq[std::string(bib)] = std::string(headline);
            expected_cards[std::string(bib)] = cards;
        }
        std::map<std::string, std::int64_t> expected_due;
        for (auto x : facts["penalty_zone_due"].get_array()) {
            std::string_view bib = x["bib"];
            int64_t ms = x["penalty_ms"];
            expected_due[std::string(bib)] = ms;
        }

        simdjson::padded_string results_text(d.last_official);
        auto results = results_parser.iterate(results_text);
        for (auto row : results["ranking"].get_array()) {
            std::string_view bib = row["bib"], mark = row["mark"];
            int64_t place = 0;
            if (row["place"].get_int64().get(place) == simdjson::SUCCESS) {
                std::string_view medal;
                if (row["medal"].get_string().get(medal)) medal = "";
                got.push_back(std::to_string(place) + " " + std::string(bib) + " " + std::string(mark) + " " +
                              std::string(medal));
            } else {
                std::string_view rule;
                if (row["rule"].get_string().get(rule)) rule = "";
                got.push_back("- " + std::string(bib) + " " + std::string(mark) + " " + std::string(rule));
            }
        }
        EXPECT_EQ(got, expected);
        EXPECT_EQ(d.dq_headline, expected_dq);
        for (const auto& [bib, cards] : expected_cards)
            EXPECT_EQ(d.red_cards.at(bib), cards) << "red cards of bib " << bib;
        EXPECT_EQ(d.penalty_due, expected_due);
    });
    EXPECT_GE(checked, 1);
}
