// The `splitstream sim` command as users run it.

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include "tests/test_paths.hpp"

namespace {

std::string run(const std::string& args, int& status) {
    std::string cmd = std::string(SPLITSTREAM_BINARY) + " " + args + " 2>&1";
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return out;
    char buf[4096];
    while (auto n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    status = pclose(p);
    return out;
}

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(sim_cli, the_same_seed_writes_the_same_file_and_another_seed_another) {
    auto dir = std::filesystem::temp_directory_path() / ("splitstream-sim-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    int status = -1;
    run("sim --seed 9 --out " + (dir / "a.jsonl").string(), status);
    ASSERT_EQ(status, 0);
    run("sim --seed 9 --out " + (dir / "b.jsonl").string(), status);
    ASSERT_EQ(status, 0);
    run("sim --seed 10 --out " + (dir / "c.jsonl").string(), status);
    ASSERT_EQ(status, 0);
    auto a = slurp(dir / "a.jsonl");
    EXPECT_GT(a.size(), 10000u);
    EXPECT_EQ(a, slurp(dir / "b.jsonl"));
    EXPECT_NE(a, slurp(dir / "c.jsonl"));
    EXPECT_EQ(a.rfind("{\"seq\":1,\"type\":\"hello\"", 0), 0u);
    std::filesystem::remove_all(dir);
}

// The first frame's ts as seconds since the epoch (UTC).
std::int64_t first_ts(const std::string& feed) {
    const auto at = feed.find("\"ts\":\"");
    if (at == std::string::npos) return 0;
    std::tm tm{};
    if (strptime(feed.substr(at + 6, 19).c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return 0;
    return static_cast<std::int64_t>(timegm(&tm));
}

TEST(sim_cli, wall_clock_stamps_the_session_from_now_and_without_it_the_spec_start_stays) {
    int status = -1;
    const auto now = static_cast<std::int64_t>(std::time(nullptr));
    const auto live = run("sim --seed 9 --wall-clock --out -", status);
    ASSERT_EQ(status, 0);
    EXPECT_LE(std::abs(first_ts(live) - now), 5) << live.substr(0, 120);
    const auto recorded = run("sim --seed 9 --out -", status);
    ASSERT_EQ(status, 0);
    EXPECT_EQ(recorded.rfind("{\"seq\":1,\"type\":\"hello\",\"ts\":\"2023-08-23T19:14:00.000Z\"", 0), 0u)
        << recorded.substr(0, 120);
}

TEST(sim_cli, help_explains_every_option) {
    int status = -1;
    auto help = run("sim --help", status);
    EXPECT_EQ(status, 0);
    for (const char* option : {"--out", "--serve", "--spec", "--results", "--seed", "--speed", "--loop",
                               "--drop-rate", "--dup-rate", "--reorder-rate", "--corrupt-rate",
                               "--oversize-at", "--disconnect-at", "--silence-at", "--epoch-change-at"})
        EXPECT_NE(help.find(option), std::string::npos) << option;
}

TEST(sim_cli, a_bad_spec_is_reported_with_the_field) {
    auto path =
        std::filesystem::temp_directory_path() / ("splitstream-bad-" + std::to_string(::getpid()) + ".json");
    std::ofstream(path) << R"({"events":[{"id":"X","distance_m":400}]})";
    int status = -1;
    auto out = run("sim --spec " + path.string() + " --out /dev/null", status);
    EXPECT_NE(status, 0);
    EXPECT_NE(out.find("spec.events[0].athletes"), std::string::npos) << out;
    std::filesystem::remove(path);
}

}  // namespace
