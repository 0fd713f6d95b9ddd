// A real false start (tests/data/sprints): the race, fed through parser +
// engine, must derive the false starts and the official results the
// sources print: who was disqualified, by which rule and reaction time
// (TR 16.6, TR 16.8), and every place, mark, medal and flag after the
// restart.

#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
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
    std::vector<std::string> false_starts;  // every `false_start` event
    std::string last_official;              // the last official results
    std::uint64_t rejected = 0;
};

derived run_feed(const fs::path& feed) {
    derived d;
    d.rejected = splitstream::testing::apply_real_feed(feed, [&](const feed::derived_event& e) {
        if (e.type == feed::event_type::false_start) d.false_starts.push_back(e.json);
        if (e.type == feed::event_type::results && e.json.find("\"official\":true") != std::string::npos)
            d.last_official = e.json;
    });
    return d;
}

// A string member, or "-" when it is absent or not a string.
std::string text_of(simdjson::dom::element e, const char* key) {
    std::string_view s;
    if (e[key].get_string().get(s)) return "-";
    return std::string(s);
}

// One results row as the facts and the engine both print it.
std::string row_line(simdjson::dom::element row) {
    std::int64_t place = 0;
    std::string out = row["place"].get_int64().get(place) ? "-" : std::to_string(place);
    for (const char* key : {"bib", "name", "country", "mark", "medal", "rule"})
        out += " " + text_of(row, key);
    out += " [";
    for (auto flag : row["flags"].get_array()) out += std::string(std::string_view(flag.get_string())) + ",";
    return out + "]";
}

std::string ruling_line(simdjson::dom::element e) {
    return text_of(e, "bib") + " " + text_of(e, "reaction") + " " + text_of(e, "outcome") + " " +
           text_of(e, "rule");
}

}  // namespace

TEST(RealFalseStart, FalseStartsAndResultsEqualTheOfficialResults) {
    const int checked = splitstream::testing::for_each_real_feed(
        "sprints", [&](const fs::path& feed_path, const fs::path& facts_path) {
            const derived d = run_feed(feed_path);
            EXPECT_EQ(d.rejected, 0u) << "the feed is clean";
            ASSERT_FALSE(d.last_official.empty()) << "official results";

            simdjson::dom::parser facts_parser, derived_parser;
            simdjson::dom::element facts = facts_parser.load(facts_path.string());

            // TR 16.6 / TR 16.8: who false started, with what reaction, and the ruling.
            std::vector<std::string> expected_fs, got_fs;
            for (auto x : facts["false_starts"].get_array()) expected_fs.push_back(ruling_line(x));
            for (const auto& json : d.false_starts) got_fs.push_back(ruling_line(derived_parser.parse(json)));
            EXPECT_EQ(got_fs, expected_fs);

            // The official results, row by row, and the reaction times the facts print.
            std::vector<std::string> expected_rows, got_rows, expected_reactions, got_reactions;
            for (auto row : facts["results"].get_array()) {
                expected_rows.push_back(row_line(row));
                if (text_of(row, "reaction") != "-")
                    expected_reactions.push_back(text_of(row, "bib") + " " + text_of(row, "reaction"));
            }
            simdjson::dom::element results = derived_parser.parse(d.last_official);
            for (auto row : results["ranking"].get_array()) {
                got_rows.push_back(row_line(row));
                for (const auto& want : expected_reactions)
                    if (want.starts_with(text_of(row, "bib") + " "))
                        got_reactions.push_back(text_of(row, "bib") + " " + text_of(row, "reaction"));
            }
            EXPECT_EQ(got_rows, expected_rows);
            EXPECT_EQ(got_reactions, expected_reactions);
        });
    EXPECT_GE(checked, 1);
}
