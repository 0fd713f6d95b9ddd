// splitstream serve: the daemon. Options come from flags or a config file
// with the same names (`--config FILE`, TOML: `upstream = ["ws://..."]`).

#include <spdlog/async.h>
#include <spdlog/cfg/env.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tools/splitstream/commands.hpp"
#include "tools/splitstream/daemon.hpp"
#include "tools/splitstream/json_log_formatter.hpp"

#ifndef SPLITSTREAM_WEB_DIR
#define SPLITSTREAM_WEB_DIR ""
#endif

namespace splitstream::cli {

namespace {

struct serve_flags {
    std::vector<std::string> upstreams;
    std::string upstream_token;
    std::vector<std::string> upstream_headers;
    std::string ca_file;
    bool insecure_skip_verify = false;
    std::size_t max_frame_bytes = std::size_t{1} << 20;
    int stale_after_ms = 5000;
    int gap_timeout_ms = 500;
    std::size_t hold_max = 10000;
    int reconnect_initial_ms = 100;
    int reconnect_max_ms = 10000;
    std::string feed_listen;
    std::string feed_token;

    std::string listen = "127.0.0.1:8080";
    std::size_t history_events = 100000;
    std::size_t history_mib = 64;
    std::size_t queue_mib = 8;
    std::size_t queue_messages = 65536;
    std::size_t max_connections = 10000;
    std::size_t max_connections_per_address = 0;
    int request_timeout_ms = 10000;
    std::size_t request_header_max = 8 * 1024;
    std::size_t read_message_max = 64 * 1024;
    std::size_t max_filter_entries = 1000;
    int idle_timeout_s = 60;
    int ping_interval_s = 20;
    int fanout_max_delay_us = 20000;
    std::vector<std::string> allowed_origins;
    std::string jwt_secret_file;
    std::string tls_cert;
    std::string tls_key;
    std::string web_dir = SPLITSTREAM_WEB_DIR;

    std::string journal;
    std::string journal_sync = "interval";
    int journal_sync_interval_ms = 100;
    std::size_t journal_rotate_mib = 1024;

    std::string log_level = "info";
    std::string log_format = "text";
};

bool split_host_port(const std::string& text, std::string& host, std::uint16_t& port) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) return false;
    host = text.substr(0, colon);
    if (host.size() > 1 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    try {
        const int p = std::stoi(text.substr(colon + 1));
        if (p < 0 || p > 65535) return false;
        port = static_cast<std::uint16_t>(p);
    } catch (const std::exception&) {
        return false;
    }
    return !host.empty();
}

daemon_logs make_logs(const serve_flags& f) {
    spdlog::init_thread_pool(8192, 1);
    auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    if (f.log_format == "json")
        sink->set_formatter(make_json_log_formatter());
    else
        sink->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %-7n %v");
    auto make = [&](const char* name) {
        // overrun_oldest: the event loop never waits for the terminal or disk.
        auto log = std::make_shared<spdlog::async_logger>(name, sink, spdlog::thread_pool(),
                                                          spdlog::async_overflow_policy::overrun_oldest);
        log->set_level(spdlog::level::from_str(f.log_level));
        spdlog::register_logger(log);
        return log;
    };
    daemon_logs logs{make("main"), make("ingest"), make("publish"), make("replay")};
    spdlog::cfg::load_env_levels();  // SPDLOG_LEVEL=ingest=debug,... overrides
    return logs;
}

int run_serve(const serve_flags& f) {
    daemon_options o;
    for (std::size_t i = 0; i < f.upstreams.size(); ++i) {
        ingest::upstream_options u;
        u.url = f.upstreams[i];
        u.bearer_token = f.upstream_token;
        for (const auto& h : f.upstream_headers) {
            const auto colon = h.find(':');
            if (colon == std::string::npos) {
                std::fprintf(stderr, "splitstream serve: --upstream-header wants NAME:VALUE, got %s\n",
                             h.c_str());
                return 2;
            }
            std::string value = h.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') value.erase(0, 1);
            u.headers.emplace_back(h.substr(0, colon), value);
        }
        u.ca_file = f.ca_file;
        u.insecure_skip_verify = f.insecure_skip_verify;
        u.read_message_max = f.max_frame_bytes;
        u.stale_after = std::chrono::milliseconds(f.stale_after_ms);
        u.reconnect.initial = std::chrono::milliseconds(f.reconnect_initial_ms);
        u.reconnect.cap = std::chrono::milliseconds(f.reconnect_max_ms);
        o.ingest.upstreams.push_back(std::move(u));
    }
    o.ingest.sequencing.gap_timeout = std::chrono::milliseconds(f.gap_timeout_ms);
    o.ingest.sequencing.hold_max = f.hold_max;
    if (!f.feed_listen.empty()) {
        ingest::listen_options l;
        if (!split_host_port(f.feed_listen, l.address, l.port)) {
            std::fprintf(stderr, "splitstream serve: --feed-listen wants HOST:PORT, got %s\n",
                         f.feed_listen.c_str());
            return 2;
        }
        if (f.feed_token.empty()) {
            std::fprintf(stderr, "splitstream serve: --feed-listen needs --feed-token\n");
            return 2;
        }
        l.token = f.feed_token;
        l.read_message_max = f.max_frame_bytes;
        l.stale_after = std::chrono::milliseconds(f.stale_after_ms);
        o.ingest.listen = l;
    }
    if (o.ingest.upstreams.empty() && !o.ingest.listen) {
        std::fprintf(stderr,
                     "splitstream serve: give --upstream URL (up to two) or --feed-listen HOST:PORT\n");
        return 2;
    }

    auto& p = o.publish;
    if (!split_host_port(f.listen, p.listen_address, p.listen_port)) {
        std::fprintf(stderr, "splitstream serve: --listen wants HOST:PORT, got %s\n", f.listen.c_str());
        return 2;
    }
    p.history_max_events = f.history_events;
    p.history_max_bytes = f.history_mib * publish::mib;
    p.queue_max_bytes = f.queue_mib * publish::mib;
    p.queue_max_messages = f.queue_messages;
    p.max_connections = f.max_connections;
    p.max_connections_per_address = f.max_connections_per_address;
    p.request_timeout = std::chrono::milliseconds(f.request_timeout_ms);
    p.request_header_max = f.request_header_max;
    p.read_message_max = f.read_message_max;
    p.max_filter_entries = f.max_filter_entries;
    p.idle_timeout = std::chrono::seconds(f.idle_timeout_s);
    p.ping_interval = std::chrono::seconds(f.ping_interval_s);
    p.fanout_max_delay = std::chrono::microseconds(f.fanout_max_delay_us);
    p.allowed_origins = f.allowed_origins;
    if (!f.jwt_secret_file.empty()) {
        std::ifstream in(f.jwt_secret_file);
        std::stringstream s;
        s << in.rdbuf();
        p.jwt_secret = s.str();
        while (!p.jwt_secret.empty() && (p.jwt_secret.back() == '\n' || p.jwt_secret.back() == '\r'))
            p.jwt_secret.pop_back();
        if (!in || p.jwt_secret.empty()) {
            std::fprintf(stderr, "splitstream serve: cannot read a secret from %s\n",
                         f.jwt_secret_file.c_str());
            return 2;
        }
    }
    if (f.tls_cert.empty() != f.tls_key.empty()) {
        std::fprintf(stderr, "splitstream serve: --tls-cert and --tls-key go together\n");
        return 2;
    }
    p.tls_cert_file = f.tls_cert;
    p.tls_key_file = f.tls_key;
    p.web_dir = f.web_dir;

    o.journal_path = f.journal;
    if (!replay::parse_sync_policy(f.journal_sync, o.journal_sync)) {
        std::fprintf(stderr, "splitstream serve: --journal-sync is every_record, interval or os\n");
        return 2;
    }
    o.journal_sync_interval = std::chrono::milliseconds(f.journal_sync_interval_ms);
    o.journal_rotate_bytes = std::uint64_t{f.journal_rotate_mib} * 1024 * 1024;

    daemon d(std::move(o), make_logs(f));
    const int status = d.run();
    spdlog::shutdown();
    return status;
}

// CLI11 reads config files for the top-level app only, so a subcommand's
// --config is applied here: each key sets the option of that long name
// unless the command line gave it. Keys may also sit under a [serve] table.
bool apply_config(CLI::App& app) {
    auto* config = app.get_config_ptr();
    if (config == nullptr || config->count() == 0) return true;
    const auto path = config->as<std::string>();
    std::vector<CLI::ConfigItem> items;
    try {
        items = CLI::ConfigTOML().from_file(path);
    } catch (const CLI::Error& e) {
        std::fprintf(stderr, "splitstream serve: cannot read config %s: %s\n", path.c_str(), e.what());
        return false;
    }
    for (const auto& item : items) {
        if (item.name == "++" || item.name == "--") continue;  // table markers
        if (!item.parents.empty() && !(item.parents.size() == 1 && item.parents.front() == "serve")) {
            std::fprintf(stderr, "splitstream serve: %s: unknown table in %s\n", item.fullname().c_str(),
                         path.c_str());
            return false;
        }
        auto* option = app.get_option_no_throw("--" + item.name);
        if (option == nullptr || option == config) {
            std::fprintf(stderr, "splitstream serve: %s: unknown key %s (keys are the long option names)\n",
                         path.c_str(), item.name.c_str());
            return false;
        }
        if (option->count() > 0) continue;  // the command line wins
        try {
            option->add_result(item.inputs);
            option->run_callback();
        } catch (const CLI::Error& e) {
            std::fprintf(stderr, "splitstream serve: %s: %s: %s\n", path.c_str(), item.name.c_str(),
                         e.what());
            return false;
        }
    }
    return true;
}

}  // namespace

command add_serve(CLI::App& root) {
    auto f = std::make_shared<serve_flags>();
    auto* app = root.add_subcommand(
        "serve",
        "Run the daemon: ingest a live timing feed, keep race state, journal every frame, and serve derived "
        "events to subscribers (WebSocket /v1/stream), the HTTP API, metrics and the web pages.");
    app->set_config("--config", "", "Read options from a TOML file; keys are the long option names");

    auto* in = "Upstream (timing feed)";
    app->add_option("--upstream", f->upstreams,
                    "Timing feed URL, ws:// or wss://; give it twice for redundant A/B lines")
        ->group(in)
        ->expected(0, 8);
    app->add_option("--upstream-token", f->upstream_token, "Bearer token sent to the upstream")->group(in);
    app->add_option("--upstream-header", f->upstream_headers,
                    "Extra handshake header NAME:VALUE (repeatable)")
        ->group(in);
    app->add_option("--ca-file", f->ca_file, "PEM file of CAs trusted for wss:// (default: the system's)")
        ->group(in);
    app->add_flag("--insecure-skip-verify", f->insecure_skip_verify,
                  "Accept any upstream TLS certificate (lab use only)")
        ->group(in);
    app->add_option("--max-frame-bytes", f->max_frame_bytes,
                    "Largest feed frame; larger ones close with 1009")
        ->capture_default_str()
        ->group(in);
    app->add_option("--stale-after-ms", f->stale_after_ms, "No frame for this long: `stale` and reconnect")
        ->capture_default_str()
        ->group(in);
    app->add_option("--gap-timeout-ms", f->gap_timeout_ms,
                    "A gap in seq not filled within this time: reconnect with since=")
        ->capture_default_str()
        ->group(in);
    app->add_option("--hold-max", f->hold_max, "Messages held behind a gap, at most")
        ->capture_default_str()
        ->group(in);
    app->add_option("--reconnect-initial-ms", f->reconnect_initial_ms,
                    "First reconnect delay (doubles, jittered)")
        ->capture_default_str()
        ->group(in);
    app->add_option("--reconnect-max-ms", f->reconnect_max_ms, "Largest reconnect delay")
        ->capture_default_str()
        ->group(in);
    app->add_option("--feed-listen", f->feed_listen,
                    "Also accept pushed feeds on HOST:PORT (needs --feed-token)")
        ->group(in);
    app->add_option("--feed-token", f->feed_token, "Bearer token a pushing timing system must send")
        ->group(in);

    auto* out = "Subscribers (publish)";
    app->add_option("--listen", f->listen, "HTTP and WebSocket address HOST:PORT")
        ->capture_default_str()
        ->group(out);
    app->add_option("--history-events", f->history_events, "Derived events retained for since= resume")
        ->capture_default_str()
        ->group(out);
    app->add_option("--history-mib", f->history_mib, "Bytes retained for resume, MiB")
        ->capture_default_str()
        ->group(out);
    app->add_option("--queue-mib", f->queue_mib, "Per-subscriber queue limit, MiB; over it: close 4008")
        ->capture_default_str()
        ->group(out);
    app->add_option("--queue-messages", f->queue_messages, "Per-subscriber queue limit, messages")
        ->capture_default_str()
        ->group(out);
    app->add_option("--max-connections", f->max_connections, "Open connections; more get 503")
        ->capture_default_str()
        ->group(out);
    app->add_option("--max-connections-per-address", f->max_connections_per_address,
                    "Open connections from one address; more get 503 (0: no limit)")
        ->capture_default_str()
        ->group(out);
    app->add_option("--request-timeout-ms", f->request_timeout_ms,
                    "A whole HTTP request (headers too) must arrive within this; also keep-alive idleness")
        ->capture_default_str()
        ->check(CLI::Range(1, 3'600'000))
        ->group(out);
    app->add_option("--request-header-max", f->request_header_max, "HTTP request header bytes; more get 431")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{512}, std::size_t{1} << 20))
        ->group(out);
    app->add_option("--read-message-max", f->read_message_max,
                    "Largest message a subscriber may send, bytes; more: close 1009")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{128}, std::size_t{16} << 20))
        ->group(out);
    app->add_option("--max-filter-entries", f->max_filter_entries,
                    "Most events/types one subscription may name; more: 400 or an error reply")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}))
        ->group(out);
    app->add_option("--idle-timeout-s", f->idle_timeout_s, "Close a subscriber silent for this long")
        ->capture_default_str()
        ->group(out);
    app->add_option("--ping-interval-s", f->ping_interval_s, "WebSocket ping interval")
        ->capture_default_str()
        ->group(out);
    app->add_option("--fanout-max-delay-us", f->fanout_max_delay_us,
                    "Longest wait between fan-outs while the loop is busy (batches writes; 0: never wait)")
        ->capture_default_str()
        ->check(CLI::Range(0, 1000000))
        ->group(out);
    app->add_option("--allowed-origin", f->allowed_origins,
                    "Browser Origin allowed (repeatable; default: any)")
        ->group(out);
    app->add_option("--jwt-secret-file", f->jwt_secret_file,
                    "File with the HS256 secret; subscribers then need a token (exp, events claims)")
        ->group(out);
    app->add_option("--tls-cert", f->tls_cert, "PEM certificate: serve wss:// and https://")->group(out);
    app->add_option("--tls-key", f->tls_key, "PEM private key for --tls-cert")->group(out);
    app->add_option("--web-dir", f->web_dir, "Directory of the web pages (empty: none)")
        ->capture_default_str()
        ->group(out);

    auto* j = "Journal and recovery";
    app->add_option("--journal", f->journal,
                    "Append every frame to this journal; on start, recover state and history from it")
        ->group(j);
    app->add_option("--journal-sync", f->journal_sync, "fsync policy: every_record, interval or os")
        ->capture_default_str()
        ->group(j);
    app->add_option("--journal-sync-interval-ms", f->journal_sync_interval_ms,
                    "fsync period under `interval`")
        ->capture_default_str()
        ->group(j);
    app->add_option("--journal-rotate-mib", f->journal_rotate_mib, "Start a new journal file past this size")
        ->capture_default_str()
        ->group(j);

    auto* l = "Logging";
    app->add_option("--log-level", f->log_level, "trace, debug, info, warn, error (SPDLOG_LEVEL overrides)")
        ->capture_default_str()
        ->group(l);
    app->add_option("--log-format", f->log_format, "text or json")->capture_default_str()->group(l);

    return {app, [f, app] { return apply_config(*app) ? run_serve(*f) : 2; }};
}

}  // namespace splitstream::cli
