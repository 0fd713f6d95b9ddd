// A real relay final (tests/data/relays), fed through parser + engine, must
// derive what the official results print: the places, marks and medals
// of the teams with their four runners, the records they set, the leg
// times the official splits give, and who led where.

#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "feed/engine.hpp"
#include "feed/marks.hpp"
#include "ingest/file_processor.hpp"
#include "tests/ingest/real_feeds.hpp"
#include "tests/test_paths.hpp"

namespace fs = std::filesystem;
using namespace splitstream;

namespace {

struct derived {
    std::string last_official;  // the last official results
    std::vector<std::string> records, splits, finishes, leader_changes, irms;
    std::uint64_t rejected = 0;
};

derived run_feed(const fs::path& feed) {
    derived d;
    d.rejected = splitstream::testing::apply_real_feed(feed, [&](const feed::derived_event& e) {
        switch (e.type) {
            case feed::event_type::results:
                if (e.json.find("\"official\":true") != std::string::npos) d.last_official = e.json;
                break;
            case feed::event_type::record:
                d.records.push_back(e.json);
                break;
            case feed::event_type::split:
                d.splits.push_back(e.json);
                break;
            case feed::event_type::finish:
                d.finishes.push_back(e.json);
                break;
            case feed::event_type::leader_change:
                d.leader_changes.push_back(e.json);
                break;
            case feed::event_type::irm:
                d.irms.push_back(e.json);
                break;
            default:
                break;
        }
    });
    return d;
}

std::string str(simdjson::ondemand::value v) {
    std::string_view s;
    return v.get_string().get(s) ? std::string("<missing>") : std::string(s);
}

// A field only some rows have (a medal): "" when absent or null.
std::string optional_str(simdjson::ondemand::object o, std::string_view key) {
    std::string_view s;
    return o[key].get_string().get(s) ? std::string() : std::string(s);
}

std::string strings(simdjson::ondemand::array a) {
    std::string out;
    for (auto s : a) out += str(s.value()) + ";";
    return out;
}

// "place bib mark medal [flags] runners" for each row of a results event.
std::vector<std::string> rows_of(const std::string& results_json) {
    std::vector<std::string> out;
    simdjson::ondemand::parser parser;
    simdjson::padded_string p(results_json);
    auto doc = parser.iterate(p);
    for (simdjson::ondemand::object row : doc["ranking"].get_array()) {
        std::int64_t place = row["place"];
        std::string line = std::to_string(place) + " " + str(row["bib"]) + " " + str(row["mark"]) + " " +
                           optional_str(row, "medal") + " [" + strings(row["flags"].get_array()) + "] ";
        for (auto r : row["runners"].get_array()) line += str(r["name"]) + ";";
        out.push_back(line);
    }
    return out;
}

// The leg a split or finish event ends, as "bib leg runner time", when it
// carries a leg time.
std::vector<std::string> legs_of(const std::vector<std::string>& events) {
    std::vector<std::string> out;
    for (const auto& json : events) {
        simdjson::ondemand::parser parser;
        simdjson::padded_string p(json);
        auto doc = parser.iterate(p);
        std::int64_t leg_ms = 0, leg = 0;
        if (doc["leg_ms"].get_int64().get(leg_ms)) continue;
        doc.rewind();
        leg = doc["leg"];
        const std::string bib = str(doc["bib"]);
        const std::string runner = str(doc["runner"]["name"]);
        out.push_back(bib + " " + std::to_string(leg) + " " + runner + " " +
                      feed::format_mark(leg_ms, feed::venue::track));
    }
    return out;
}

}  // namespace

TEST(RealRelay, TeamsMarksRecordsAndLegsEqualTheOfficialResults) {
    const int checked = splitstream::testing::for_each_real_feed(
        "relays", [&](const fs::path& feed_path, const fs::path& facts_path) {
            const derived d = run_feed(feed_path);
            EXPECT_EQ(d.rejected, 0u) << "the feed is clean";
            ASSERT_FALSE(d.last_official.empty()) << "official results";

            simdjson::ondemand::parser facts_parser;
            auto facts_text = simdjson::padded_string::load(facts_path.string());
            auto facts = facts_parser.iterate(facts_text.value());

            std::vector<std::string> expected_rows;
            for (simdjson::ondemand::object x : facts["results"].get_array()) {
                std::int64_t place = x["place"];
                std::string line = std::to_string(place) + " " + str(x["bib"]) + " " + str(x["mark"]) + " " +
                                   optional_str(x, "medal") + " [" + strings(x["flags"].get_array()) + "] ";
                for (auto r : x["runners"].get_array()) line += str(r.value()) + ";";
                expected_rows.push_back(line);
            }
            EXPECT_EQ(rows_of(d.last_official), expected_rows);

            std::vector<std::string> expected_records, got_records;
            for (auto x : facts["records"].get_array())
                expected_records.push_back(str(x["kind"]) + " " + str(x["bib"]) + " " + str(x["mark"]) +
                                           " was " + str(x["previous"]));
            for (const auto& json : d.records) {
                simdjson::ondemand::parser parser;
                simdjson::padded_string p(json);
                auto doc = parser.iterate(p);
                const std::string kind = str(doc["kind"]), bib = str(doc["bib"]), mark = str(doc["mark"]);
                const std::string previous = str(doc["previous"]["mark"]);
                got_records.push_back(kind + " " + bib + " " + mark + " was " + previous);
            }
            EXPECT_EQ(got_records, expected_records);

            std::vector<std::string> expected_legs;
            for (auto x : facts["legs"].get_array()) {
                std::int64_t leg = x["leg"];
                expected_legs.push_back(str(x["bib"]) + " " + std::to_string(leg) + " " + str(x["runner"]) +
                                        " " + str(x["time"]));
            }
            std::vector<std::string> got_legs = legs_of(d.splits);
            for (const auto& l : legs_of(d.finishes)) got_legs.push_back(l);
            EXPECT_EQ(got_legs, expected_legs);

            std::vector<std::string> expected_changes, got_changes;
            for (auto x : facts["leader_changes"].get_array()) {
                std::int64_t at = x["distance_m"], leg = x["leg"];
                expected_changes.push_back(std::to_string(at) + " " + str(x["leader"]) + " from " +
                                           str(x["previous"]) + ", " + str(x["runner"]) + " leg " +
                                           std::to_string(leg));
            }
            for (const auto& json : d.leader_changes) {
                simdjson::ondemand::parser parser;
                simdjson::padded_string p(json);
                auto doc = parser.iterate(p);
                std::int64_t at = doc["distance_m"];
                const std::string leader = str(doc["leader"]["bib"]), previous = str(doc["previous"]["bib"]);
                std::int64_t leg = doc["leg"];
                const std::string runner = str(doc["runner"]["name"]);
                got_changes.push_back(std::to_string(at) + " " + leader + " from " + previous + ", " +
                                      runner + " leg " + std::to_string(leg));
            }
            EXPECT_EQ(got_changes, expected_changes);

            std::size_t expected_dq = 0;
            for (auto x : facts["disqualified"].get_array()) {
                (void)x;
                ++expected_dq;
            }
            EXPECT_EQ(d.irms.size(), expected_dq);
        });
    EXPECT_GE(checked, 1);
}
