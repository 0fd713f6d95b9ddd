#pragma once
// The real races of a tests/data folder: each feed `NAME.jsonl` beside the
// facts `NAME.facts.json` it must derive, as the golden tests read them.

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "feed/engine.hpp"
#include "ingest/file_processor.hpp"
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

// Applies a feed file line by line as `process FILE` does, handing each
// derived event to `on_event`; returns how many lines were rejected.
template <class OnEvent>
std::uint64_t apply_real_feed(const std::filesystem::path& feed_file, OnEvent on_event) {
    std::uint64_t rejected = 0;
    feed::engine engine;
    ingest::file_processor processor(engine, on_event, [&](const ingest::line_report&) { ++rejected; });
    std::ifstream in(feed_file);
    std::string line;
    while (std::getline(in, line)) processor.process_line(line);
    return rejected;
}

}  // namespace splitstream::testing
