#pragma once
// The daemon's loggers as the process sets them up: `main`, `ingest`,
// `publish` and `replay`, asynchronous (the event loop never waits for the
// terminal or the disk), on stderr, as text or one JSON object per line.

#include <memory>
#include <string>

#include "daemon/service.hpp"

namespace splitstream::daemon {

struct log_options {
    std::string level = "info";   // trace, debug, info, warn, error; SPDLOG_LEVEL overrides per logger
    std::string format = "text";  // text or json
};

// The text format every command logs in: time, level, logger, message.
inline constexpr const char* text_log_pattern = "%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %-7n %v";

// One synchronous logger on stderr in that format, for the commands beside
// serve (tail, sim, record), so that all of them read alike in a terminal.
std::shared_ptr<spdlog::logger> make_command_log(const std::string& name, const std::string& level);

// Registers the four loggers with spdlog and starts its one worker thread.
// Call once per process; spdlog::shutdown() flushes them at exit.
service_logs make_process_logs(const log_options& options);

}  // namespace splitstream::daemon
