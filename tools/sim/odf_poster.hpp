#pragma once
// `sim --format odf --post URL`: pushes ODF documents to `serve
// --odf-listen` as an ODF distributor does: one HTTP POST a document, in
// order, each when it is due (live_pace), on one kept-alive connection.
// A network error or a 5xx answer is retried a bounded number of times
// (reconnecting); a 4xx answer is a refusal of that document, logged with
// the consumer's reason and counted, and the next document follows. Every
// connect, write and read has a deadline; answers are read up to 64 KiB.

#include <spdlog/logger.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/sim/scoreboard_sender.hpp"

namespace splitstream::sim {

struct http_url {
    std::string host;
    std::uint16_t port = 80;
    std::string target = "/";
};

// "http://HOST:PORT/PATH" (PATH optional, "/" then; HOST:PORT as
// base/host_port.hpp reads it, port not 0); nullopt for anything else,
// https included.
std::optional<http_url> parse_http_url(std::string_view text);

push_result post_documents(const std::vector<timed_payload>& documents, const http_url& url,
                           const push_options& options, spdlog::logger& log);

}  // namespace splitstream::sim
