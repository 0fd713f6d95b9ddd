#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include "tests/test_paths.hpp"

namespace {

namespace fs = std::filesystem;

struct run_result {
    int status = -1;
    std::string out;
};

run_result run(const std::string& command) {
    run_result r;
    FILE* p = ::popen((command + " 2>/dev/null").c_str(), "r");
    if (p == nullptr) return r;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) r.out.append(buf, n);
    int status = ::pclose(p);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

// The reference race, replayed offline, gives exactly the checked-in
// derived events: leaders at every point, order, marks as printed, records.
TEST(reference_golden, budapest_2023_men_1500m_final) {
    const fs::path feed = splitstream::test_paths::reference_feed();
    const fs::path golden =
        fs::path(SPLITSTREAM_SOURCE_DIR) / "tests/replay/golden/budapest-2023-men-1500m-final.derived.jsonl";
    auto r =
        run(std::string(SPLITSTREAM_BINARY) + " replay " + feed.string() + " --check " + golden.string());
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("events match"), std::string::npos) << r.out;
}

}  // namespace
