#pragma once
// The real races of a tests/data folder: each feed `NAME.jsonl` beside the
// facts `NAME.facts.json` it must derive, as the golden tests read them.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/test_paths.hpp"

namespace splitstream::testing {

// Calls check(feed, facts) for each feed of tests/data/<folder>, under a
// trace of its name; a feed without its facts file fails. Returns how many.
template <class Check>
int for_each_real_feed(const std::string& folder, Check check) {
    namespace fs = std::filesystem;
    const fs::path dir = fs::path(test_paths::source_dir) / "tests" / "data" / folder;
    int checked = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        const auto name = entry.path().filename().string();
        if (!name.ends_with(".jsonl")) continue;
        const fs::path facts = dir / (name.substr(0, name.size() - 6) + ".facts.json");
        EXPECT_TRUE(fs::exists(facts)) << name << " has no facts file";
        if (!fs::exists(facts)) continue;
        SCOPED_TRACE(name);
        ++checked;
        check(entry.path(), facts);
    }
    return checked;
}

}  // namespace splitstream::testing
