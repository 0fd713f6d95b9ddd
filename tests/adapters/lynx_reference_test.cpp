// Acceptance: the reference race (Budapest 2023, men's 1500 m final) as
// FinishLynx files (tests/data/adapters/budapest-2023: lynx.evt and the
// LIF in Windows-1252, the meet file with the records in force and the
// PB/SB) gives the results, records, PB/SB and IRMs of the feed v1 run.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "adapters/offline_convert.hpp"
#include "tests/adapters/engine_run.hpp"
#include "tests/test_paths.hpp"

namespace splitstream::adapters {
namespace {

std::filesystem::path data_dir() {
    return std::filesystem::path(test_paths::source_dir) / "tests/data/adapters/budapest-2023";
}

std::string read(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// The ranking without the official flag: a LIF has none, so its results stay
// unofficial; the places, marks, flags and medals must be the same.
TEST(LynxReferenceRace, EvtAndLifGiveTheResultsRecordsAndClaimsOfTheFeedV1Run) {
    auto meet = load_meet_file(data_dir() / "meet.toml");
    ASSERT_TRUE(meet.meet) << meet.error;
    const auto converted =
        convert_inputs(*meet.meet, source_format::lif,
                       {{"lynx.evt", read(data_dir() / "lynx.evt"), "2023-08-23T19:15:00.000Z"},
                        {"001-1-01.lif", read(data_dir() / "001-1-01.lif"), "2023-08-23T19:20:20.000Z"}});
    EXPECT_TRUE(converted.problems.empty()) << describe(converted.problems.front());
    const auto lynx = test::run_messages(converted.messages);
    EXPECT_TRUE(lynx.rejected.empty()) << lynx.rejected.front();

    const auto reference = test::run_lines(test_paths::reference_feed_lines());
    ASSERT_TRUE(reference.rejected.empty());
    ASSERT_FALSE(reference.last_ranking().empty());
    EXPECT_EQ(lynx.last_ranking(), reference.last_ranking());
    EXPECT_FALSE(lynx.last_results_official());
    // NR for Laros, PBs for Hocker and Laros, SB for Kerr: the same set.
    EXPECT_EQ(lynx.records(), reference.records());
    EXPECT_EQ(lynx.records().count({"NR", "164"}), 1u);
    EXPECT_EQ(lynx.texts(feed::event_type::irm), reference.texts(feed::event_type::irm));
    EXPECT_EQ(lynx.texts(feed::event_type::finish), reference.texts(feed::event_type::finish));
}

}  // namespace
}  // namespace splitstream::adapters
