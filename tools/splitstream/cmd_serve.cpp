// splitstream serve: the daemon (daemon/). Options come from flags or a
// config file with the same names (`--config FILE`, TOML:
// `upstream = ["ws://..."]`); daemon/command_line.hpp binds them.

#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>

#include "daemon/command_line.hpp"
#include "daemon/installed_pages.hpp"
#include "daemon/logging.hpp"
#include "daemon/run.hpp"
#include "tools/splitstream/commands.hpp"

namespace splitstream::cli {

command add_serve(CLI::App& root) {
    auto* app = root.add_subcommand(
        "serve",
        "Run the daemon: ingest a live timing feed, keep race state, journal every frame, and serve derived "
        "events to subscribers (WebSocket /v1/stream), the HTTP API, metrics and the web pages.");
    daemon::serve_settings defaults;
    defaults.service.publish.web_dir = daemon::installed_web_dir(daemon::this_program());
    auto flags = std::make_shared<daemon::command_line>(*app, std::move(defaults));
    return {app, [flags] {
                auto done = flags->finish();
                if (!done.settings) {
                    std::fprintf(stderr, "splitstream serve: %s\n", done.error.c_str());
                    return 2;
                }
                const int status = daemon::run_until_signalled(
                    std::move(done.settings->service), daemon::make_process_logs(done.settings->logs));
                spdlog::shutdown();
                return status;
            }};
}

}  // namespace splitstream::cli
