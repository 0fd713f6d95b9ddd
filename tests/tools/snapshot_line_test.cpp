// The line `splitstream tail` prints for a snapshot, from the states the
// engine gives for the reference race at each stage (issue 22: after the
// finish it read "leader Josh KERR").

#include "tools/tail/snapshot_line.hpp"

#include <gtest/gtest.h>

#include <string>

#include "feed/engine.hpp"
#include "ingest/file_processor.hpp"
#include "tests/test_paths.hpp"

namespace splitstream::tail {
namespace {

// The engine's snapshot of the race after the first `n` lines of the feed,
// as tail prints it.
std::string line_after(std::size_t n) {
    feed::engine engine;
    ingest::file_processor processor(
        engine, [](const feed::derived_event&) {}, [](const ingest::line_report&) {});
    const auto& lines = test_paths::reference_feed_lines();
    for (std::size_t i = 0; i < n && i < lines.size(); ++i) processor.process_line(lines[i]);
    const auto json = engine.snapshot_json("M1500-F");
    if (!json) return "no snapshot";
    simdjson::dom::parser parser;
    return snapshot_line(parser.parse(*json).value());
}

std::size_t index_of_first(const std::string& needle) {
    const auto& lines = test_paths::reference_feed_lines();
    for (std::size_t i = 0; i < lines.size(); ++i)
        if (lines[i].find(needle) != std::string::npos) return i;
    return lines.size();
}

TEST(snapshot_line, before_the_gun_it_is_a_start_list_with_nobody_ahead) {
    EXPECT_EQ(line_after(2), "Men's 1500 metres Final: start list, 12 athletes");
}

TEST(snapshot_line, during_the_race_it_names_the_leader_as_headlines_do_and_where) {
    const auto line = line_after(index_of_first("\"distance_m\":1300,"));
    EXPECT_EQ(line.rfind("Men's 1500 metres Final: under way, 12 athletes, leader ", 0), 0u) << line;
    EXPECT_NE(line.find(" at 1200 m"), std::string::npos) << line;
    EXPECT_EQ(line.find("INGEBRIGTSEN"), std::string::npos) << "start-list capitals: " << line;
}

TEST(snapshot_line, after_the_finish_it_names_the_winner_with_the_mark) {
    const auto finished = line_after(index_of_first("\"type\":\"finish\"") + 12);
    EXPECT_NE(finished.find(", winner Josh Kerr (GBR) 3:29.38"), std::string::npos) << finished;
    EXPECT_EQ(finished.find("leader"), std::string::npos) << finished;

    const auto official = line_after(test_paths::reference_feed_lines().size());
    EXPECT_EQ(official,
              "Men's 1500 metres Final: official results, 12 athletes, winner Josh Kerr (GBR) 3:29.38");
}

}  // namespace
}  // namespace splitstream::tail
