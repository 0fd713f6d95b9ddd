// What `splitstream` says to a user who gets its command line wrong (issue
// 22): the message names what was wrong, in the order it was typed, points
// to --help, and the exit status is 2. Nothing waits silently for input.

#include <gtest/gtest.h>

#include <fcntl.h>
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <regex>
#include <string>

#include "tests/support/child_process.hpp"
#include "tests/test_paths.hpp"

namespace splitstream {
namespace {

using namespace std::chrono_literals;

struct outcome {
    std::string output;  // stdout and stderr
    int status = -1;
};

// `splitstream ARGS`, with stdin empty.
outcome run(const std::string& args) {
    const std::string cmd = std::string(SPLITSTREAM_BINARY) + " " + args + " </dev/null 2>&1";
    outcome o;
    FILE* p = popen(cmd.c_str(), "r");
    if (p == nullptr) return o;
    char buf[4096];
    while (auto n = fread(buf, 1, sizeof buf, p)) o.output.append(buf, n);
    const int status = pclose(p);
    o.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return o;
}

TEST(cli_messages, an_unknown_command_is_named_and_the_commands_listed) {
    const auto o = run("foo");
    EXPECT_EQ(o.status, 2);
    EXPECT_EQ(
        o.output,
        "splitstream: unknown command 'foo'; the commands are serve, process, replay, record, journal, sim, "
        "tail, convert (splitstream --help says what each does)\n");
    EXPECT_EQ(o.output.find("required"), std::string::npos);
}

TEST(cli_messages, no_command_asks_for_one) {
    const auto o = run("");
    EXPECT_EQ(o.status, 2);
    EXPECT_NE(o.output.find("give a command: serve, process"), std::string::npos) << o.output;
}

TEST(cli_messages, an_unknown_journal_command_lists_the_journal_commands) {
    const auto o = run("journal foo x");
    EXPECT_EQ(o.status, 2);
    EXPECT_NE(
        o.output.find("splitstream journal: unknown command 'foo'; the commands are cat, stats, verify"),
        std::string::npos)
        << o.output;
}

TEST(cli_messages, upstream_without_a_value_is_refused_before_anything_starts) {
    const auto o = run("serve --upstream");
    EXPECT_EQ(o.status, 2);
    EXPECT_EQ(o.output,
              "splitstream serve: --upstream needs a value (splitstream serve --help lists what it takes)\n");
    const auto empty = run("serve --upstream ''");
    EXPECT_EQ(empty.status, 2);
    EXPECT_NE(empty.output.find("--upstream wants a URL"), std::string::npos) << empty.output;
    EXPECT_EQ(empty.output.find("listening"), std::string::npos) << "nothing may start: " << empty.output;
}

TEST(cli_messages, unknown_options_are_named_in_the_order_typed) {
    const auto o = run("serve --port 9000");
    EXPECT_EQ(o.status, 2);
    EXPECT_EQ(
        o.output,
        "splitstream serve: unknown option --port; not understood: --port 9000 (splitstream serve --help "
        "lists what it takes)\n");
    const auto one = run("process --bogus");
    EXPECT_EQ(
        one.output,
        "splitstream process: unknown option --bogus (splitstream process --help lists what it takes)\n");
}

TEST(cli_messages, serve_help_shows_no_path_of_the_build_machine) {
    const auto o = run("serve --help");
    EXPECT_EQ(o.status, 0);
    EXPECT_NE(o.output.find("--web-dir TEXT=the pages installed with the program"), std::string::npos)
        << o.output;
    EXPECT_EQ(o.output.find("publish/web"), std::string::npos) << o.output;
}

TEST(cli_messages, tail_sim_and_serve_log_in_one_format) {
    // Both lines: "YYYY-MM-DD HH:MM:SS.mmm LEVEL NAME message".
    const auto tail = run("tail ws://127.0.0.1:1 --duration 0.3");
    const auto serve =
        run("serve --upstream ws://127.0.0.1:1/ --listen 127.0.0.1:0 --journal /nonexistent/dir/j");
    const std::regex line(R"((^|\n)\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \w+ +(tail|main|replay) +\S)");
    EXPECT_TRUE(std::regex_search(tail.output, line)) << tail.output;
    EXPECT_TRUE(std::regex_search(serve.output, line)) << serve.output;
    const auto sim =
        run("sim --seed 1 --out " + (std::filesystem::path(::testing::TempDir()) / "fmt.jsonl").string());
    EXPECT_TRUE(std::regex_search(sim.output,
                                  std::regex(R"(^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} info +sim +wrote )")))
        << sim.output;
    EXPECT_EQ(tail.output.find("[tail]"), std::string::npos) << tail.output;
}

TEST(cli_messages, process_says_it_reads_the_terminal_when_stdin_is_one) {
    const int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    ASSERT_GE(master, 0);
    ASSERT_EQ(grantpt(master), 0);
    ASSERT_EQ(unlockpt(master), 0);
    const std::string terminal = ptsname(master);
    const auto dir = std::filesystem::path(::testing::TempDir());
    const auto err = dir / ("process-tty-" + std::to_string(::getpid()) + ".err");
    testing::child_process process(
        {"/bin/sh", "-c", "exec " + std::string(SPLITSTREAM_BINARY) + " process <" + terminal},
        dir / "process-tty.out", err);
    EXPECT_TRUE(testing::eventually(
        [&] { return testing::slurp(err).find("reading the feed from the terminal") != std::string::npos; },
        10s))
        << testing::slurp(err);
    ASSERT_EQ(::write(master, "\x04", 1), 1);  // Ctrl-D, as the message says
    EXPECT_EQ(process.wait_for_exit(10s), std::optional<int>(0));
    ::close(master);
}

}  // namespace
}  // namespace splitstream
