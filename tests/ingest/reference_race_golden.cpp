// The reference races of shared/data through parser + engine, checked
// against what the official results print (the `.expected.json` beside
// each feed): leaders at every reported point, finish order and marks,
// records, PBs and SBs.

#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
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
    std::map<std::string, std::string> leader_at;               // distance -> bib first there
    std::vector<std::pair<std::string, std::string>> official;  // (bib, mark) in place order
    std::vector<std::int64_t> places;
    std::set<std::pair<std::string, std::string>> claims;  // (kind, bib)
    std::uint64_t rejected = 0;
};

derived run_feed(const fs::path& feed) {
    derived d;
    simdjson::ondemand::parser json;
    d.rejected = splitstream::testing::apply_real_feed(feed, [&](const feed::derived_event& e) {
        simdjson::padded_string p(e.json);
        auto doc = json.iterate(p);
        if (e.type == feed::event_type::split && int64_t(doc["position"]) == 1) {
            std::string_view bib = doc["bib"];
            d.leader_at[std::to_string(int64_t(doc["distance_m"]))] = std::string(bib);
        } else if (e.type == feed::event_type::record) {
            std::string_view kind = doc["kind"];
            std::string_view bib = doc["bib"];
            d.claims.emplace(std::string(kind), std::string(bib));
        } else if (e.type == feed::event_type::results && bool(doc["official"])) {
            d.official.clear();
            d.places.clear();
            for (auto row : doc["ranking"].get_array()) {
                std::string_view bib = row["bib"], mark = row["mark"];
                d.official.emplace_back(std::string(bib), std::string(mark));
                int64_t place = 0;
                if (row["place"].get_int64().get(place) == simdjson::SUCCESS) d.places.push_back(place);
            }
        }
    });
    return d;
}

}  // namespace

TEST(ReferenceRaces, DerivedEventsMatchTheOfficialResults) {
    const fs::path feeds = fs::path(SPLITSTREAM_SHARED_DIR) / "data" / "feeds";
    int checked = 0;
    for (const auto& entry : fs::directory_iterator(feeds)) {
        const auto name = entry.path().filename().string();
        if (!name.ends_with(".jsonl")) continue;
        const fs::path expected_path = feeds / (name.substr(0, name.size() - 6) + ".expected.json");
        if (!fs::exists(expected_path)) continue;
        SCOPED_TRACE(name);
        ++checked;
        const derived d = run_feed(entry.path());
        EXPECT_EQ(d.rejected, 0u) << "the reference feed is clean";

        simdjson::ondemand::parser parser;
        auto text = simdjson::padded_string::load(expected_path.string());
        auto doc = parser.iterate(text.value());
        for (auto field : doc["leaders_at"].get_object()) {
            std::string_view distance = field.unescaped_key();
            std::string_view bib = field.value();
            EXPECT_EQ(
                d.leader_at.count(std::string(distance)) ? d.leader_at.at(std::string(distance)) : "none",
                bib)
                << "leader at " << distance << " m";
        }
        std::size_t k = 0;
        for (auto row : doc["official_ranking"].get_array()) {
            std::string_view bib = row["bib"], mark = row["mark"];
            int64_t place = row["place"];
            ASSERT_LT(k, d.official.size());
            EXPECT_EQ(d.official[k].first, bib) << "place " << place;
            EXPECT_EQ(d.official[k].second, mark) << "mark of bib " << bib;
            EXPECT_EQ(d.places[k], place);
            ++k;
        }
        EXPECT_EQ(k, d.official.size() - (d.official.size() - d.places.size()));
        std::set<std::pair<std::string, std::string>> expected_claims;
        for (auto r : doc["records"].get_array()) {
            std::string_view kind = r["kind"], bib = r["bib"];
            expected_claims.emplace(std::string(kind), std::string(bib));
        }
        for (auto r : doc["pb_sb"].get_array()) {
            std::string_view kind = r["kind"], bib = r["bib"];
            expected_claims.emplace(std::string(kind), std::string(bib));
        }
        EXPECT_EQ(d.claims, expected_claims);
        for (auto bib : doc["no_pb_sb"].get_array()) {
            std::string_view b = bib.get_string();
            for (const auto& [kind, who] : d.claims) EXPECT_NE(who, b) << kind << " claimed by " << b;
        }
    }
    EXPECT_GE(checked, 1);
}
