#pragma once
// The daemon's loggers as the process sets them up: `main`, `ingest`,
// `publish` and `replay`, asynchronous (the event loop never waits for the
// terminal or the disk), on stderr, as text or one JSON object per line.

#include <string>

#include "daemon/service.hpp"

namespace splitstream::daemon {

struct log_options {
    std::string level = "info";   // trace, debug, info, warn, error; SPDLOG_LEVEL overrides per logger
    std::string format = "text";  // text or json
};

// Registers the four loggers with spdlog and starts its one worker thread.
// Call once per process; spdlog::shutdown() flushes them at exit.
service_logs make_process_logs(const log_options& options);

}  // namespace splitstream::daemon
