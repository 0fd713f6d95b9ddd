#pragma once
// Where the tests find the sources, the shared reference data and the
// program. CMake writes the values into one generated source
// (build/tests/test_paths.cpp) rather than into -D flags, so every test
// source compiles to the same object in any checkout and a compiler cache
// can reuse it.

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace splitstream::test_paths {
extern const char* const source_dir;
extern const char* const shared_dir;
extern const char* const binary;
extern const char* const nats_module;  // libsplitstream_nats.so, beside the program

// The reference race's timing feed (shared/data/feeds).
inline std::filesystem::path reference_feed() {
    return std::filesystem::path(shared_dir) / "data/feeds/budapest-2023-men-1500m-final.jsonl";
}

// Its non-empty lines, read once.
inline const std::vector<std::string>& reference_feed_lines() {
    static const std::vector<std::string> lines = [] {
        std::vector<std::string> out;
        std::ifstream in(reference_feed());
        for (std::string line; std::getline(in, line);)
            if (!line.empty()) out.push_back(line);
        return out;
    }();
    return lines;
}
}  // namespace splitstream::test_paths

#define SPLITSTREAM_SOURCE_DIR (::splitstream::test_paths::source_dir)
#define SPLITSTREAM_SHARED_DIR (::splitstream::test_paths::shared_dir)
#define SPLITSTREAM_BINARY (::splitstream::test_paths::binary)
