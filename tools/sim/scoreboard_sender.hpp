#pragma once
// `sim --format lss --connect HOST:PORT`: sends a scoreboard stream to
// `serve --lynx-scoreboard` as FinishLynx set to "Network (connect)" does:
// one TCP connection, the bytes of each moment when it is due (live_pace).
// Connecting is tried a bounded number of times (the daemon may still be
// starting); every connect and write has a deadline. A connection lost
// midway is an error: FinishLynx would resend a whole results block, which
// a byte stream cut anywhere cannot.

#include <spdlog/logger.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace splitstream::sim {

// What to send and when: `ts` (ISO 8601) on the session's clock.
struct timed_payload {
    std::string ts;
    std::string name;  // for logs and errors: a file name, "scoreboard"
    std::string bytes;
};

struct push_options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    std::int64_t session_start_unix_ms = 0;  // the clock of the payloads' ts
    double speed = 1;                        // 0: as fast as possible
    int attempts = 10;                       // per connect (and, for posts, per document)
    std::chrono::milliseconds retry_wait{500};
    std::chrono::milliseconds timeout{10000};  // per connect, write and read
};

struct push_result {
    std::size_t sent = 0;     // payloads delivered
    std::size_t refused = 0;  // payloads the consumer answered with a refusal (posts only)
    std::string error;        // why it stopped early; empty when it did not
};

push_result send_scoreboard(const std::vector<timed_payload>& stream, const push_options& options,
                            spdlog::logger& log);

}  // namespace splitstream::sim
