// `splitstream sim`: generates a championship session and writes it as JSON
// Lines or serves it as an upstream timing feed.

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <utility>

#include "adapters/lynx_render.hpp"
#include "base/host_port.hpp"
#include "daemon/logging.hpp"
#include "ingest/frame_parser.hpp"
#include "replay/live_player.hpp"
#include "replay/play_speed.hpp"
#include "tools/sim/session.hpp"
#include "tools/sim/spec_loader.hpp"
#include "tools/splitstream/commands.hpp"

namespace splitstream::cli {

namespace {

struct sim_config {
    std::string out;
    std::string format = "jsonl";
    std::string serve;
    std::string spec;
    std::string results;
    std::uint64_t seed = 1;
    std::string speed = "1";
    bool loop = false;
    bool wall_clock = false;
    bool print_default_spec = false;
    std::int64_t heartbeat_ms = 1000;
    double drop_rate = 0, dup_rate = 0, reorder_rate = 0, corrupt_rate = 0;
    std::vector<std::uint64_t> drop_at, dup_at, reorder_at, corrupt_at, oversize_at, disconnect_at;
    std::vector<std::string> silence_at;
    std::optional<std::uint64_t> epoch_change_at;
    std::string log_level = "info";
};

// The session as FinishLynx would have written it (adapters/lynx_render.hpp):
// lynx.evt, one LIF per event, and the meet file that maps them back.
int write_lynx_files(const replay::feed_recording& rec, const std::string& dir, spdlog::logger& log) {
    if (dir.empty() || dir == "-") return log.error("sim: --format lif writes files: give --out DIR"), 2;
    std::vector<feed::feed_message> messages;
    ingest::frame_parser parser;
    for (const auto& f : rec.frames) {
        auto parsed = parser.parse(f.text);
        if (parsed.ok()) messages.push_back(std::move(parsed.message()));
    }
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    const auto files = adapters::render_lynx(messages, rec.feed);
    for (const auto& f : files) {
        const auto path = std::filesystem::path(dir) / f.name;
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << f.text;
        if (!out) return log.error("sim: cannot write {}", path.string()), 1;
    }
    log.info("sim: wrote {} FinishLynx files to {} (lynx.evt, the LIFs, meet.toml)", files.size(), dir);
    return 0;
}

// One function because it is the command's checks in the order their
// errors are reported, then one of two runs (--out or --serve); each step
// is a call into tools/sim or replay/.
int run_sim(const sim_config& c) {
    auto log = daemon::make_command_log("sim", c.log_level);
    if (c.print_default_spec) {
        std::cout << sim::default_session_json();
        return 0;
    }
    if (c.out.empty() == c.serve.empty()) {
        log->error("give exactly one of --out FILE or --serve HOST:PORT");
        return 2;
    }
    auto speed = replay::parse_play_speed(c.speed);
    if (!speed) {
        log->error("--speed must be a positive factor or max, not {}", c.speed);
        return 2;
    }

    sim::session_spec spec;
    if (!c.spec.empty()) {
        auto loaded = sim::load_session_spec(c.spec);
        if (!loaded.ok()) return log->error("{}", loaded.error), 1;
        spec = std::move(*loaded.value);
    } else if (c.results.empty()) {
        spec = sim::default_session();
    }
    if (!c.results.empty()) {
        auto loaded = sim::load_results_file(c.results);
        if (!loaded.ok()) return log->error("{}", loaded.error), 1;
        // A results race joins the session after its last event's startlist.
        auto e = std::move(*loaded.value);
        if (!spec.events.empty()) e.start_offset_ms = spec.events.back().start_offset_ms + 60000;
        spec.events.push_back(std::move(e));
    }
    if (c.wall_clock)
        // Whole seconds, so the timestamps read as a clock does.
        spec.start_unix_ms = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count() *
                             1000;
    auto rec = sim::build_session(spec, c.seed);

    if (c.format == "lif") return write_lynx_files(rec, c.out, *log);
    if (!c.out.empty()) {
        if (c.out == "-") {
            sim::write_jsonl(rec, std::cout);
            return std::cout.good() ? 0 : 1;
        }
        std::ofstream out(c.out, std::ios::binary | std::ios::trunc);
        if (!out) return log->error("cannot write {}", c.out), 1;
        sim::write_jsonl(rec, out);
        out.close();
        if (!out) return log->error("writing {} failed", c.out), 1;
        log->info("wrote {} frames of {} events to {} (seed {})", rec.frames.size(), spec.events.size(),
                  c.out, c.seed);
        return 0;
    }

    replay::feed_server_options opt;
    auto address = parse_host_port(c.serve);
    if (!address) {
        log->error("--serve wants HOST:PORT, not {}", c.serve);
        return 2;
    }
    opt.host = std::move(address->host);
    opt.port = address->port;
    opt.speed = *speed;
    opt.loop = c.loop;
    opt.heartbeat_interval = std::chrono::milliseconds(c.heartbeat_ms);
    auto& f = opt.faults;
    f.seed = c.seed;
    f.drop_rate = c.drop_rate;
    f.dup_rate = c.dup_rate;
    f.reorder_rate = c.reorder_rate;
    f.corrupt_rate = c.corrupt_rate;
    f.drop_at = c.drop_at;
    f.dup_at = c.dup_at;
    f.reorder_at = c.reorder_at;
    f.corrupt_at = c.corrupt_at;
    f.oversize_at = c.oversize_at;
    f.disconnect_at = c.disconnect_at;
    f.epoch_change_at = c.epoch_change_at;
    for (const auto& s : c.silence_at) {
        auto colon = s.find(':');
        try {
            if (colon == std::string::npos) throw std::invalid_argument(s);
            f.silence_at.push_back({.seq = std::stoull(s.substr(0, colon)),
                                    .duration = std::chrono::milliseconds(std::stoll(s.substr(colon + 1)))});
        } catch (const std::exception&) {
            log->error("--silence-at wants SEQ:MS, not {}", s);
            return 2;
        }
    }
    return replay::serve_until_signal(std::move(rec), std::move(opt), log);
}

}  // namespace

command add_sim(CLI::App& root) {
    auto c = std::make_shared<sim_config>();
    auto* app = root.add_subcommand(
        "sim",
        "Simulate a championship session: generate realistic races (splits, leader changes, finishes, "
        "records,\n"
        "incidents) as a timing feed, written as JSON Lines or served as an upstream WebSocket feed with\n"
        "optional network faults. Without --spec or --results: the built-in session (see "
        "--print-default-spec).");
    app->add_option("--out", c->out,
                    "Write the feed as JSON Lines to FILE ('-' for stdout), in order of time");
    app->add_option(
           "--format", c->format,
           "jsonl (feed v1) or lif (FinishLynx: lynx.evt, one LIF per event and meet.toml written into "
           "the folder --out names; with `serve --lynx-dir` or `convert --from lif`)")
        ->check(CLI::IsMember({"jsonl", "lif"}))
        ->capture_default_str();
    app->add_option("--serve", c->serve,
                    "Serve the feed as a WebSocket upstream on HOST:PORT (port 0: any free)");
    app->add_option("--spec", c->spec, "Session spec file (JSON; format in docs/simulator.md)")
        ->check(CLI::ExistingFile);
    app->add_option("--results", c->results,
                    "Real results file (format of shared/data/races/*.json): adds that race, reproducing its "
                    "official order, marks and named leaders")
        ->check(CLI::ExistingFile);
    app->add_option("--seed", c->seed, "Seed: the same seed gives the same feed, byte for byte")
        ->capture_default_str();
    app->add_option("--speed", c->speed, "Serving speed: 1 (real time), N (N times faster) or max")
        ->capture_default_str();
    app->add_flag("--loop", c->loop, "Serving: start again after the end, as a new epoch");
    app->add_flag(
        "--wall-clock", c->wall_clock,
        "The session starts now: timestamps (ts) carry this machine's clock instead of the spec's "
        "start,\nso pages and tickers show the time of day it is (the output then differs from run to "
        "run)");
    app->add_option("--heartbeat-ms", c->heartbeat_ms, "Serving: heartbeat interval when idle (at most 2000)")
        ->capture_default_str()
        ->check(CLI::Range(100, 2000));
    app->add_option("--drop-rate", c->drop_rate, "Fault: fraction of frames never sent")
        ->check(CLI::Range(0.0, 1.0));
    app->add_option("--dup-rate", c->dup_rate, "Fault: fraction of frames sent twice")
        ->check(CLI::Range(0.0, 1.0));
    app->add_option("--reorder-rate", c->reorder_rate, "Fault: fraction of frames sent after the next one")
        ->check(CLI::Range(0.0, 1.0));
    app->add_option("--corrupt-rate", c->corrupt_rate, "Fault: fraction of frames replaced by invalid JSON")
        ->check(CLI::Range(0.0, 1.0));
    app->add_option("--drop-at", c->drop_at, "Fault: drop the frames with these seqs (SEQ,...)")
        ->delimiter(',');
    app->add_option("--dup-at", c->dup_at, "Fault: duplicate these seqs")->delimiter(',');
    app->add_option("--reorder-at", c->reorder_at, "Fault: send these seqs after the frame that follows them")
        ->delimiter(',');
    app->add_option("--corrupt-at", c->corrupt_at, "Fault: send these seqs as invalid JSON")->delimiter(',');
    app->add_option("--oversize-at", c->oversize_at, "Fault: send these seqs padded past 1 MiB")
        ->delimiter(',');
    app->add_option("--disconnect-at", c->disconnect_at,
                    "Fault: drop the connection before sending these seqs")
        ->delimiter(',');
    app->add_option("--silence-at", c->silence_at,
                    "Fault: SEQ:MS, send nothing (not even heartbeats) for MS ms before SEQ (a stale feed)")
        ->delimiter(',');
    app->add_option("--epoch-change-at", c->epoch_change_at,
                    "Fault: the upstream 'restarts' before SEQ: a new epoch, seq from 1 again");
    app->add_flag("--print-default-spec", c->print_default_spec, "Print the built-in session spec and exit");
    app->add_option("--log-level", c->log_level, "trace, debug, info, warn, error")->capture_default_str();
    app->footer(
        "Faults fire once per frame, on its first send to any client; a client resuming with ?since=N gets\n"
        "clean frames, so a consumer that resumes can recover everything. Rates are decided per seq from the "
        "seed.");
    return {app, [c] { return run_sim(*c); }};
}

}  // namespace splitstream::cli
