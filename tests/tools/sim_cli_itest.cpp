// The `splitstream sim` command as users run it.

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
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
