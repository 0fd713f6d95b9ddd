#pragma once
// The options of `splitstream serve`, from flags or a TOML file (`--config
// FILE`, keys are the long option names). Each flag is bound straight to the
// field of service_options or log_options it sets, so each default is
// stated once, in the struct, and --help shows it from there. Flags whose
// unit differs from the field's (ms, s, MiB) convert on the way in.

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

#include "daemon/logging.hpp"
#include "daemon/service.hpp"
#include "ingest/upstream_client.hpp"
#include "scaleout/nats_options.hpp"

namespace splitstream::daemon {

struct serve_settings {
    service_options service{};
    log_options logs{};
};

class command_line {
public:
    // Registers every flag of `serve` (and --config) on `app`, bound to a
    // copy of `defaults`. `app` must outlive this object, which must not move.
    command_line(CLI::App& app, serve_settings defaults);
    command_line(const command_line&) = delete;
    command_line& operator=(const command_line&) = delete;

    // Once `app` has parsed the command line: reads --config (the command
    // line wins over the file), checks what the flags cannot check alone
    // and fills in what they name (upstream lines, the push listener, the
    // JWT secret). Returns the settings, or the message for stderr.
    struct result {
        std::optional<serve_settings> settings;
        std::string error;  // set when settings is not
    };
    result finish();

private:
    std::optional<std::string> apply_config();
    std::optional<std::string> resolve();

    CLI::App& app_;
    serve_settings settings_;
    // What every upstream line gets (all but its URL); its read_message_max
    // and stale_after apply to pushed feeds too.
    ingest::upstream_options upstream_{};
    std::vector<std::string> upstream_urls_;
    std::vector<std::string> upstream_headers_;  // NAME:VALUE
    std::string feed_listen_;                    // HOST:PORT; empty: no push listener
    std::string feed_token_;
    ingest::listen_options push_;  // the push listener's limits, bound to their flags
    std::string listen_;           // HOST:PORT
    std::string jwt_secret_file_;
    std::string journal_sync_;
    std::string odf_listen_;           // HOST:PORT; empty: none
    std::string lynx_scoreboard_;      // HOST:PORT; empty: none
    adapter_folders_options folders_;  // bound to --lynx-dir, --odf-dir, --meet, --adapter-poll-ms
    scaleout::nats_options nats_;      // bound to --nats and --nats-*; used when --nats is given
    std::string source_ = "upstream";
};

}  // namespace splitstream::daemon
