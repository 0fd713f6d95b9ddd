#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "replay/journal_writer.hpp"
#include "tests/replay/replay_test_support.hpp"
#include "tests/test_paths.hpp"

namespace splitstream::replay {
namespace {

namespace fs = std::filesystem;

struct run_result {
    int status = -1;
    std::string out;
};

// Runs the splitstream binary; stdout only unless `with_stderr`.
run_result run(const std::string& args, bool with_stderr = false) {
    run_result r;
    std::string command =
        std::string(SPLITSTREAM_BINARY) + " " + args + (with_stderr ? " 2>&1" : " 2>/dev/null");
    FILE* p = ::popen(command.c_str(), "r");
    if (p == nullptr) return r;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) r.out.append(buf, n);
    int status = ::pclose(p);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

// A journal of the reference feed as `record` makes it; returns the offset
// of record number `mark` (0-based).
std::uint64_t write_journal(const fs::path& path, std::size_t mark) {
    std::ifstream in(test_paths::reference_feed());
    open_report report;
    std::error_code ec;
    auto w = journal_writer::open({.path = path, .epoch = "cli", .sync = sync_policy::os}, report, ec);
    std::uint64_t offset = 0;
    std::size_t i = 0;
    for (std::string line; std::getline(in, line); ++i) {
        if (i == mark) offset = w->file_size();
        (void)w->append_received(
            {.bytes = line, .wall_ns = 1'692'818'040'000'000'000, .mono_ns = 0, .line = 0});
    }
    return offset;
}

TEST(cli, replay_to_stdout_is_the_same_for_a_feed_and_its_journal) {
    auto journal = fresh_dir("stdout") / "journal";
    write_journal(journal, 0);
    auto from_feed = run("replay " + test_paths::reference_feed().string() + " --to-stdout");
    auto from_journal = run("replay " + journal.string() + " --to-stdout");
    EXPECT_EQ(from_feed.status, 0);
    EXPECT_EQ(from_journal.status, 0);
    EXPECT_GT(from_feed.out.size(), 10'000u);
    EXPECT_EQ(from_feed.out, from_journal.out);
}

TEST(cli, replay_check_names_the_first_different_line) {
    auto dir = fresh_dir("check");
    auto events = run("replay " + test_paths::reference_feed().string() + " --to-stdout").out;
    // Change one character on line 5 of an otherwise correct golden file.
    std::size_t pos = 0;
    for (int i = 0; i < 4; ++i) pos = events.find('\n', pos) + 1;
    auto colon = events.find("\"seq\":", pos);
    ASSERT_NE(colon, std::string::npos);
    std::string altered = events;
    altered[colon + 6] = altered[colon + 6] == '9' ? '8' : '9';
    std::ofstream(dir / "golden.jsonl") << altered;
    std::ofstream(dir / "good.jsonl") << events;

    auto bad = run("replay " + test_paths::reference_feed().string() + " --check " +
                   (dir / "golden.jsonl").string());
    EXPECT_EQ(bad.status, 1);
    EXPECT_NE(bad.out.find("first difference at line 5"), std::string::npos) << bad.out;
    EXPECT_NE(bad.out.find("expected: "), std::string::npos);
    EXPECT_NE(bad.out.find("actual:   "), std::string::npos);

    auto good =
        run("replay " + test_paths::reference_feed().string() + " --check " + (dir / "good.jsonl").string());
    EXPECT_EQ(good.status, 0);
    EXPECT_NE(good.out.find("events match"), std::string::npos) << good.out;

    // A golden file with one line too many: the replay ends early.
    std::ofstream(dir / "longer.jsonl") << events << R"({"seq":999})"
                                        << "\n";
    auto longer = run("replay " + test_paths::reference_feed().string() + " --check " +
                      (dir / "longer.jsonl").string());
    EXPECT_EQ(longer.status, 1);
    EXPECT_NE(longer.out.find("(no more events)"), std::string::npos) << longer.out;
}

TEST(cli, journal_verify_reports_the_first_bad_offset) {
    auto journal = fresh_dir("verify") / "journal";
    auto bad_offset = write_journal(journal, 100);

    auto ok = run("journal verify " + journal.string());
    EXPECT_EQ(ok.status, 0) << ok.out;
    EXPECT_NE(ok.out.find("ok, 185 records"), std::string::npos) << ok.out;

    {
        std::fstream f(journal, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(bad_offset + 40));
        f.put('#');
    }
    auto bad = run("journal verify " + journal.string());
    EXPECT_EQ(bad.status, 1);
    EXPECT_NE(bad.out.find("first bad offset " + std::to_string(bad_offset)), std::string::npos) << bad.out;
    EXPECT_NE(bad.out.find("after 100 good records"), std::string::npos) << bad.out;
}

TEST(cli, journal_cat_and_stats_describe_the_records) {
    auto journal = fresh_dir("cat") / "journal";
    write_journal(journal, 0);
    auto cat = run("journal cat " + journal.string());
    EXPECT_EQ(cat.status, 0);
    EXPECT_NE(cat.out.find("epoch=cli"), std::string::npos) << cat.out.substr(0, 300);
    EXPECT_NE(cat.out.find(
                  " received wall=2023-08-23T19:14:00.000Z mono_ns=0 line=0 {\"seq\":1,\"type\":\"hello\""),
              std::string::npos)
        << cat.out.substr(0, 600);

    auto stats = run("journal stats " + journal.string());
    EXPECT_EQ(stats.status, 0);
    EXPECT_NE(stats.out.find("records 185"), std::string::npos) << stats.out;
    EXPECT_NE(stats.out.find("received: 185"), std::string::npos) << stats.out;
}

TEST(cli, journal_inputs_lists_the_raw_inputs_and_extracts_one_byte_for_byte) {
    auto dir = fresh_dir("inputs");
    auto journal = dir / "journal";
    std::uint64_t first = 0, second = 0;
    const char raw[] = "DQ,122,\0\r\xc5NORD\xc5S\n";  // a NUL, a lone CR, Windows-1252
    const std::string binary(raw, sizeof raw - 1);
    {
        open_report report;
        std::error_code ec;
        auto w = journal_writer::open({.path = journal, .epoch = "cli", .sync = sync_policy::os}, report, ec);
        ASSERT_TRUE(w) << ec.message();
        const std::int64_t wall = 1'692'818'040'000'000'000;
        first = w->file_size();
        ASSERT_FALSE(
            w->append_input({.wall_ns = wall, .source = "lynx-dir", .name = "lynx.evt", .bytes = "1,1,1"}));
        ASSERT_FALSE(w->append_received({.bytes = R"({"seq":1})", .wall_ns = wall, .mono_ns = 0, .line = 0}));
        second = w->file_size();
        ASSERT_FALSE(w->append_input({.wall_ns = wall + 1'000'000,
                                      .source = "odf-listen",
                                      .name = "POST /odf from 10.0.0.1:5",
                                      .bytes = binary}));
    }
    auto list = run("journal inputs " + journal.string());
    EXPECT_EQ(list.status, 0);
    EXPECT_EQ(
        list.out,
        "1 journal offset " + std::to_string(first) +
            " wall=2023-08-23T19:14:00.000Z source=lynx-dir name=\"lynx.evt\" bytes=5\n"
            "2 journal offset " +
            std::to_string(second) +
            " wall=2023-08-23T19:14:00.001Z source=odf-listen name=\"POST /odf from 10.0.0.1:5\" bytes=17\n");

    auto to_stdout = run("journal inputs " + journal.string() + " --extract 2");
    EXPECT_EQ(to_stdout.status, 0);
    EXPECT_EQ(to_stdout.out, binary);
    auto to_file = run("journal inputs " + journal.string() + " --extract 1 --out " + (dir / "out").string());
    EXPECT_EQ(to_file.status, 0);
    std::ifstream in(dir / "out", std::ios::binary);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "1,1,1");

    auto missing = run("journal inputs " + journal.string() + " --extract 3", true);
    EXPECT_EQ(missing.status, 2);
    EXPECT_NE(missing.out.find("holds 2 input(s): no input 3"), std::string::npos) << missing.out;
    EXPECT_NE(run("journal inputs " + journal.string() + " --out x", true).status, 0);

    auto cat = run("journal cat " + journal.string());
    EXPECT_NE(
        cat.out.find(std::to_string(first) +
                     " input wall=2023-08-23T19:14:00.000Z source=lynx-dir name=\"lynx.evt\" bytes=5\n"),
        std::string::npos)
        << cat.out;
    auto stats = run("journal stats " + journal.string());
    EXPECT_NE(stats.out.find("input bytes 22"), std::string::npos) << stats.out;
    EXPECT_NE(stats.out.find("input odf-listen: 1"), std::string::npos) << stats.out;

    // A journal with no input says so, and is not an error.
    write_journal(dir / "plain", 0);
    auto none = run("journal inputs " + (dir / "plain").string());
    EXPECT_EQ(none.status, 0);
    EXPECT_NE(none.out.find("no timing-system input"), std::string::npos) << none.out;
}

}  // namespace
}  // namespace splitstream::replay
