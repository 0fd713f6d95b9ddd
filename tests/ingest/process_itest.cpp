// `splitstream process` keeps going through garbage: thousands of corrupted
// and random lines mixed into the reference feed are each reported, and the
// good lines still derive exactly the events of the clean feed.

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "ingest/frame_parser.hpp"
#include "tests/test_paths.hpp"

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream s(text);
    for (std::string line; std::getline(s, line);) out.push_back(line);
    return out;
}

int run(const std::string& args) {
    return std::system((std::string(SPLITSTREAM_BINARY) + " " + args).c_str());
}

}  // namespace

TEST(Process, GarbageLinesAreReportedAndChangeNothing) {
    const fs::path feed = splitstream::test_paths::reference_feed();
    const fs::path dir = fs::temp_directory_path() / ("splitstream-process-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const auto good = lines_of(slurp(feed));
    ASSERT_GT(good.size(), 100u);

    // Mutations of real lines that the parser refuses (a mutation that still
    // parses could be a different valid message, and would change the race).
    std::mt19937_64 rng(20230823);
    splitstream::ingest::frame_parser parser;
    std::vector<std::string> garbage;
    while (garbage.size() < 3000) {
        std::string line = good[rng() % good.size()];
        switch (rng() % 5) {
            case 0:
                line.resize(rng() % line.size());
                break;
            case 1:
                line[rng() % line.size()] = static_cast<char>(rng() % 256);
                break;
            case 2:
                line.insert(rng() % line.size(), 1, "{}[],:\"\\"[rng() % 8]);
                break;
            case 3:
                line.assign(1 + rng() % 200, ' ');
                for (auto& c : line) c = static_cast<char>(rng() % 256);
                break;
            default:
                line.erase(rng() % line.size(), 1 + rng() % 10);
                break;
        }
        if (line.find('\n') != std::string::npos || line.find('\r') != std::string::npos) continue;
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        if (parser.parse(line).ok()) continue;
        garbage.push_back(line);
    }
    std::string mixed;
    std::size_t g = 0;
    for (const auto& line : good) {
        for (int k = 0; k < 16 && g < garbage.size(); ++k) mixed += garbage[g++] + "\n";
        mixed += line + "\n";
    }
    while (g < garbage.size()) mixed += garbage[g++] + "\n";
    std::ofstream(dir / "mixed.jsonl", std::ios::binary) << mixed;

    ASSERT_EQ(run("process " + feed.string() + " >" + (dir / "clean.out").string() + " 2>/dev/null"), 0);
    ASSERT_EQ(run("process " + (dir / "mixed.jsonl").string() + " >" + (dir / "mixed.out").string() + " 2>" +
                  (dir / "mixed.err").string()),
              0);
    const auto clean = slurp(dir / "clean.out");
    EXPECT_GT(clean.size(), 10000u);
    EXPECT_EQ(slurp(dir / "mixed.out"), clean);

    const auto err = lines_of(slurp(dir / "mixed.err"));
    std::size_t reported = 0;
    for (const auto& line : err)
        if (line.rfind("line ", 0) == 0 && line.find(": rejected: ") != std::string::npos) ++reported;
    EXPECT_EQ(reported, garbage.size()) << "every bad line is reported once";
    EXPECT_NE(slurp(dir / "mixed.err").find("rejected " + std::to_string(garbage.size())), std::string::npos);
    fs::remove_all(dir);
}

// `process` reads its input in large blocks and splits the lines itself: a
// line cut by a block boundary, a line longer than a block, and a last line
// with no newline are each still one line, from a file as from a pipe, and
// `replay` of a recording reads it the same way.
TEST(Process, LinesAcrossReadBlocksAreWhole) {
    const fs::path feed = splitstream::test_paths::reference_feed();
    const fs::path dir = fs::temp_directory_path() / ("splitstream-blocks-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const auto good = lines_of(slurp(feed));
    ASSERT_GT(good.size(), 100u);
    // An unknown field makes every line 20 kB, so the 1 MiB reads end inside
    // lines; one frame of 1.5 MiB is refused as over the 1 MiB frame limit.
    const std::string pad = "{\"pad\":\"" + std::string(20000, 'x') + "\",";
    std::string padded;
    for (std::size_t i = 0; i < good.size(); ++i) {
        if (i == good.size() / 2) padded += pad + "\"big\":\"" + std::string(1500000, 'y') + "\"}\n";
        padded += pad + good[i].substr(1);
        if (i + 1 < good.size()) padded += '\n';
    }
    std::ofstream(dir / "padded.jsonl", std::ios::binary) << padded;

    ASSERT_EQ(run("process " + feed.string() + " >" + (dir / "clean.out").string() + " 2>/dev/null"), 0);
    ASSERT_EQ(run("process " + (dir / "padded.jsonl").string() + " >" + (dir / "file.out").string() + " 2>" +
                  (dir / "file.err").string()),
              0);
    ASSERT_EQ(std::system(("cat " + (dir / "padded.jsonl").string() + " | " + SPLITSTREAM_BINARY +
                           " process >" + (dir / "pipe.out").string() + " 2>" + (dir / "pipe.err").string())
                              .c_str()),
              0);
    const auto clean = slurp(dir / "clean.out");
    EXPECT_GT(clean.size(), 10000u);
    // Compared as booleans: a mismatch would print 60 kB of events twice.
    EXPECT_TRUE(slurp(dir / "file.out") == clean);
    EXPECT_TRUE(slurp(dir / "pipe.out") == clean);
    const auto err = slurp(dir / "file.err");
    EXPECT_NE(err.find("lines " + std::to_string(good.size() + 1) + ", applied"), std::string::npos) << err;
    EXPECT_NE(err.find("rejected too_large: 1"), std::string::npos) << err;
    EXPECT_EQ(slurp(dir / "pipe.err"), err);

    // `replay` of a recording reads it the same way (before, it read the
    // whole file into memory first, twice its size at its peak): the same
    // events, and lines ended by "\r\n" are the same lines.
    ASSERT_EQ(run("replay " + (dir / "padded.jsonl").string() + " --to-stdout >" +
                  (dir / "replay.out").string() + " 2>/dev/null"),
              0);
    EXPECT_TRUE(slurp(dir / "replay.out") == clean);
    std::string crlf;
    for (const auto& line : good) crlf += line + "\r\n";
    std::ofstream(dir / "crlf.jsonl", std::ios::binary) << crlf;
    ASSERT_EQ(
        run("process " + (dir / "crlf.jsonl").string() + " >" + (dir / "crlf.out").string() + " 2>/dev/null"),
        0);
    ASSERT_EQ(run("replay " + (dir / "crlf.jsonl").string() + " --to-stdout >" +
                  (dir / "crlf-replay.out").string() + " 2>/dev/null"),
              0);
    EXPECT_TRUE(slurp(dir / "crlf.out") == clean);
    EXPECT_TRUE(slurp(dir / "crlf-replay.out") == clean);
    fs::remove_all(dir);
}
