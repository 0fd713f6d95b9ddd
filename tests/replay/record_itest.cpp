#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "replay/journal_reader.hpp"
#include "tests/replay/replay_test_support.hpp"
#include "tests/test_paths.hpp"

extern char** environ;

namespace splitstream::replay {
namespace {

namespace fs = std::filesystem;

const fs::path golden =
    fs::path(SPLITSTREAM_SOURCE_DIR) / "tests/replay/golden/budapest-2023-men-1500m-final.derived.jsonl";

// A child process running a shell command, ended with SIGTERM when dropped.
class child {
public:
    explicit child(const std::string& command) {
        const char* argv[] = {"/bin/sh", "-c", nullptr, nullptr};
        std::string exec = "exec " + command;
        argv[2] = exec.c_str();
        if (posix_spawn(&pid_, "/bin/sh", nullptr, nullptr, const_cast<char* const*>(argv), environ) != 0)
            pid_ = -1;
    }
    ~child() { stop(); }
    // SIGTERM and wait; the exit status, or -1.
    int stop() {
        if (pid_ <= 0) return -1;
        ::kill(pid_, SIGTERM);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

private:
    pid_t pid_ = -1;
};

std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::size_t received_records(const fs::path& journal) {
    std::error_code ec;
    auto r = journal_reader::open(journal, {}, ec);
    if (!r) return 0;
    std::size_t n = 0;
    journal_record rec;
    while (r->next(rec)) n += rec.kind == record_kind::frame_received ? 1 : 0;
    return n;
}

template <class F>
bool wait_until(F&& done, std::chrono::seconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return true;
}

// Record the reference race from the live player over loopback, then play
// the recording back offline: it gives the golden derived events.
TEST(record, a_recorded_live_feed_replays_to_the_golden_events) {
    auto dir = fs::path(testing::TempDir()) / "splitstream-record-itest";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string bin = SPLITSTREAM_BINARY;

    child server(bin + " replay " + test_paths::reference_feed().string() +
                 " --serve 127.0.0.1:0 --speed max 2>" + (dir / "serve.log").string());
    std::string url;
    ASSERT_TRUE(wait_until(
        [&] {
            auto log = slurp(dir / "serve.log");
            auto at = log.find("ws://");
            if (at == std::string::npos) return false;
            url = log.substr(at, log.find_first_of(" \n", at) - at);
            return true;
        },
        std::chrono::seconds(20)))
        << slurp(dir / "serve.log");

    const auto journal = dir / "journal";
    child recorder(bin + " record --upstream " + url + "feed --journal " + journal.string() + " 2>" +
                   (dir / "record.log").string());
    EXPECT_TRUE(wait_until([&] { return received_records(journal) >= 185; }, std::chrono::seconds(20)))
        << slurp(dir / "record.log");
    EXPECT_EQ(recorder.stop(), 0) << slurp(dir / "record.log");
    server.stop();

    FILE* p =
        ::popen((bin + " replay " + journal.string() + " --check " + golden.string() + " 2>&1").c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string out;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    int status = ::pclose(p);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << out;
    EXPECT_NE(out.find("events match"), std::string::npos) << out;
}

}  // namespace
}  // namespace splitstream::replay
