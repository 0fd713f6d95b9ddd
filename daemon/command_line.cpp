#include "daemon/command_line.hpp"

#include <chrono>
#include <fstream>
#include <sstream>

#include "base/host_port.hpp"

namespace splitstream::daemon {

namespace {

// A flag counted in `Unit` (ms, s, µs) for a std::chrono field, which may
// count in another unit; --help shows the field's default in `Unit`.
template <class Unit, class Field>
CLI::Option* add_duration(CLI::App& app, const std::string& name, Field& field, const std::string& help) {
    return app
        .add_option_function<int>(
            name, [&field](int n) { field = std::chrono::duration_cast<Field>(Unit(n)); }, help)
        ->default_str(std::to_string(std::chrono::duration_cast<Unit>(field).count()));
}

// A flag counted in MiB for a field counted in bytes.
template <class Field>
CLI::Option* add_mib(CLI::App& app, const std::string& name, Field& bytes, const std::string& help) {
    return app
        .add_option_function<std::size_t>(
            name, [&bytes](std::size_t n) { bytes = static_cast<Field>(Field{n} * publish::mib); }, help)
        ->default_str(std::to_string(bytes / publish::mib));
}

std::string host_port_text(const std::string& host, std::uint16_t port) {
    return host + ":" + std::to_string(port);
}

}  // namespace

// One function because it is the list of flags, in the order --help shows
// them; each line names the field it sets.
command_line::command_line(CLI::App& app, serve_settings defaults)
    : app_(app), settings_(std::move(defaults)) {
    auto& in = settings_.service.ingest;
    auto& p = settings_.service.publish;
    auto& s = settings_.service;
    listen_ = host_port_text(p.listen_address, p.listen_port);
    journal_sync_ = replay::to_string(s.journal_sync);

    app.set_config("--config", "", "Read options from a TOML file; keys are the long option names");

    auto* up = "Upstream (timing feed)";
    app.add_option("--upstream", upstream_urls_,
                   "Timing feed URL, ws:// or wss://; give it twice for redundant A/B lines")
        ->group(up)
        ->expected(1, 8);
    app.add_option("--upstream-token", upstream_.bearer_token, "Bearer token sent to the upstream")
        ->group(up);
    app.add_option("--upstream-header", upstream_headers_, "Extra handshake header NAME:VALUE (repeatable)")
        ->group(up);
    app.add_option("--ca-file", upstream_.ca_file,
                   "PEM file of CAs trusted for wss:// (default: the system's)")
        ->group(up);
    app.add_flag("--insecure-skip-verify", upstream_.insecure_skip_verify,
                 "Accept any upstream TLS certificate (lab use only)")
        ->group(up);
    app.add_option("--max-frame-bytes", upstream_.read_message_max,
                   "Largest feed frame; larger ones close with 1009")
        ->capture_default_str()
        ->group(up);
    add_duration<std::chrono::milliseconds>(app, "--stale-after-ms", upstream_.stale_after,
                                            "No frame for this long: `stale` and reconnect")
        ->group(up);
    add_duration<std::chrono::milliseconds>(app, "--gap-timeout-ms", in.sequencing.gap_timeout,
                                            "A gap in seq not filled within this time: reconnect with since=")
        ->group(up);
    app.add_option("--hold-max", in.sequencing.hold_max, "Messages held behind a gap, at most")
        ->capture_default_str()
        ->group(up);
    add_duration<std::chrono::milliseconds>(app, "--reconnect-initial-ms", upstream_.reconnect.initial,
                                            "First reconnect delay (doubles, jittered)")
        ->group(up);
    add_duration<std::chrono::milliseconds>(app, "--reconnect-max-ms", upstream_.reconnect.cap,
                                            "Largest reconnect delay")
        ->group(up);
    app.add_option(
           "--lynx-dir", folders_.lynx_dir,
           "Also take the feed from a FinishLynx exchange folder: lynx.evt and *.lif (docs/adapters.md)")
        ->group(up);
    app.add_option("--odf-dir", folders_.odf_dir,
                   "Also take the feed from a folder of ODF documents: *.xml, DT_RESULT and DT_CURRENT "
                   "(docs/adapters.md)")
        ->group(up);
    app.add_option(
           "--odf-listen", odf_listen_,
           "Also take ODF documents pushed by HTTP POST on HOST:PORT, one a request (docs/adapters.md)")
        ->group(up);
    app.add_option("--lynx-scoreboard", lynx_scoreboard_,
                   "Also accept a FinishLynx scoreboard connection (Network (connect), script "
                   "tools/lynx/splitstream.lss) on HOST:PORT (docs/adapters.md)")
        ->group(up);
    app.add_option("--meet", folders_.meet_path,
                   "Meet file (TOML) for --lynx-dir and --odf-dir: event ids, records, PB/SB")
        ->group(up);
    add_duration<std::chrono::milliseconds>(app, "--adapter-poll-ms", folders_.poll_interval,
                                            "How often --lynx-dir and --odf-dir are listed (50 to 10000)")
        ->group(up);
    app.add_option("--feed-listen", feed_listen_,
                   "Also accept pushed feeds on HOST:PORT (needs --feed-token)")
        ->group(up);
    app.add_option("--feed-token", feed_token_, "Bearer token a pushing timing system must send")->group(up);
    app.add_option("--feed-max-pending", push_.max_pending,
                   "Pushed-feed connections not yet authenticated, at most (one more closes the oldest)")
        ->capture_default_str()
        ->group(up);
    app.add_option("--max-seq-jump", in.sequencing.max_jump,
                   "A frame further ahead of the last applied seq is refused, not held")
        ->capture_default_str()
        ->group(up);
    add_duration<std::chrono::milliseconds>(
        app, "--stall-after-ms", in.stall_after,
        "Frames arrive but none advances the feed this long: /healthz says stalled")
        ->group(up);

    auto* sc = "Scale-out on NATS JetStream (docs/scale-out.md)";
    app.add_option(
           "--nats", nats_.servers,
           "NATS server URL (repeatable: the nodes of a cluster); publish accepted frames to JetStream "
           "and serve the stream read back from it")
        ->group(sc);
    app.add_option("--source", source_,
                   "Where the served feed comes from: upstream (the flags above) or nats")
        ->capture_default_str()
        ->group(sc);
    app.add_option("--nats-stream", nats_.stream, "JetStream stream of the feed frames")
        ->capture_default_str()
        ->group(sc);
    app.add_option("--nats-subject", nats_.subject, "Subject of the feed frames")
        ->capture_default_str()
        ->group(sc);
    app.add_option("--nats-bucket", nats_.bucket, "Key-value bucket that holds the stream's epoch")
        ->capture_default_str()
        ->group(sc);
    app.add_option("--nats-replicas", nats_.replicas,
                   "Replicas of the stream and the bucket (3 on a cluster of 3)")
        ->capture_default_str()
        ->group(sc);
    app.add_option("--nats-buffer-frames", nats_.buffer_frames,
                   "Accepted frames kept while NATS is away, at most")
        ->capture_default_str()
        ->group(sc);
    app.add_option("--nats-buffer-events", nats_.buffer_events,
                   "Derived events kept for their NATS subjects while NATS is away, at most")
        ->capture_default_str()
        ->group(sc);
    add_duration<std::chrono::seconds>(app, "--nats-dedupe-window-s", nats_.dedupe_window,
                                       "JetStream drops a second copy of a frame within this window")
        ->group(sc);
    app.add_option("--nats-snapshot-every", nats_.snapshot_every,
                   "Store the node's state in JetStream at every stream seq that is a multiple of this, "
                   "for nodes starting later (0: never)")
        ->capture_default_str()
        ->group(sc);
    app.add_option("--nats-snapshot-stream", nats_.snapshot_stream,
                   "JetStream stream of the stored node states")
        ->capture_default_str()
        ->group(sc);

    auto* out = "Subscribers (publish)";
    app.add_option("--listen", listen_, "HTTP and WebSocket address HOST:PORT")
        ->capture_default_str()
        ->group(out);
    app.add_option("--history-events", p.history_max_events, "Derived events retained for since= resume")
        ->capture_default_str()
        ->group(out);
    add_mib(app, "--history-mib", p.history_max_bytes, "Bytes retained for resume, MiB")->group(out);
    add_mib(app, "--queue-mib", p.queue_max_bytes, "Per-subscriber queue limit, MiB; over it: close 4008")
        ->group(out);
    app.add_option("--queue-messages", p.queue_max_messages, "Per-subscriber queue limit, messages")
        ->capture_default_str()
        ->group(out);
    app.add_option("--max-connections", p.max_connections, "Open connections; more get 503")
        ->capture_default_str()
        ->group(out);
    app.add_option("--max-connections-per-address", p.max_connections_per_address,
                   "Open connections from one address; more get 503 (0: no limit)")
        ->capture_default_str()
        ->group(out);
    add_duration<std::chrono::milliseconds>(
        app, "--request-timeout-ms", p.request_timeout,
        "A whole HTTP request (headers too) must arrive within this; also keep-alive idleness")
        ->check(CLI::Range(1, 3'600'000))
        ->group(out);
    app.add_option("--request-header-max", p.request_header_max, "HTTP request header bytes; more get 431")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{512}, std::size_t{1} << 20))
        ->group(out);
    app.add_option("--read-message-max", p.read_message_max,
                   "Largest message a subscriber may send, bytes; more: close 1009")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{128}, std::size_t{16} << 20))
        ->group(out);
    app.add_option("--max-filter-entries", p.max_filter_entries,
                   "Most events/types one subscription may name; more: 400 or an error reply")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}))
        ->group(out);
    add_duration<std::chrono::seconds>(app, "--idle-timeout-s", p.idle_timeout,
                                       "Close a subscriber silent for this long")
        ->group(out);
    add_duration<std::chrono::seconds>(app, "--ping-interval-s", p.ping_interval, "WebSocket ping interval")
        ->group(out);
    add_duration<std::chrono::microseconds>(
        app, "--fanout-max-delay-us", p.fanout_max_delay,
        "Longest wait between fan-outs while the loop is busy (batches writes; 0: never wait)")
        ->check(CLI::Range(0, 1000000))
        ->group(out);
    app.add_flag("--fanout-io-uring,!--no-fanout-io-uring", p.fanout_io_uring,
                 "Hand each fan-out's writes to the kernel in one io_uring submission (where the kernel "
                 "allows it; otherwise one sendmsg per subscriber)")
        ->capture_default_str()
        ->group(out);
    app.add_option("--threads", p.threads,
                   "Publish threads, the main loop included: beyond it, threads that serve the plain "
                   "subscribers (docs/operations.md)")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1}, std::size_t{64}))
        ->group(out);
    add_duration<std::chrono::milliseconds>(
        app, "--keep-awake-ms", s.keep_awake,
        "Keep the feed loop's core from halting while race frames (not heartbeats) come within this "
        "long: a thread at idle priority spins there (virtual machines, where waking a halted core adds "
        "up to milliseconds; the core shows busy). 0: off (docs/operations.md)")
        ->check(CLI::Range(0, 3600000))
        ->group(out);
    add_duration<std::chrono::seconds>(
        app, "--max-delay", p.max_delay,
        "Longest broadcast delay (delay=) a subscriber may ask for, seconds; 0: none. Costs history and "
        "snapshot memory (docs/operations.md)")
        ->check(CLI::Range(0, 3600))
        ->group(out);
    app.add_option("--allowed-origin", p.allowed_origins, "Browser Origin allowed (repeatable; default: any)")
        ->group(out);
    app.add_option("--jwt-secret-file", jwt_secret_file_,
                   "File with the HS256 secret; subscribers then need a token (exp, events claims)")
        ->group(out);
    app.add_option("--tls-cert", p.tls_cert_file, "PEM certificate: serve wss:// and https://")->group(out);
    app.add_option("--tls-key", p.tls_key_file, "PEM private key for --tls-cert")->group(out);
    // The default is found beside the program (daemon/installed_pages.hpp):
    // --help names where, not the path of one machine.
    app.add_option("--web-dir", p.web_dir, "Directory of the web pages (empty: none)")
        ->default_str("the pages installed with the program")
        ->group(out);

    auto* j = "Journal and recovery";
    app.add_option("--journal", s.journal_path,
                   "Append every frame to this journal; on start, recover state and history from it")
        ->group(j);
    app.add_option("--journal-sync", journal_sync_, "fsync policy: every_record, interval or os")
        ->capture_default_str()
        ->group(j);
    add_duration<std::chrono::milliseconds>(app, "--journal-sync-interval-ms", s.journal_sync_interval,
                                            "fsync period under `interval`")
        ->group(j);
    add_mib(app, "--journal-rotate-mib", s.journal_rotate_bytes, "Start a new journal file past this size")
        ->group(j);

    auto* l = "Logging";
    app.add_option("--log-level", settings_.logs.level,
                   "trace, debug, info, warn, error (SPDLOG_LEVEL overrides)")
        ->capture_default_str()
        ->group(l);
    app.add_option("--log-format", settings_.logs.format, "text or json")->capture_default_str()->group(l);
}

command_line::result command_line::finish() {
    if (auto err = apply_config()) return {std::nullopt, *err};
    if (auto err = resolve()) return {std::nullopt, *err};
    return {settings_, {}};
}

// CLI11 reads config files for the top-level app only, so a subcommand's
// --config is applied here: each key sets the option of that long name
// unless the command line gave it. Keys may also sit under a [serve] table.
std::optional<std::string> command_line::apply_config() {
    auto* config = app_.get_config_ptr();
    if (config == nullptr || config->count() == 0) return std::nullopt;
    const auto path = config->as<std::string>();
    std::vector<CLI::ConfigItem> items;
    try {
        items = CLI::ConfigTOML().from_file(path);
    } catch (const CLI::Error& e) {
        return "cannot read config " + path + ": " + e.what();
    }
    for (const auto& item : items) {
        if (item.name == "++" || item.name == "--") continue;  // table markers
        if (!item.parents.empty() && !(item.parents.size() == 1 && item.parents.front() == "serve"))
            return item.fullname() + ": unknown table in " + path;
        auto* option = app_.get_option_no_throw("--" + item.name);
        if (option == nullptr || option == config)
            return path + ": unknown key " + item.name + " (keys are the long option names)";
        if (option->count() > 0) continue;  // the command line wins
        try {
            option->add_result(item.inputs);
            option->run_callback();
        } catch (const CLI::Error& e) {
            return path + ": " + item.name + ": " + e.what();
        }
    }
    return std::nullopt;
}

// What the flags name but cannot check one by one, in the order the
// messages have always come.
std::optional<std::string> command_line::resolve() {
    auto& in = settings_.service.ingest;
    auto& p = settings_.service.publish;
    in.upstreams.clear();
    for (const auto& url : upstream_urls_) {
        if (url.empty()) return "--upstream wants a URL (ws://HOST:PORT/PATH or wss://...), got an empty one";
        ingest::upstream_options u = upstream_;
        u.url = url;
        for (const auto& h : upstream_headers_) {
            const auto colon = h.find(':');
            if (colon == std::string::npos) return "--upstream-header wants NAME:VALUE, got " + h;
            std::string value = h.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') value.erase(0, 1);
            u.headers.emplace_back(h.substr(0, colon), value);
        }
        in.upstreams.push_back(std::move(u));
    }
    if (!feed_listen_.empty()) {
        const auto at = parse_host_port(feed_listen_);
        if (!at) return "--feed-listen wants HOST:PORT, got " + feed_listen_;
        if (feed_token_.empty()) return "--feed-listen needs --feed-token";
        ingest::listen_options l = push_;
        l.address = at->host;
        l.port = at->port;
        l.token = feed_token_;
        l.read_message_max = upstream_.read_message_max;
        l.stale_after = upstream_.stale_after;
        in.listen = l;
    }
    if (!odf_listen_.empty()) {
        const auto at = parse_host_port(odf_listen_);
        if (!at) return "--odf-listen wants HOST:PORT, got " + odf_listen_;
        folders_.odf_listen = odf_listen_options{.address = at->host, .port = at->port};
    }
    if (!lynx_scoreboard_.empty()) {
        const auto at = parse_host_port(lynx_scoreboard_);
        if (!at) return "--lynx-scoreboard wants HOST:PORT, got " + lynx_scoreboard_;
        folders_.lynx_scoreboard = scoreboard_listen_options{.address = at->host, .port = at->port};
    }
    const bool folders = !folders_.lynx_dir.empty() || !folders_.odf_dir.empty() || folders_.odf_listen ||
                         folders_.lynx_scoreboard;
    if (folders) {
        const auto poll = folders_.poll_interval.count();
        if (poll < 50 || poll > 10'000) return "--adapter-poll-ms must be 50 to 10000";
        settings_.service.adapter_folders = folders_;
    }
    const bool sources = !in.upstreams.empty() || in.listen || folders;
    if (source_ != "upstream" && source_ != "nats") return "--source is upstream or nats, got " + source_;
    if (source_ == "nats") {
        if (nats_.servers.empty()) return "--source nats needs --nats URL";
        if (sources)
            return "--source nats takes the feed from NATS: give no --upstream, --feed-listen or folders";
    } else if (!sources) {
        return "give --upstream URL (up to two), --feed-listen HOST:PORT, --lynx-dir DIR or --odf-dir DIR";
    }
    if (!nats_.servers.empty()) {
        if (!sources && !settings_.service.journal_path.empty())
            return "--journal on a relay (--source nats): it accepts no frames, the JetStream stream is its "
                   "record";
        if (nats_.replicas < 1 || nats_.replicas > 5) return "--nats-replicas must be 1 to 5";
        if (nats_.buffer_frames == 0) return "--nats-buffer-frames must be at least 1";
        if (nats_.buffer_events == 0) return "--nats-buffer-events must be at least 1";
        settings_.service.nats = nats_;
    }

    const auto listen = parse_host_port(listen_);
    if (!listen) return "--listen wants HOST:PORT, got " + listen_;
    p.listen_address = listen->host;
    p.listen_port = listen->port;
    if (!jwt_secret_file_.empty()) {
        std::ifstream file(jwt_secret_file_);
        std::stringstream text;
        text << file.rdbuf();
        p.jwt_secret = text.str();
        while (!p.jwt_secret.empty() && (p.jwt_secret.back() == '\n' || p.jwt_secret.back() == '\r'))
            p.jwt_secret.pop_back();
        if (!file || p.jwt_secret.empty()) return "cannot read a secret from " + jwt_secret_file_;
    }
    if (p.tls_cert_file.empty() != p.tls_key_file.empty()) return "--tls-cert and --tls-key go together";
    if (!replay::parse_sync_policy(journal_sync_, settings_.service.journal_sync))
        return "--journal-sync is every_record, interval or os";
    return std::nullopt;
}

}  // namespace splitstream::daemon
