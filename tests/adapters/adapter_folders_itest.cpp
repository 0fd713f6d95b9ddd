// `serve --lynx-dir`: the FinishLynx folder adapter inside the daemon,
// SIGKILLed between two versions of a LIF and restarted on the same journal.
// The derived stream in the journal must be the one `convert` + `process`
// make from the same file versions: no derived event lost or doubled. The
// journal keeps every raw input, byte for byte (`journal inputs`).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/support/child_process.hpp"
#include "tests/test_paths.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_file(const fs::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
}

using child = splitstream::testing::child_process;

// Waits (at most 20 s) until `log` holds `text` `times` times.
bool wait_for(const fs::path& log, const std::string& text, int times = 1) {
    for (int i = 0; i < 400; ++i) {
        const auto s = slurp(log);
        int n = 0;
        for (auto at = s.find(text); at != std::string::npos; at = s.find(text, at + 1)) ++n;
        if (n >= times) return true;
        std::this_thread::sleep_for(50ms);
    }
    return false;
}

// What `command` writes on stdout, and its exit status.
std::pair<std::string, int> run_command(const std::string& command) {
    std::string text;
    FILE* p = ::popen(command.c_str(), "r");
    if (!p) return {text, -1};
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) text.append(buf, n);
    const int status = ::pclose(p);
    return {text, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

// One line per raw input the journal keeps (`journal inputs`).
std::vector<std::string> journal_inputs(const fs::path& journal) {
    const auto [text, status] =
        run_command(std::string(SPLITSTREAM_BINARY) + " journal inputs " + journal.string() + " 2>&1");
    EXPECT_EQ(status, 0) << text;
    std::vector<std::string> out;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) out.push_back(line);
    return out;
}

// Input `n`'s bytes as `journal inputs --extract` writes them.
std::string extracted_input(const fs::path& journal, std::size_t n) {
    const auto out = journal.string() + ".extract";
    const auto [text, status] =
        run_command(std::string(SPLITSTREAM_BINARY) + " journal inputs " + journal.string() + " --extract " +
                    std::to_string(n) + " --out " + out + " 2>&1");
    EXPECT_EQ(status, 0) << text;
    return slurp(out);
}

// `replay --check` of the journal against what `replay --to-stdout` made of
// it: exit 0, so the input records change nothing in the derived stream.
void expect_replay_check_passes(const fs::path& journal) {
    const std::string bin = SPLITSTREAM_BINARY;
    const auto derived = journal.string() + ".derived.jsonl";
    const auto made = run_command(bin + " replay " + journal.string() + " --to-stdout -q > " + derived);
    EXPECT_EQ(made.second, 0);
    const auto check = run_command(bin + " replay " + journal.string() + " --check " + derived + " 2>&1");
    EXPECT_EQ(check.second, 0) << check.first;
    const auto verify = run_command(bin + " journal verify " + journal.string());
    EXPECT_EQ(verify.second, 0) << verify.first;
}

// The headlines of a derived stream (JSON Lines), upstream-health events left out.
std::vector<std::string> headlines(const std::string& command) {
    std::vector<std::string> out;
    FILE* p = ::popen(command.c_str(), "r");
    if (!p) return out;
    std::string text;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) text.append(buf, n);
    ::pclose(p);
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (line.find("\"type\":\"feed\"") != std::string::npos) continue;
        const auto at = line.find("\"text\":\"");
        if (at != std::string::npos) out.push_back(line.substr(at + 8, line.find("\",\"", at + 8) - at - 8));
    }
    return out;
}

TEST(LynxFolder, KillNineBetweenTwoLifVersionsLosesAndDoublesNothing) {
    const std::string bin = SPLITSTREAM_BINARY;
    const auto data = fs::path(SPLITSTREAM_SOURCE_DIR) / "tests/data/adapters/budapest-2023";
    const auto dir = fs::temp_directory_path() / ("splitstream-lynx-dir-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    const auto folder = dir / "exchange";
    fs::create_directories(folder);
    const auto journal = dir / "journal";
    const auto meet = (data / "meet.toml").string();

    // The final's LIF as it grows: the first six across the line, then all
    // twelve with Nader disqualified.
    const auto full = slurp(data / "001-1-01.lif");
    std::vector<std::string> lines;
    std::istringstream in(full);
    for (std::string l; std::getline(in, l);) lines.push_back(l + "\n");
    ASSERT_EQ(lines.size(), 13u);
    std::string first_six;
    for (int i = 0; i < 7; ++i) first_six += lines[i];
    std::string last = full;
    last.replace(last.find("12,122,"), 3, "DQ,");
    write_file(dir / "v1.lif", first_six);
    write_file(dir / "v2.lif", last);

    fs::copy_file(data / "lynx.evt", folder / "lynx.evt");
    const std::vector<std::string> serve = {bin,        "serve",       "--lynx-dir",        folder.string(),
                                            "--meet",   meet,          "--journal",         journal.string(),
                                            "--listen", "127.0.0.1:0", "--adapter-poll-ms", "50"};
    {
        child daemon(serve, dir / "first.log");
        ASSERT_TRUE(wait_for(dir / "first.log", "read lynx.evt")) << slurp(dir / "first.log");
        write_file(folder / "001-1-01.lif", first_six);
        ASSERT_TRUE(wait_for(dir / "first.log", "read 001-1-01.lif")) << slurp(dir / "first.log");
        daemon.stop(SIGKILL);
    }
    write_file(folder / "001-1-01.lif", last);
    {
        child daemon(serve, dir / "second.log");
        ASSERT_TRUE(wait_for(dir / "second.log", "read 001-1-01.lif")) << slurp(dir / "second.log");
        // The restart read lynx.evt again and sent nothing for it.
        ASSERT_TRUE(wait_for(dir / "second.log", "read lynx.evt (")) << slurp(dir / "second.log");
        const auto evt_read =
            "read lynx.evt (" + std::to_string(fs::file_size(folder / "lynx.evt")) + " bytes): 0 message(s)";
        EXPECT_NE(slurp(dir / "second.log").find(evt_read), std::string::npos) << slurp(dir / "second.log");
        daemon.stop(SIGTERM);
    }

    const auto live = headlines(bin + " replay " + journal.string() + " --to-stdout -q 2>/dev/null");
    const auto offline =
        headlines(bin + " convert --from lif --meet " + meet + " " + (data / "lynx.evt").string() + " " +
                  (dir / "v1.lif").string() + " " + (dir / "v2.lif").string() + " 2>/dev/null | " + bin +
                  " process - 2>/dev/null");
    ASSERT_GT(offline.size(), 20u);
    EXPECT_EQ(live, offline);
    int kerr_finishes = 0;
    for (const auto& h : live) kerr_finishes += h == "Josh Kerr (GBR) finishes 1st in 3:29.38";
    EXPECT_EQ(kerr_finishes, 1);
    // Every stable file version read, in the order read, byte for byte:
    // lynx.evt and the first LIF, then after the restart both again.
    const auto inputs = journal_inputs(journal);
    ASSERT_EQ(inputs.size(), 4u) << ::testing::PrintToString(inputs);
    const std::vector<std::pair<std::string, std::string>> expected = {{"lynx.evt", slurp(data / "lynx.evt")},
                                                                       {"001-1-01.lif", first_six},
                                                                       {"lynx.evt", slurp(data / "lynx.evt")},
                                                                       {"001-1-01.lif", last}};
    for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_NE(inputs[i].find(" source=lynx-dir name=\"" + expected[i].first +
                                 "\" bytes=" + std::to_string(expected[i].second.size())),
                  std::string::npos)
            << inputs[i];
        EXPECT_EQ(extracted_input(journal, i + 1), expected[i].second) << i + 1;
    }
    EXPECT_FALSE(fs::exists(journal.string() + ".inputs"));
    expect_replay_check_passes(journal);
    fs::remove_all(dir);
}

// lynx.ppl in the folder: read before lynx.evt, it completes a start list
// whose competitor lines carry only ID and lane.
TEST(LynxFolder, ThePeopleFileCompletesAStartListOfIdsAndLanes) {
    const std::string bin = SPLITSTREAM_BINARY;
    const auto data = fs::path(SPLITSTREAM_SOURCE_DIR) / "tests/data/adapters/budapest-2023";
    const auto dir = fs::temp_directory_path() / ("splitstream-lynx-ppl-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "exchange");
    std::string bare, people;
    std::istringstream evt(slurp(data / "lynx.evt"));
    for (std::string line; std::getline(evt, line);) {
        if (line.empty() || line[0] != '\t') {
            bare += line + "\n";
            continue;
        }
        std::vector<std::string> f;
        std::istringstream cols(line.substr(1));
        for (std::string c; std::getline(cols, c, ',');) f.push_back(c);
        bare += "\t" + f[0] + "," + f[1] + ",,,\r\n";
        people += f[0] + "," + f[2] + "," + f[3] + "," + f[4] + "\n";
    }
    write_file(dir / "exchange" / "lynx.evt", bare);
    write_file(dir / "exchange" / "lynx.ppl", people);
    const auto journal = dir / "journal";
    {
        child daemon(
            {bin, "serve", "--lynx-dir", (dir / "exchange").string(), "--meet", (data / "meet.toml").string(),
             "--journal", journal.string(), "--listen", "127.0.0.1:0", "--adapter-poll-ms", "50"},
            dir / "serve.log");
        ASSERT_TRUE(wait_for(dir / "serve.log", "read lynx.evt")) << slurp(dir / "serve.log");
        daemon.stop(SIGTERM);
    }
    const auto log = slurp(dir / "serve.log");
    EXPECT_NE(
        log.find("read lynx.ppl (" + std::to_string(people.size()) + " bytes): 0 message(s), 0 problem(s)"),
        std::string::npos)
        << log;
    EXPECT_NE(
        log.find("read lynx.evt (" + std::to_string(bare.size()) + " bytes): 2 message(s), 0 problem(s)"),
        std::string::npos)
        << log;
    const auto cat = run_command(bin + " journal cat " + journal.string()).first;
    EXPECT_NE(cat.find(R"({"bib":"136","name":"Josh KERR","country":"GBR","lane":6)"), std::string::npos)
        << cat;
    const auto inputs = journal_inputs(journal);
    ASSERT_EQ(inputs.size(), 2u);
    EXPECT_NE(inputs[0].find("name=\"lynx.ppl\""), std::string::npos) << inputs[0];
    fs::remove_all(dir);
}

}  // namespace

namespace {

std::string odf_doc(const std::string& status, int version, const std::string& results) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<OdfBody DocumentType=\"DT_RESULT\" "
           "DocumentCode=\"ATHW100M-H1\" "
           "Version=\"" +
           std::to_string(version) + "\" ResultStatus=\"" + status +
           "\"><Competition>"
           "<Result StartOrder=\"4\" " +
           (results.empty() ? std::string() : results.substr(0, results.find('|'))) +
           "><Competitor Code=\"1\" Organisation=\"JAM\"><Composition><Athlete Bib=\"401\"><Description "
           "GivenName=\"Shericka\" FamilyName=\"JACKSON\"/></Athlete></Composition></Competitor></Result>"
           "<Result StartOrder=\"5\" " +
           (results.empty() ? std::string() : results.substr(results.find('|') + 1)) +
           "><Competitor Code=\"2\" Organisation=\"USA\"><Composition><Athlete Bib=\"502\"><Description "
           "GivenName=\"Sha'Carri\" FamilyName=\"RICHARDSON\"/></Athlete></Composition></Competitor></Result>"
           "</Competition></OdfBody>\n";
}

TEST(OdfFolder, DocumentsDroppedInTheFolderBecomeTheRaceAndABadOneIsCountedAndSkipped) {
    const std::string bin = SPLITSTREAM_BINARY;
    const auto dir = fs::temp_directory_path() / ("splitstream-odf-dir-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    const auto folder = dir / "odf";
    fs::create_directories(folder);
    write_file(dir / "meet.toml",
               "[[event]]\nodf = \"ATHW100M-H1\"\nid = \"W100-H1\"\nname = \"Women's 100 metres Heat 1\"\n"
               "distance_m = 100\nround = \"heat\"\n");
    write_file(folder / "0001.xml", odf_doc("START_LIST", 1, ""));
    write_file(folder / "0002.xml", "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><OdfBody>&a;</OdfBody>");
    write_file(folder / "0003.xml",
               odf_doc("OFFICIAL", 3, "Rank=\"2\" Result=\"10.95\"|Rank=\"1\" Result=\"10.82\""));
    const auto journal = dir / "journal";
    {
        child daemon({bin, "serve", "--odf-dir", folder.string(), "--meet", (dir / "meet.toml").string(),
                      "--journal", journal.string(), "--listen", "127.0.0.1:0", "--adapter-poll-ms", "50"},
                     dir / "serve.log");
        ASSERT_TRUE(wait_for(dir / "serve.log", "read 0003.xml")) << slurp(dir / "serve.log");
        daemon.stop(SIGTERM);
    }
    const auto log = slurp(dir / "serve.log");
    EXPECT_NE(log.find("0002.xml: entity_expansion: the document declares a DOCTYPE or entities: not read"),
              std::string::npos)
        << log;
    const auto live = headlines(bin + " replay " + journal.string() + " --to-stdout -q 2>/dev/null");
    ASSERT_FALSE(live.empty());
    EXPECT_NE(std::find(live.begin(), live.end(), "Sha'Carri Richardson (USA) finishes 1st in 10.82"),
              live.end());
    EXPECT_NE(live.back().find("official results"), std::string::npos) << live.back();
    // Each document read is kept, the refused one too, in the order read.
    const auto inputs = journal_inputs(journal);
    ASSERT_EQ(inputs.size(), 3u) << ::testing::PrintToString(inputs);
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const auto name = "000" + std::to_string(i + 1) + ".xml";
        EXPECT_NE(inputs[i].find(" source=odf-dir name=\"" + name + "\""), std::string::npos) << inputs[i];
        EXPECT_EQ(extracted_input(journal, i + 1), slurp(folder / name)) << name;
    }
    fs::remove_all(dir);
}

}  // namespace

namespace {

std::string output_of(const std::string& command) {
    std::string text;
    FILE* p = ::popen(command.c_str(), "r");
    if (!p) return text;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) text.append(buf, n);
    ::pclose(p);
    return text;
}

TEST(OdfListen, PushedDocumentsBecomeTheRaceAndEachRefusalIsAnsweredWithItsReason) {
    const std::string bin = SPLITSTREAM_BINARY;
    const auto dir = fs::temp_directory_path() / ("splitstream-odf-listen-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    write_file(dir / "meet.toml",
               "[[event]]\nodf = \"ATHW100M-H1\"\nid = \"W100-H1\"\nname = \"Women's 100 metres Heat 1\"\n"
               "distance_m = 100\nround = \"heat\"\n");
    write_file(dir / "1.xml", odf_doc("START_LIST", 1, ""));
    write_file(dir / "2.xml", "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><OdfBody>&a;</OdfBody>");
    write_file(dir / "3.xml", std::string(5 << 20, ' '));
    write_file(dir / "4.xml",
               odf_doc("OFFICIAL", 3, "Rank=\"2\" Result=\"10.95\"|Rank=\"1\" Result=\"10.82\""));
    const auto journal = dir / "journal";
    child daemon({bin, "serve", "--odf-listen", "127.0.0.1:0", "--meet", (dir / "meet.toml").string(),
                  "--journal", journal.string(), "--listen", "127.0.0.1:0"},
                 dir / "serve.log");
    ASSERT_TRUE(wait_for(dir / "serve.log", "ODF listener on 127.0.0.1:")) << slurp(dir / "serve.log");
    const auto log = slurp(dir / "serve.log");
    const auto at = log.find("ODF listener on 127.0.0.1:") + 26;
    const auto url = "http://127.0.0.1:" + log.substr(at, log.find(' ', at) - at) + "/odf";
    auto post = [&](const std::string& file) {
        return output_of("curl -s -m 10 -w ' %{http_code}' --data-binary @" + (dir / file).string() + " " +
                         url);
    };
    EXPECT_EQ(post("1.xml"), "ok: 2 feed message(s)\n 200");
    EXPECT_EQ(post("2.xml").substr(0, 3), "POS");  // "POST /odf from ...: entity_expansion: ..."
    EXPECT_NE(
        post("2.xml").find("entity_expansion: the document declares a DOCTYPE or entities: not read\n 422"),
        std::string::npos);
    EXPECT_NE(post("3.xml").find("413"), std::string::npos);
    EXPECT_EQ(output_of("curl -s -m 10 -w ' %{http_code}' " + url), "POST one ODF document a request\n 405");
    EXPECT_EQ(post("4.xml"), "ok: 4 feed message(s)\n 200");  // started, two finishes, official
    daemon.stop(SIGTERM);

    const auto live = headlines(bin + " replay " + journal.string() + " --to-stdout -q 2>/dev/null");
    EXPECT_NE(std::find(live.begin(), live.end(), "Sha'Carri Richardson (USA) finishes 1st in 10.82"),
              live.end());
    ASSERT_FALSE(live.empty());
    EXPECT_NE(live.back().find("official results"), std::string::npos) << live.back();
    // Every document read is kept, refused ones too; the one over the
    // limit was never read.
    const auto inputs = journal_inputs(journal);
    ASSERT_EQ(inputs.size(), 4u) << ::testing::PrintToString(inputs);
    const std::vector<std::string> files = {"1.xml", "2.xml", "2.xml", "4.xml"};
    for (std::size_t i = 0; i < files.size(); ++i) {
        EXPECT_NE(inputs[i].find(" source=odf-listen name=\"POST /odf from 127.0.0.1:"), std::string::npos)
            << inputs[i];
        EXPECT_EQ(extracted_input(journal, i + 1), slurp(dir / files[i])) << files[i];
    }
    expect_replay_check_passes(journal);
    fs::remove_all(dir);
}

}  // namespace

namespace {

std::string ss1(const std::string& field, const std::string& value) {
    return "SS1\x1f" + field + "\x1f" + value + "\r\n";
}

// Connects to 127.0.0.1:port as FinishLynx's "Network (connect)" scoreboard
// does and sends `bytes` in small pieces.
bool send_as_scoreboard(std::uint16_t port, const std::string& bytes) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) return false;
    for (std::size_t at = 0; at < bytes.size(); at += 50) {
        const auto piece = bytes.substr(at, 50);
        if (::send(fd, piece.data(), piece.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(piece.size()))
            return false;
    }
    ::close(fd);
    return true;
}

TEST(LynxScoreboard, AScoreboardConnectionGivesTheOfficialResultsOfTheFeedV1Run) {
    // Also: the connection's bytes are kept in the journal as received, and
    // the frames count under ingest lines lynx-dir and lynx-scoreboard.
    const std::string bin = SPLITSTREAM_BINARY;
    const auto data = fs::path(SPLITSTREAM_SOURCE_DIR) / "tests/data/adapters/budapest-2023";
    const auto dir = fs::temp_directory_path() / ("splitstream-lss-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "exchange");
    fs::copy_file(data / "lynx.evt", dir / "exchange" / "lynx.evt");
    const auto journal = dir / "journal";
    child daemon({bin, "serve", "--lynx-dir", (dir / "exchange").string(), "--lynx-scoreboard", "127.0.0.1:0",
                  "--meet", (data / "meet.toml").string(), "--journal", journal.string(), "--listen",
                  "127.0.0.1:0", "--adapter-poll-ms", "50"},
                 dir / "serve.log");
    ASSERT_TRUE(wait_for(dir / "serve.log", "read lynx.evt")) << slurp(dir / "serve.log");
    const auto log = slurp(dir / "serve.log");
    const std::string marker = "scoreboard listener on 127.0.0.1:";
    const auto at = log.find(marker) + marker.size();
    const auto port =
        static_cast<std::uint16_t>(std::stoi(log.substr(at, log.find_first_of(" \n", at) - at)));

    // The gun, then the results block as OFFICIAL, from the final's LIF.
    std::string session = ss1("EVENT", "1") + ss1("ROUND", "1") + ss1("HEAT", "1") + ss1("GUN", "0.0") +
                          ss1("STATUS", "OFFICIAL") + ss1("EVENT", "1") + ss1("ROUND", "1") +
                          ss1("HEAT", "1");
    std::istringstream lif(slurp(data / "001-1-01.lif"));
    std::string line;
    std::getline(lif, line);  // the header
    while (std::getline(lif, line)) {
        std::vector<std::string> f;
        std::istringstream cols(line);
        for (std::string c; std::getline(cols, c, ',');) f.push_back(c);
        session += ss1("PLACE", f[0]) + ss1("ID", f[1]) + ss1("TIME", f[6]) + ss1("END", "");
    }
    session += ss1("DONE", "OFFICIAL");
    ASSERT_TRUE(send_as_scoreboard(port, session));
    ASSERT_TRUE(wait_for(dir / "serve.log", "read scoreboard 127.0.0.1:")) << slurp(dir / "serve.log");
    // Bounded: the last piece may come in a later read.
    std::vector<std::string> live;
    for (int i = 0; i < 40; ++i) {
        live = headlines(bin + " replay " + journal.string() + " --to-stdout -q 2>/dev/null");
        if (!live.empty() && live.back().find("official results") != std::string::npos) break;
        std::this_thread::sleep_for(100ms);
    }
    // The adapters' frames count under their own ingest lines, not `push`.
    const std::string listening = "publish listening on http://";
    const auto url_at = log.find(listening) + listening.size();
    const auto metrics = run_command("curl -s -m 10 http://" +
                                     log.substr(url_at, log.find('\n', url_at) - url_at) + "/metrics")
                             .first;
    auto frames = [&](const std::string& line) {
        const auto key = "ingest_frames_total{line=\"" + line + "\"} ";
        const auto at = metrics.find(key);
        return at == std::string::npos ? -1 : std::stol(metrics.substr(at + key.size()));
    };
    EXPECT_GE(frames("lynx-dir"), 2) << metrics;  // hello and the start list
    EXPECT_GT(frames("lynx-scoreboard"), 0) << metrics;
    EXPECT_EQ(frames("odf"), 0) << metrics;
    EXPECT_EQ(frames("push"), 0) << metrics;
    daemon.stop(SIGTERM);
    const auto reference =
        headlines(bin + " process " + splitstream::test_paths::reference_feed().string() + " 2>/dev/null");
    ASSERT_FALSE(live.empty());
    ASSERT_FALSE(reference.empty());
    EXPECT_EQ(live.back(), reference.back());
    // The scoreboard's bytes, in the chunks read, make the session exactly.
    std::string received;
    std::size_t n = 0;
    for (const auto& line : journal_inputs(journal)) {
        ++n;
        if (line.find(" source=lynx-scoreboard name=\"scoreboard 127.0.0.1:") == std::string::npos) continue;
        received += extracted_input(journal, n);
    }
    EXPECT_EQ(received, session);
    expect_replay_check_passes(journal);
    fs::remove_all(dir);
}

}  // namespace
