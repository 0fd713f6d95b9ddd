#include "daemon/logging.hpp"

#include <spdlog/async.h>
#include <spdlog/cfg/env.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "daemon/json_log_formatter.hpp"

namespace splitstream::daemon {

std::shared_ptr<spdlog::logger> make_command_log(const std::string& name, const std::string& level) {
    auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    sink->set_pattern(text_log_pattern);
    auto log = std::make_shared<spdlog::logger>(name, std::move(sink));
    log->set_level(spdlog::level::from_str(level));
    return log;
}

service_logs make_process_logs(const log_options& options) {
    spdlog::init_thread_pool(8192, 1);
    auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    if (options.format == "json")
        sink->set_formatter(make_json_log_formatter());
    else
        sink->set_pattern(text_log_pattern);
    auto make = [&](const char* name) {
        // overrun_oldest: the event loop never waits for the terminal or disk.
        auto log = std::make_shared<spdlog::async_logger>(name, sink, spdlog::thread_pool(),
                                                          spdlog::async_overflow_policy::overrun_oldest);
        log->set_level(spdlog::level::from_str(options.level));
        spdlog::register_logger(log);
        return log;
    };
    service_logs logs{make("main"), make("ingest"), make("publish"), make("replay")};
    spdlog::cfg::load_env_levels();  // SPDLOG_LEVEL=ingest=debug,... overrides
    return logs;
}

}  // namespace splitstream::daemon
