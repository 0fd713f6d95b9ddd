// `splitstream sim --format lss|odf` into a real daemon: the simulated
// session sent live through `serve --lynx-scoreboard` (as FinishLynx
// connects) and pushed through `serve --odf-listen` (as an ODF distributor
// posts) gives the results the offline conversion of the same output gives,
// and the official rankings of the session's feed v1 run. All on 127.0.0.1,
// ephemeral ports; every wait bounded.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/child_process.hpp"
#include "tests/test_paths.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using child = splitstream::testing::child_process;
using splitstream::testing::slurp;

std::string output_of(const std::string& command, int* status = nullptr) {
    std::string text;
    FILE* p = ::popen(command.c_str(), "r");
    if (!p) return text;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) text.append(buf, n);
    const int s = ::pclose(p);
    if (status) *status = s;
    return text;
}

// Waits (at most 20 s) until `log` holds `text`; returns what follows it up
// to the next blank or end of line, nullopt when it never came.
std::optional<std::string> wait_for(const fs::path& log, const std::string& text) {
    for (int i = 0; i < 400; ++i) {
        const auto s = slurp(log);
        if (const auto at = s.find(text); at != std::string::npos) {
            const auto from = at + text.size();
            return s.substr(from, s.find_first_of(" \n", from) - from);
        }
        std::this_thread::sleep_for(50ms);
    }
    return std::nullopt;
}

// The derived events of a stream (JSON Lines): their headlines, and each
// event's last ranking, without the members a format cannot carry.
struct derived {
    std::vector<std::string> headlines;
    std::map<std::string, std::string> rankings;
    int official = 0;  // events whose results are official
};

std::string without(std::string ranking, const std::vector<std::string>& members) {
    for (const auto& m : members)
        for (auto at = ranking.find(",\"" + m + "\":"); at != std::string::npos;
             at = ranking.find(",\"" + m + "\":")) {
            const auto value = at + m.size() + 4;
            const auto end =
                ranking[value] == '"' ? ranking.find('"', value + 1) + 1 : ranking.find_first_of(",}", value);
            ranking.erase(at, end - at);
        }
    return ranking;
}

derived read_derived(const std::string& command, const std::vector<std::string>& drop = {}) {
    derived d;
    std::istringstream lines(output_of(command));
    for (std::string line; std::getline(lines, line);) {
        if (line.find("\"type\":\"feed\"") != std::string::npos) continue;
        if (const auto at = line.find("\"text\":\""); at != std::string::npos)
            d.headlines.push_back(line.substr(at + 8, line.find("\",\"", at + 8) - at - 8));
        if (line.find("\"type\":\"results\"") == std::string::npos) continue;
        const auto e = line.find("\"event\":\"") + 9;
        const auto event = line.substr(e, line.find('"', e) - e);
        d.rankings[event] = without(line.substr(line.find("\"ranking\":")), drop);
        d.official += line.find("\"official\":true") != std::string::npos;
    }
    return d;
}

// Replays the daemon's journal until every event of the session is official
// (at most 20 s).
derived wait_for_official(const std::string& bin, const fs::path& journal, int events,
                          const std::vector<std::string>& drop) {
    derived d;
    for (int i = 0; i < 100; ++i) {
        d = read_derived(bin + " replay " + journal.string() + " --to-stdout -q 2>/dev/null", drop);
        int official = 0;
        for (const auto& [event, ranking] : d.rankings) official += !ranking.empty();
        if (d.official >= events && official >= events) break;
        std::this_thread::sleep_for(200ms);
    }
    return d;
}

struct sim_formats : ::testing::Test {
    const std::string bin = SPLITSTREAM_BINARY;
    fs::path dir;
    void SetUp() override {
        dir = fs::temp_directory_path() / ("splitstream-sim-formats-" + std::to_string(::getpid()) + "-" +
                                           ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    void TearDown() override { fs::remove_all(dir); }
    int run(const std::string& args, std::string* out = nullptr) {
        int status = -1;
        auto text = output_of(bin + " " + args + " 2>&1", &status);
        if (out) *out = text;
        return status;
    }
};

TEST_F(sim_formats, lss_connect_into_the_scoreboard_listener_gives_the_session_results) {
    // lynx.evt and meet.toml first: the daemon reads the start lists from its folder.
    ASSERT_EQ(run("sim --seed 2023 --format lss --meet-out " + (dir / "exchange").string() + " --out " +
                  (dir / "offline").string()),
              0);
    const auto journal = dir / "journal";
    child daemon({bin, "serve", "--lynx-dir", (dir / "exchange").string(), "--lynx-scoreboard", "127.0.0.1:0",
                  "--meet", (dir / "exchange" / "meet.toml").string(), "--journal", journal.string(),
                  "--listen", "127.0.0.1:0", "--adapter-poll-ms", "50"},
                 dir / "serve.log");
    ASSERT_TRUE(wait_for(dir / "serve.log", "read lynx.evt")) << slurp(dir / "serve.log");
    const auto port = wait_for(dir / "serve.log", "scoreboard listener on 127.0.0.1:").value_or("");
    ASSERT_FALSE(port.empty()) << slurp(dir / "serve.log");

    std::string out;
    ASSERT_EQ(run("sim --seed 2023 --format lss --speed max --connect 127.0.0.1:" + port, &out), 0) << out;
    EXPECT_NE(out.find("sent the session's scoreboard output to 127.0.0.1:" + port), std::string::npos)
        << out;
    const auto live = wait_for_official(bin, journal, 4, {"rule", "at_m"});
    daemon.stop(SIGTERM);

    const auto offline = read_derived(
        bin + " convert --from lss --meet " + (dir / "offline/meet.toml").string() + " " +
            (dir / "offline/lynx.evt").string() + " " + (dir / "offline/scoreboard.txt").string() +
            " 2>/dev/null | " + bin + " process - 2>/dev/null",
        {"rule", "at_m"});
    const auto feed = read_derived(
        bin + " sim --seed 2023 --out - 2>/dev/null | " + bin + " process - 2>/dev/null", {"rule", "at_m"});
    ASSERT_EQ(live.rankings.size(), 4u) << slurp(dir / "serve.log");
    EXPECT_EQ(live.official, offline.official);
    EXPECT_EQ(live.headlines, offline.headlines);
    EXPECT_EQ(live.rankings, feed.rankings);
}

TEST_F(sim_formats, odf_post_into_the_odf_listener_gives_the_session_results) {
    ASSERT_EQ(run("sim --seed 2023 --format odf --out " + (dir / "offline").string()), 0);
    const auto journal = dir / "journal";
    child daemon({bin, "serve", "--odf-listen", "127.0.0.1:0", "--meet", (dir / "offline/meet.toml").string(),
                  "--journal", journal.string(), "--listen", "127.0.0.1:0"},
                 dir / "serve.log");
    const auto port = wait_for(dir / "serve.log", "ODF listener on 127.0.0.1:").value_or("");
    ASSERT_FALSE(port.empty()) << slurp(dir / "serve.log");

    std::string out;
    ASSERT_EQ(run("sim --seed 2023 --format odf --speed max --meet-out " + (dir / "meet").string() +
                      " --post http://127.0.0.1:" + port + "/odf",
                  &out),
              0)
        << out;
    EXPECT_NE(out.find("posted "), std::string::npos) << out;
    EXPECT_EQ(slurp(dir / "meet/meet.toml"), slurp(dir / "offline/meet.toml"));
    const auto live = wait_for_official(bin, journal, 4, {"at_m"});
    daemon.stop(SIGTERM);

    std::string documents;
    for (const auto& e : fs::directory_iterator(dir / "offline"))
        if (e.path().extension() == ".xml") documents += " " + e.path().string();
    // The shell sorts nothing here: the names are numbered, so sort them.
    std::vector<std::string> names;
    std::istringstream list(documents);
    for (std::string n; list >> n;) names.push_back(n);
    std::sort(names.begin(), names.end());
    std::string inputs;
    for (const auto& n : names) inputs += " " + n;
    const auto offline =
        read_derived(bin + " convert --from odf --meet " + (dir / "offline/meet.toml").string() + inputs +
                         " 2>/dev/null | " + bin + " process - 2>/dev/null",
                     {"at_m"});
    const auto feed = read_derived(
        bin + " sim --seed 2023 --out - 2>/dev/null | " + bin + " process - 2>/dev/null", {"at_m"});
    ASSERT_EQ(live.rankings.size(), 4u) << slurp(dir / "serve.log");
    EXPECT_EQ(live.official, offline.official);
    EXPECT_EQ(live.headlines, offline.headlines);
    EXPECT_EQ(live.rankings, feed.rankings);
    EXPECT_NE(live.rankings.at("M800-SF1").find("\"rule\":\"TR17.2.3\""), std::string::npos);
}

TEST_F(sim_formats, an_odf_folder_is_read_by_serve_odf_dir_in_push_order) {
    ASSERT_EQ(run("sim --seed 2023 --format odf --out " + (dir / "odf").string()), 0);
    const auto journal = dir / "journal";
    child daemon(
        {bin, "serve", "--odf-dir", (dir / "odf").string(), "--meet", (dir / "odf/meet.toml").string(),
         "--journal", journal.string(), "--listen", "127.0.0.1:0", "--adapter-poll-ms", "50"},
        dir / "serve.log");
    const auto live = wait_for_official(bin, journal, 4, {"at_m"});
    daemon.stop(SIGTERM);
    const auto feed = read_derived(
        bin + " sim --seed 2023 --out - 2>/dev/null | " + bin + " process - 2>/dev/null", {"at_m"});
    ASSERT_EQ(live.rankings.size(), 4u) << slurp(dir / "serve.log");
    EXPECT_EQ(live.rankings, feed.rankings);
    EXPECT_FALSE(std::regex_search(slurp(dir / "serve.log"), std::regex(" [1-9][0-9]* problem\\(s\\)")))
        << slurp(dir / "serve.log");
}

TEST_F(sim_formats, connect_paces_the_session_by_speed) {
    // One race, 291 s from its first ts to its last: at --speed 100 the sends
    // take at least 2.9 s (a lower bound only: a loaded machine may be slower).
    const auto race =
        std::string(SPLITSTREAM_SOURCE_DIR) + "/examples/budapest-2023-men-1500m-final.race.json";
    ASSERT_EQ(run("sim --results " + race + " --format lss --meet-out " + (dir / "exchange").string() +
                  " --out " + (dir / "offline").string()),
              0);
    child daemon({bin, "serve", "--lynx-dir", (dir / "exchange").string(), "--lynx-scoreboard", "127.0.0.1:0",
                  "--meet", (dir / "exchange" / "meet.toml").string(), "--journal",
                  (dir / "journal").string(), "--listen", "127.0.0.1:0", "--adapter-poll-ms", "50"},
                 dir / "serve.log");
    ASSERT_TRUE(wait_for(dir / "serve.log", "read lynx.evt")) << slurp(dir / "serve.log");
    const auto port = wait_for(dir / "serve.log", "scoreboard listener on 127.0.0.1:").value_or("");
    const auto start = std::chrono::steady_clock::now();
    std::string out;
    ASSERT_EQ(run("sim --results " + race + " --format lss --speed 100 --connect 127.0.0.1:" + port, &out), 0)
        << out;
    EXPECT_GE(std::chrono::steady_clock::now() - start, 2800ms);
    const auto live = wait_for_official(bin, dir / "journal", 1, {"rule", "at_m"});
    daemon.stop(SIGTERM);
    ASSERT_EQ(live.rankings.size(), 1u) << slurp(dir / "serve.log");
    EXPECT_NE(live.rankings.at("M1500-F").find("\"bib\":\"136\",\"name\":\"Josh KERR\""), std::string::npos);
    EXPECT_GE(live.official, 1);
}

TEST_F(sim_formats, nobody_listening_is_a_clear_error_after_bounded_retries) {
    // A port that was free a moment ago: bind, read it, close.
    child probe({bin, "serve", "--odf-listen", "127.0.0.1:0", "--listen", "127.0.0.1:0"}, dir / "probe.log");
    const auto port = wait_for(dir / "probe.log", "ODF listener on 127.0.0.1:").value_or("");
    ASSERT_FALSE(port.empty()) << slurp(dir / "probe.log");
    probe.stop(SIGTERM);

    std::string out;
    EXPECT_NE(run("sim --format odf --speed max --post http://127.0.0.1:" + port + "/odf", &out), 0);
    EXPECT_NE(out.find("cannot POST 000001-M1500-F-DT_RESULT.xml to http://127.0.0.1:" + port +
                       "/odf after 5 attempts"),
              std::string::npos)
        << out;
    EXPECT_NE(run("sim --format lss --speed max --connect 127.0.0.1:" + port, &out), 0);
    EXPECT_NE(out.find("cannot connect to 127.0.0.1:" + port + " after 10 attempts"), std::string::npos)
        << out;
}

TEST_F(sim_formats, documents_the_daemon_refuses_are_logged_with_its_reason_and_fail_the_run) {
    // No meet file: the daemon knows no unit's distance and refuses every document.
    child daemon({bin, "serve", "--odf-listen", "127.0.0.1:0", "--listen", "127.0.0.1:0"}, dir / "serve.log");
    const auto port = wait_for(dir / "serve.log", "ODF listener on 127.0.0.1:").value_or("");
    ASSERT_FALSE(port.empty()) << slurp(dir / "serve.log");
    std::string out;
    EXPECT_EQ(run("sim --format odf --speed max --post http://127.0.0.1:" + port + "/odf", &out), 1 << 8);
    EXPECT_NE(out.find("refused 000001-M1500-F-DT_RESULT.xml (HTTP 422): POST /odf from 127.0.0.1:"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("has no distance: set distance_m in the meet file"), std::string::npos) << out;
    EXPECT_NE(out.find(" ODF documents refused by http://127.0.0.1:" + port + "/odf"), std::string::npos)
        << out;
}

TEST_F(sim_formats, each_live_mode_goes_with_its_format) {
    std::string out;
    EXPECT_EQ(run("sim --format odf --connect 127.0.0.1:9", &out), 2 << 8);
    EXPECT_NE(out.find("--connect sends scoreboard output: it goes with --format lss"), std::string::npos)
        << out;
    EXPECT_EQ(run("sim --format lss --post http://127.0.0.1:9/", &out), 2 << 8);
    EXPECT_NE(out.find("--post pushes ODF documents: it goes with --format odf"), std::string::npos) << out;
    EXPECT_EQ(run("sim --format lss --serve 127.0.0.1:0", &out), 2 << 8);
    EXPECT_EQ(run("sim --format odf --post ftp://x", &out), 2 << 8);
    EXPECT_NE(out.find("--post wants http://HOST:PORT[/PATH]"), std::string::npos) << out;
    EXPECT_EQ(run("sim --help", &out), 0);
    for (const char* word : {"--connect", "--post", "--meet-out", "lss", "odf"})
        EXPECT_NE(out.find(word), std::string::npos) << word;
}

}  // namespace
