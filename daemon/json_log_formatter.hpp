#pragma once
// Structured logs for log collectors: one JSON object per line, UTC
// timestamps, the message escaped so quotes and newlines in it (a rejected
// frame's text, a peer's close reason) never break the line.

#include <spdlog/pattern_formatter.h>

#include <memory>

namespace splitstream::daemon {

std::unique_ptr<spdlog::formatter> make_json_log_formatter();

}  // namespace splitstream::daemon
