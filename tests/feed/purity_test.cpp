// feed/ must stay pure (DESIGN.md): no Asio, no logging, no threads, no clock.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/test_paths.hpp"

TEST(FeedPurity, SourcesIncludeNoIoClockOrThreads) {
    const std::filesystem::path dir = std::filesystem::path(SPLITSTREAM_SOURCE_DIR) / "feed";
    const char* forbidden[] = {"boost/",   "spdlog",       "<thread>",     "<chrono>",  "<mutex>",
                               "<future>", "<fstream>",    "<iostream>",   "<cstdio>",  "<random>",
                               "<ctime>",  "system_clock", "steady_clock", "std::rand", "time("};
    int files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        const auto ext = entry.path().extension();
        if (ext != ".cpp" && ext != ".hpp") continue;
        ++files;
        std::ifstream in(entry.path());
        std::stringstream text;
        text << in.rdbuf();
        for (const char* word : forbidden)
            EXPECT_EQ(text.str().find(word), std::string::npos) << entry.path() << " uses " << word;
    }
    EXPECT_GT(files, 3);
}
