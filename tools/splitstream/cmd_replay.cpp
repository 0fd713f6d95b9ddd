// splitstream replay FILE: play a recorded feed (journal or JSON Lines).
//   --to-stdout               derived events as JSON Lines, as fast as possible
//   --check EXPECTED.jsonl    compare them with a golden file
//   --serve HOST:PORT ...     serve the recording as a live upstream feed

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/host_port.hpp"
#include "daemon/logging.hpp"
#include "replay/live_player.hpp"
#include "replay/offline_player.hpp"
#include "replay/play_speed.hpp"
#include "replay/play_time.hpp"
#include "replay/recording.hpp"
#include "tools/splitstream/commands.hpp"

namespace splitstream::cli {

namespace {

struct replay_cli_options {
    std::string input;
    bool to_stdout = false;
    std::string check;
    bool quiet = false;
    std::string serve;
    std::string speed = "1";
    double spin_ms = 5;
    bool loop = false;
    std::string from;
    std::string to;
};

int run_live(const replay_cli_options& o) {
    replay::live_player_options live;
    auto address = parse_host_port(o.serve);
    if (!address) {
        std::fprintf(stderr, "splitstream replay: --serve wants HOST:PORT, not %s\n", o.serve.c_str());
        return 2;
    }
    live.host = std::move(address->host);
    live.port = address->port;
    auto speed = replay::parse_play_speed(o.speed);
    if (!speed) {
        std::fprintf(stderr, "splitstream replay: --speed must be a positive factor or max, not %s\n",
                     o.speed.c_str());
        return 2;
    }
    live.speed = *speed;
    live.loop = o.loop;
    live.spin_before_due = std::chrono::microseconds(static_cast<std::int64_t>(o.spin_ms * 1000));
    live.log = daemon::make_command_log("replay", "info");
    // --from/--to may be ISO times, made relative to the recording's start.
    // A bad time is reported before an unreadable file, as a usage error.
    auto loaded = replay::load_recording(o.input);
    const auto first_unix_ms = loaded.recording ? loaded.recording->first_unix_ms : std::nullopt;
    for (auto [text, out] : {std::pair{&o.from, &live.from_ms}, std::pair{&o.to, &live.to_ms}}) {
        if (text->empty()) continue;
        *out = replay::parse_play_time(*text, first_unix_ms);
        if (!*out) {
            std::fprintf(
                stderr,
                "splitstream replay: cannot read the time %s (an offset like 90, 1:30 or an ISO time)\n",
                text->c_str());
            return 2;
        }
    }
    if (!loaded.recording) {
        live.log->error("{}", loaded.error);
        return 1;
    }
    return replay::run_live_player(*loaded.recording, live);
}

void report_skipped(const replay::skipped_input& s) {
    constexpr int max_frame_shown = 200;
    int shown = static_cast<int>(std::min<std::size_t>(s.frame.size(), max_frame_shown));
    std::fprintf(stderr, "%s: %s: %.*s: %.*s%s\n", s.location.c_str(), s.reason.c_str(),
                 static_cast<int>(s.detail.size()), s.detail.data(), shown, s.frame.data(),
                 s.frame.size() > max_frame_shown ? "..." : "");
}

void report_end(const replay::offline_summary& summary) {
    if (!summary.journal_end || summary.journal_end->stop == replay::read_stop::end) return;
    std::fprintf(stderr, "journal ends with a %s record at offset %llu: replayed up to it\n",
                 replay::to_string(summary.journal_end->stop),
                 static_cast<unsigned long long>(summary.journal_end->offset));
}

int run_to_stdout(const replay_cli_options& o) {
    std::string out;
    out.reserve(1 << 16);
    auto flush = [&] {
        std::fwrite(out.data(), 1, out.size(), stdout);
        out.clear();
    };
    std::error_code ec;
    auto summary = replay::play_offline(o.input, {},
                                        {.on_event =
                                             [&](const feed::derived_event& e) {
                                                 out += e.json;
                                                 out += '\n';
                                                 if (out.size() > (1 << 16) - 4096) flush();
                                             },
                                         .on_skipped =
                                             [&](const replay::skipped_input& s) {
                                                 if (!o.quiet) report_skipped(s);
                                             }},
                                        ec);
    flush();
    std::fflush(stdout);
    if (ec) {
        std::fprintf(stderr, "splitstream replay: %s: %s\n", o.input.c_str(), ec.message().c_str());
        return 2;
    }
    report_end(summary);
    std::fprintf(
        stderr, "replay: %s %s: %llu frames applied, %llu skipped, %llu events in %.3f s\n",
        replay::to_string(summary.format), o.input.c_str(), static_cast<unsigned long long>(summary.applied),
        static_cast<unsigned long long>(summary.skipped), static_cast<unsigned long long>(summary.events),
        std::chrono::duration<double>(summary.elapsed).count());
    return 0;
}

int run_check(const replay_cli_options& o) {
    std::ifstream in(o.check, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "splitstream replay: cannot read %s\n", o.check.c_str());
        return 2;
    }
    std::vector<std::string> expected;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        expected.push_back(std::move(line));
    }
    while (!expected.empty() && expected.back().empty()) expected.pop_back();

    // Stop comparing at the first difference; keep counting the events.
    std::size_t produced = 0;
    std::optional<std::size_t> first_diff;
    std::string actual_at_diff;
    std::error_code ec;
    auto summary = replay::play_offline(o.input, {},
                                        {.on_event =
                                             [&](const feed::derived_event& e) {
                                                 std::size_t i = produced++;
                                                 if (first_diff) return;
                                                 if (i >= expected.size() || expected[i] != e.json) {
                                                     first_diff = i;
                                                     actual_at_diff = e.json;
                                                 }
                                             },
                                         .on_skipped =
                                             [&](const replay::skipped_input& s) {
                                                 if (!o.quiet) report_skipped(s);
                                             }},
                                        ec);
    if (ec) {
        std::fprintf(stderr, "splitstream replay: %s: %s\n", o.input.c_str(), ec.message().c_str());
        return 2;
    }
    report_end(summary);
    if (!first_diff && produced < expected.size()) first_diff = produced;
    if (!first_diff) {
        std::printf("replay --check: %zu events match %s\n", produced, o.check.c_str());
        return 0;
    }
    const std::size_t i = *first_diff;
    std::printf("replay --check: first difference at line %zu of %s\n", i + 1, o.check.c_str());
    std::printf("  expected: %s\n", i < expected.size() ? expected[i].c_str() : "(end of file)");
    std::printf("  actual:   %s\n", i < produced ? actual_at_diff.c_str() : "(no more events)");
    if (i < expected.size() && i < produced) {
        std::size_t col = 0;
        while (col < expected[i].size() && col < actual_at_diff.size() &&
               expected[i][col] == actual_at_diff[col])
            ++col;
        std::printf("  from column %zu: expected \"%.40s\", actual \"%.40s\"\n", col + 1,
                    expected[i].c_str() + col, actual_at_diff.c_str() + col);
    }
    std::printf("  (%zu events produced, %zu expected)\n", produced, expected.size());
    return 1;
}

int run_replay(const replay_cli_options& o) {
    int modes = (o.to_stdout ? 1 : 0) + (o.check.empty() ? 0 : 1) + (o.serve.empty() ? 0 : 1);
    if (modes != 1) {
        std::fprintf(
            stderr, "splitstream replay: give exactly one of --to-stdout, --check FILE, --serve HOST:PORT\n");
        return 2;
    }
    if (!o.serve.empty()) return run_live(o);
    if (!o.check.empty()) return run_check(o);
    return run_to_stdout(o);
}

}  // namespace

command add_replay(CLI::App& root) {
    auto o = std::make_shared<replay_cli_options>();
    auto* app = root.add_subcommand(
        "replay",
        "Play a recorded feed: a journal (detected by its magic) or a JSON Lines feed.\n"
        "Offline: --to-stdout writes every derived event as one JSON line, as fast as possible and the same\n"
        "bytes on every run; --check EXPECTED.jsonl compares them with a golden file and prints the first\n"
        "difference (exit 1) or a one-line summary (exit 0). Skipped frames are reported on stderr.\n"
        "Live: --serve HOST:PORT serves the recording as an upstream WebSocket feed with its original "
        "timing.");
    app->add_option("file", o->input, "Journal or JSON Lines feed")->required()->check(CLI::ExistingFile);
    app->add_flag("--to-stdout", o->to_stdout, "Write the derived events to stdout as JSON Lines");
    app->add_option("--check", o->check, "Compare the derived events with this JSON Lines file");
    app->add_flag("-q,--quiet", o->quiet, "Do not report skipped frames on stderr");
    app->add_option("--serve", o->serve,
                    "Serve the recording as an upstream feed on HOST:PORT (port 0: any free)");
    app->add_option("--speed", o->speed, "With --serve: 1 (real time), N (N times faster) or max")
        ->capture_default_str();
    app->add_option("--spin-ms", o->spin_ms,
                    "With --serve: for this long before each frame is due, wait on the clock (one core busy) "
                    "instead of a timer, which may wake late; 0: timers only")
        ->check(CLI::Range(0.0, 1000.0))
        ->capture_default_str();
    app->add_flag("--loop", o->loop, "With --serve: start again after the end, as a new feed epoch");
    app->add_option("--from", o->from,
                    "With --serve: start at this time (offset like 90 or 1:30, or ISO time)");
    app->add_option("--to", o->to, "With --serve: stop after this time");
    return {app, [o] { return run_replay(*o); }};
}

}  // namespace splitstream::cli
