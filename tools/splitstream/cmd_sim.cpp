// `splitstream sim`: generates a championship session and writes it as JSON
// Lines or serves it as an upstream timing feed, or speaks it in a timing
// system's format (FinishLynx files or scoreboard output, ODF) to a file, a
// folder or a live consumer.

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <utility>

#include "adapters/lss_render.hpp"
#include "adapters/lynx_render.hpp"
#include "adapters/odf_render.hpp"
#include "base/host_port.hpp"
#include "daemon/logging.hpp"
#include "feed/iso_time.hpp"
#include "ingest/frame_parser.hpp"
#include "replay/live_player.hpp"
#include "replay/play_speed.hpp"
#include "tools/sim/odf_poster.hpp"
#include "tools/sim/scoreboard_sender.hpp"
#include "tools/sim/session.hpp"
#include "tools/sim/spec_loader.hpp"
#include "tools/splitstream/commands.hpp"

namespace splitstream::cli {

namespace {

struct sim_config {
    std::string out;
    std::string format = "jsonl";
    std::string serve;
    std::string connect;
    std::string post;
    std::string meet_out;
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

std::vector<feed::feed_message> messages_of(const replay::feed_recording& rec) {
    std::vector<feed::feed_message> messages;
    ingest::frame_parser parser;
    for (const auto& f : rec.frames) {
        auto parsed = parser.parse(f.text);
        if (parsed.ok()) messages.push_back(std::move(parsed.message()));
    }
    return messages;
}

// Writes each (name, text) into `dir`, creating it.
int write_files(const std::string& dir, const std::vector<adapters::rendered_file>& files,
                spdlog::logger& log) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return log.error("sim: cannot create {}: {}", dir, ec.message()), 1;
    for (const auto& f : files) {
        const auto path = std::filesystem::path(dir) / f.name;
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << f.text;
        out.close();
        if (!out) return log.error("sim: cannot write {}", path.string()), 1;
    }
    return 0;
}

// The session as FinishLynx would have written it (adapters/lynx_render.hpp):
// lynx.evt, one LIF per event, and the meet file that maps them back.
int write_lynx_files(const replay::feed_recording& rec, const std::string& dir, spdlog::logger& log) {
    if (dir.empty() || dir == "-") return log.error("sim: --format lif writes files: give --out DIR"), 2;
    const auto files = adapters::render_lynx(messages_of(rec), rec.feed);
    if (const int status = write_files(dir, files, log)) return status;
    log.info("sim: wrote {} FinishLynx files to {} (lynx.evt, the LIFs, meet.toml)", files.size(), dir);
    return 0;
}

// The clock of the live modes: the session's first ts, at --speed.
sim::push_options push_options_for(const std::vector<feed::feed_message>& messages, double speed) {
    sim::push_options o;
    o.speed = speed;
    if (!messages.empty()) o.session_start_unix_ms = feed::parse_iso_ms(messages.front().ts).value_or(0);
    return o;
}

// The session as FinishLynx's scoreboard output (adapters/lss_render.hpp):
// --out DIR writes lynx.evt, scoreboard.txt (the bytes) and meet.toml;
// --out - writes the bytes to stdout; --connect sends them live. --meet-out
// DIR writes lynx.evt and meet.toml (what the daemon needs beside the
// connection) into DIR.
int run_lss(const replay::feed_recording& rec, const sim_config& c, double speed, spdlog::logger& log) {
    const auto messages = messages_of(rec);
    const auto lss = adapters::render_lss(messages, rec.feed);
    const std::vector<adapters::rendered_file> side{{"lynx.evt", lss.lynx_evt}, {"meet.toml", lss.meet_toml}};
    if (!c.meet_out.empty()) {
        if (const int status = write_files(c.meet_out, side, log)) return status;
        log.info("sim: wrote lynx.evt and meet.toml to {}", c.meet_out);
    }
    std::string bytes;
    for (const auto& chunk : lss.stream) bytes += chunk.bytes;
    if (c.out == "-") {
        std::cout << bytes;
        std::cout.flush();
        return std::cout.good() ? 0 : 1;
    }
    if (!c.out.empty()) {
        auto files = side;
        files.insert(files.begin() + 1, {"scoreboard.txt", bytes});
        if (const int status = write_files(c.out, files, log)) return status;
        log.info("sim: wrote lynx.evt, scoreboard.txt ({} bytes) and meet.toml to {}", bytes.size(), c.out);
        return 0;
    }
    const auto address = parse_host_port(c.connect);
    if (!address || address->port == 0)
        return log.error("sim: --connect wants HOST:PORT with a port, not {}", c.connect), 2;
    auto o = push_options_for(messages, speed);
    o.host = address->host;
    o.port = address->port;
    std::vector<sim::timed_payload> stream;
    for (const auto& chunk : lss.stream) stream.push_back({chunk.ts, "scoreboard", chunk.bytes});
    const auto result = sim::send_scoreboard(stream, o, log);
    if (!result.error.empty()) return log.error("sim: {}", result.error), 1;
    log.info("sim: sent the session's scoreboard output to {} ({} sends, {} bytes)", c.connect, result.sent,
             bytes.size());
    return 0;
}

// The session as ODF documents (adapters/odf_render.hpp): --out DIR writes
// them, numbered in push order, with meet.toml; --post URL pushes them live
// (with --meet-out DIR for meet.toml).
int run_odf(const replay::feed_recording& rec, const sim_config& c, double speed, spdlog::logger& log) {
    const auto messages = messages_of(rec);
    const auto odf = adapters::render_odf(messages, rec.feed);
    const std::vector<adapters::rendered_file> meet{{"meet.toml", odf.meet_toml}};
    if (!c.meet_out.empty()) {
        if (const int status = write_files(c.meet_out, meet, log)) return status;
        log.info("sim: wrote meet.toml to {}", c.meet_out);
    }
    if (!c.out.empty()) {
        if (c.out == "-") return log.error("sim: --format odf writes a folder: give --out DIR"), 2;
        auto files = meet;
        for (const auto& d : odf.documents) files.push_back({d.name, d.xml});
        if (const int status = write_files(c.out, files, log)) return status;
        log.info("sim: wrote {} ODF documents and meet.toml to {}", odf.documents.size(), c.out);
        return 0;
    }
    const auto url = sim::parse_http_url(c.post);
    if (!url) return log.error("sim: --post wants http://HOST:PORT[/PATH], not {}", c.post), 2;
    auto o = push_options_for(messages, speed);
    o.attempts = 5;
    std::vector<sim::timed_payload> documents;
    for (const auto& d : odf.documents) documents.push_back({d.ts, d.name, d.xml});
    const auto result = sim::post_documents(documents, *url, o, log);
    if (!result.error.empty()) return log.error("sim: {}", result.error), 1;
    if (result.refused)
        return log.error("sim: {} of {} ODF documents refused by {}", result.refused, documents.size(),
                         c.post),
               1;
    log.info("sim: posted {} ODF documents to {}", result.sent, c.post);
    return 0;
}

// One function because it is the command's checks in the order their
// errors are reported, then one run: a timing system's format (lif, lss,
// odf: files or a live push) or feed v1 (--out or --serve); each step is a
// call into tools/sim, adapters/ or replay/.
int run_sim(const sim_config& c) {
    auto log = daemon::make_command_log("sim", c.log_level);
    if (c.print_default_spec) {
        std::cout << sim::default_session_json();
        return 0;
    }
    const int outputs = !c.out.empty() + !c.serve.empty() + !c.connect.empty() + !c.post.empty();
    if (outputs != 1) {
        log->error(
            "give exactly one of --out, --serve HOST:PORT, --connect HOST:PORT (lss) or --post URL (odf)");
        return 2;
    }
    if (!c.serve.empty() && c.format != "jsonl")
        return log->error("--serve serves feed v1 (--format jsonl); for --format {} use --out{}", c.format,
                          c.format == "lss"   ? " or --connect"
                          : c.format == "odf" ? " or --post"
                                              : ""),
               2;
    if (!c.connect.empty() && c.format != "lss")
        return log->error("--connect sends scoreboard output: it goes with --format lss"), 2;
    if (!c.post.empty() && c.format != "odf")
        return log->error("--post pushes ODF documents: it goes with --format odf"), 2;
    if (!c.meet_out.empty() && c.format != "lss" && c.format != "odf")
        return log->error("--meet-out goes with --format lss or odf"), 2;
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
    if (c.format == "lss") return run_lss(rec, c, *speed, *log);
    if (c.format == "odf") return run_odf(rec, c, *speed, *log);
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
        "optional network faults, or in a timing system's format (--format lif, lss, odf) written to a\n"
        "folder or sent live to the daemon's adapters (--connect, --post). Without --spec or --results: the\n"
        "built-in session (see --print-default-spec).");
    app->add_option(
        "--out", c->out,
        "Write the feed as JSON Lines to FILE ('-' for stdout), in order of time; with --format lif, "
        "lss or odf: a folder (lss also takes '-': the scoreboard bytes to stdout)");
    app->add_option(
           "--format", c->format,
           "jsonl (feed v1); lif (FinishLynx files: lynx.evt, one LIF per event, meet.toml; for `serve "
           "--lynx-dir` or `convert --from lif`); lss (FinishLynx scoreboard output as "
           "tools/lynx/splitstream.lss makes it: lynx.evt, scoreboard.txt, meet.toml; for `serve "
           "--lynx-scoreboard` or `convert --from lss`); odf (ODF documents numbered in push order and "
           "meet.toml; for `serve --odf-dir`, `--odf-listen` or `convert --from odf`)")
        ->check(CLI::IsMember({"jsonl", "lif", "lss", "odf"}))
        ->capture_default_str();
    app->add_option(
        "--connect", c->connect,
        "--format lss: connect to `serve --lynx-scoreboard HOST:PORT` as FinishLynx does and send "
        "the session live, paced by --speed (connecting is tried 10 times, 0.5 s apart)");
    app->add_option(
        "--post", c->post,
        "--format odf: POST each document to `serve --odf-listen` at http://HOST:PORT[/PATH], paced "
        "by --speed (a failed POST is tried 5 times; a refused document fails the run at the end)");
    app->add_option("--meet-out", c->meet_out,
                    "--format lss or odf: also write into this folder what the daemon needs beside the live "
                    "stream: meet.toml (and lynx.evt for lss), for `serve --meet` (and `--lynx-dir`)");
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
    app->add_option("--speed", c->speed,
                    "Speed of --serve, --connect and --post: 1 (real time), N (N times faster) or max")
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
