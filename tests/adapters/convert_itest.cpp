// `splitstream convert` then `splitstream process`, as a results desk runs
// them on a recorded FinishLynx session.

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/test_paths.hpp"

namespace {

struct program_run {
    int status = -1;
    std::string out;
};

program_run run(const std::string& command) {
    program_run r;
    FILE* p = popen(command.c_str(), "r");
    if (!p) return r;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
    r.status = pclose(p);
    return r;
}

TEST(ConvertCommand, LynxFilesBecomeAFeedThatProcessTurnsIntoTheReferenceResults) {
    const auto data = std::filesystem::path(SPLITSTREAM_SOURCE_DIR) / "tests/data/adapters/budapest-2023";
    const auto out =
        std::filesystem::temp_directory_path() / ("splitstream-convert-" + std::to_string(::getpid()));
    std::filesystem::create_directories(out);
    const auto feed = out / "feed.jsonl";
    const std::string bin = SPLITSTREAM_BINARY;
    auto converted = run(bin + " convert --from lif --meet " + (data / "meet.toml").string() + " " +
                         (data / "lynx.evt").string() + " " + (data / "001-1-01.lif").string() + " --out " +
                         feed.string() + " 2>&1");
    ASSERT_EQ(converted.status, 0) << converted.out;
    EXPECT_NE(converted.out.find("16 feed messages, 0 problem(s)"), std::string::npos) << converted.out;

    auto processed = run(bin + " process " + feed.string() + " 2>/dev/null");
    ASSERT_EQ(processed.status, 0);
    EXPECT_NE(processed.out.find("Niels Laros (NED) sets a new national record: 3:31.25 (provisional)"),
              std::string::npos);
    EXPECT_NE(
        processed.out.find("unofficial results: Gold Josh Kerr (GBR) 3:29.38 SB, silver Jakob Ingebrigtsen "
                           "(NOR) 3:29.65, bronze Narve Gilje Nord\xC3\xA5s (NOR) 3:29.68"),
        std::string::npos)
        << processed.out;

    // A line the adapter cannot read is named on stderr; the rest converts.
    {
        std::ofstream bad(out / "bad.lif");
        bad << "1,1,1\n1,136,6,KERR,Josh,GBR,3:29.379\nQQ,129,5,INGEBRIGTSEN,Jakob,NOR,oops\n2,999,1,X,Y,GBR,"
               "3:40.0\n";
    }
    auto partly = run(bin + " convert --from lif --meet " + (data / "meet.toml").string() + " " +
                      (data / "lynx.evt").string() + " " + (out / "bad.lif").string() + " 2>&1 >/dev/null");
    EXPECT_EQ(partly.status, 0);
    EXPECT_NE(partly.out.find("bad.lif:4: unknown_bib: ID 999 is not in the start list of M1500-F"),
              std::string::npos)
        << partly.out;
    EXPECT_NE(partly.out.find("1 problem(s), unknown_bib 1"), std::string::npos) << partly.out;
    std::filesystem::remove_all(out);
}

}  // namespace
