#pragma once
// What the replay tests share beyond tests/test_paths.hpp: an empty
// directory of the test's own for journals and outputs.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/test_paths.hpp"

namespace splitstream::replay {

// An empty directory under gtest's temp dir, named after the running test
// and `name`: tests run in parallel processes and never share one.
inline std::filesystem::path fresh_dir(const std::string& name) {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    auto dir = std::filesystem::path(::testing::TempDir()) /
               ("splitstream-" + std::string(test->test_suite_name()) + "-" + test->name() + "-" + name);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

}  // namespace splitstream::replay
