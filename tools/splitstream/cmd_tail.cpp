// `splitstream tail`: print a splitstream stream as ticker lines or JSON.

#include <spdlog/spdlog.h>

#include <iostream>
#include <memory>

#include "daemon/logging.hpp"
#include "tools/splitstream/commands.hpp"
#include "tools/tail/tail_client.hpp"

namespace splitstream::cli {

namespace {

struct tail_config {
    std::string url;
    bool json = false;
    std::vector<std::string> events;
    std::vector<std::string> types;
    std::optional<std::uint64_t> count;
    std::optional<double> duration_s;
    std::uint32_t recent = 50;
    std::optional<double> delay_s;
    std::string ca_file;
    bool insecure_skip_verify = false;
    std::string log_level = "warn";
};

int run_tail_command(const tail_config& c) {
    auto log = daemon::make_command_log("tail", c.log_level);
    tail::tail_options opt;
    opt.url = c.url;
    opt.format = c.json ? tail::tail_format::json : tail::tail_format::ticker;
    opt.events = c.events;
    opt.types = c.types;
    opt.count = c.count;
    opt.recent = c.recent;
    if (c.delay_s) opt.delay = std::chrono::milliseconds(static_cast<std::int64_t>(*c.delay_s * 1000 + 0.5));
    opt.tls = {.ca_file = c.ca_file, .insecure_skip_verify = c.insecure_skip_verify};
    if (c.duration_s)
        opt.duration = std::chrono::milliseconds(static_cast<std::int64_t>(*c.duration_s * 1000));
    return tail::run_tail(opt, std::cout, log);
}

}  // namespace

command add_tail(CLI::App& root) {
    auto c = std::make_shared<tail_config>();
    auto* app = root.add_subcommand(
        "tail",
        "Print a splitstream stream: one ticker line per derived event (local time, event, headline), or "
        "raw\n"
        "JSON. Reconnects with backoff and resumes with ?since=, printing nothing twice.");
    app->add_option("url", c->url, "Stream URL: ws://HOST[:PORT][/v1/stream] or wss://...")->required();
    app->add_flag("--json", c->json, "Print each frame as received (JSON, one per line), snapshots included");
    app->add_option("--events", c->events, "Only these events (ID,ID)")->delimiter(',');
    app->add_option("--types", c->types, "Only these derived event types (TYPE,TYPE)")->delimiter(',');
    app->add_option("--count", c->count, "Stop after printing N events");
    app->add_option("--duration", c->duration_s, "Stop after S seconds")->check(CLI::PositiveNumber);
    app->add_option("--recent", c->recent,
                    "Open with the last N headlines of the stream (0: where each race stands, as snapshots)")
        ->check(CLI::Range(0, 1000))
        ->capture_default_str();
    app->add_option("--delay", c->delay_s,
                    "Show every event S seconds after it happened (to stay behind a video stream; the "
                    "server's --max-delay bounds it)")
        ->check(CLI::PositiveNumber);
    app->add_option("--ca-file", c->ca_file, "PEM file of CAs trusted for wss:// (default: the system's)");
    app->add_flag("--insecure-skip-verify", c->insecure_skip_verify,
                  "Accept any TLS certificate and host name (lab use only)");
    app->add_option("--log-level", c->log_level, "trace, debug, info, warn, error")->capture_default_str();
    return {app, [c] { return run_tail_command(*c); }};
}

}  // namespace splitstream::cli
