#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "ingest/frame_parser.hpp"
#include "replay/journal_writer.hpp"
#include "replay/offline_player.hpp"
#include "tests/replay/replay_test_support.hpp"
#include "tests/test_paths.hpp"

namespace splitstream::replay {
namespace {

namespace fs = std::filesystem;

struct played {
    std::vector<std::string> events;
    std::vector<std::string> skipped;  // "location reason"
    offline_summary summary;
};

played play(const fs::path& path) {
    played out;
    std::error_code ec;
    out.summary = play_offline(
        path, {},
        {.on_event = [&](const feed::derived_event& e) { out.events.push_back(e.json); },
         .on_skipped = [&](const skipped_input& s) { out.skipped.push_back(s.location + " " + s.reason); }},
        ec);
    EXPECT_FALSE(ec) << ec.message();
    return out;
}

TEST(offline_player, a_json_lines_feed_and_its_journal_give_the_same_events) {
    auto dir = fresh_dir("same");
    auto feed_copy = dir / "feed.jsonl";
    std::vector<std::string> lines;
    {
        std::ifstream in(test_paths::reference_feed());
        for (std::string l; std::getline(in, l);) lines.push_back(l);
    }
    // A bad line and a repeated line, as a real recording may hold.
    lines.insert(lines.begin() + 10, R"({"seq":11,"type":"split")");
    lines.insert(lines.begin() + 20, lines[18]);
    {
        std::ofstream out(feed_copy);
        for (const auto& l : lines) out << l << "\n";
    }
    auto journal = dir / "journal";
    {
        open_report report;
        std::error_code ec;
        auto w = journal_writer::open({.path = journal, .epoch = "e", .sync = sync_policy::os}, report, ec);
        ASSERT_TRUE(w);
        for (const auto& l : lines)
            ASSERT_FALSE(w->append_received({.bytes = l, .wall_ns = 1, .mono_ns = 1, .line = 0}));
    }

    auto from_jsonl = play(feed_copy);
    auto from_journal = play(journal);
    EXPECT_EQ(from_jsonl.summary.format, input_format::json_lines);
    EXPECT_EQ(from_journal.summary.format, input_format::journal);
    ASSERT_GT(from_jsonl.events.size(), 185u);
    EXPECT_EQ(from_jsonl.events, from_journal.events);
    EXPECT_EQ(from_jsonl.skipped, (std::vector<std::string>{"line 11 invalid_json", "line 21 duplicate"}));
    EXPECT_EQ(from_journal.skipped.size(), 2u);
    EXPECT_EQ(from_jsonl.summary.applied, 185u);
    EXPECT_EQ(from_jsonl.summary.events, from_jsonl.events.size());

    // Deterministic: a second run gives the same bytes.
    EXPECT_EQ(play(feed_copy).events, from_jsonl.events);
}

TEST(offline_player, journalled_rejections_stay_unapplied) {
    auto journal = fresh_dir("rejected") / "journal";
    std::vector<std::string> lines;
    {
        std::ifstream in(test_paths::reference_feed());
        for (std::string l; std::getline(in, l);) lines.push_back(l);
    }
    {
        open_report report;
        std::error_code ec;
        auto w = journal_writer::open({.path = journal, .epoch = "e", .sync = sync_policy::os}, report, ec);
        ASSERT_TRUE(w);
        for (std::size_t i = 0; i < lines.size(); ++i) {
            ingest::received_frame f{.bytes = lines[i], .wall_ns = 1, .mono_ns = 1, .line = 0};
            // Pretend the live engine refused the last finish: it must not
            // appear in the replay either.
            if (i == 182)
                ASSERT_FALSE(
                    w->append_rejected(f, {.reason = feed::reject_reason::unknown_bib, .detail = "test"}));
            else
                ASSERT_FALSE(w->append_applied(f));
        }
    }
    auto out = play(journal);
    ASSERT_EQ(out.skipped.size(), 1u);
    EXPECT_NE(out.skipped[0].find("unknown_bib"), std::string::npos);
    for (const auto& e : out.events)
        EXPECT_EQ(e.find(R"("type":"finish","event":"M1500-F","ts":"2023-08-23T19:19:35.408Z")"),
                  std::string::npos);
    EXPECT_EQ(out.summary.applied, 184u);
}

TEST(offline_player, detects_the_format_by_the_journal_magic) {
    auto dir = fresh_dir("detect");
    std::error_code ec;
    EXPECT_EQ(detect_format(test_paths::reference_feed(), ec), input_format::json_lines);
    open_report report;
    journal_writer::open({.path = dir / "j", .epoch = "e"}, report, ec);
    EXPECT_EQ(detect_format(dir / "j", ec), input_format::journal);
    EXPECT_FALSE(detect_format(dir / "absent", ec));
    EXPECT_TRUE(ec);
}

}  // namespace
}  // namespace splitstream::replay
