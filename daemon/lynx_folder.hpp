#pragma once
// `serve --lynx-dir DIR`: watches a FinishLynx exchange folder and feeds
// what changes in it (lynx.evt, *.lif) through the FinishLynx adapter into
// ingest, as feed v1 frames on the local line: from there they take the path
// of any feed (sequencer, engine, journal, publish).
//
// The folder is polled every poll_interval; a file is read only once two
// polls saw the same size and modification time (a half-written file never
// produces a message). Each input read is appended, as read, to the audit
// file (`<journal>.inputs`). On start, what was already sent is read back
// from the journal, so a restart after a crash sends only what the journal
// does not hold yet: nothing lost, nothing twice.
//
// Runs on the daemon's io_context (one thread); stop() ends the polling.

#include <spdlog/logger.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/feed_output.hpp"
#include "adapters/lynx_adapter.hpp"
#include "adapters/meet_file.hpp"
#include "adapters/stable_files.hpp"
#include "base/metrics.hpp"
#include "base/net.hpp"
#include "ingest/feed_ingest.hpp"

namespace splitstream::daemon {

struct lynx_folder_options {
    std::string dir;
    std::string meet_path;  // empty: no meet file (ids "lynx-E-R-H", no records)
    std::chrono::milliseconds poll_interval{500};
    std::uint64_t max_file_bytes = std::uint64_t{16} << 20;  // larger files: too_large, not read
};

class lynx_folder {
public:
    // `ingest` and `metrics` must outlive this object.
    lynx_folder(net::any_io_executor executor, lynx_folder_options options, ingest::feed_ingest& ingest,
                metrics_registry& metrics, std::shared_ptr<spdlog::logger> log);

    // Loads the meet file and reads back what the journal at `journal_path`
    // holds (empty: no journal). Returns why it could not.
    std::optional<std::string> prepare(const std::string& journal_path);
    void start();
    void stop();

private:
    void arm();
    void on_tick(beast::error_code ec);
    void scan();
    void read_file(const std::string& name);
    void audit(const std::string& name, const std::string& bytes);

    net::steady_timer timer_;
    lynx_folder_options options_;
    ingest::feed_ingest& ingest_;
    std::shared_ptr<spdlog::logger> log_;
    adapters::meet_file meet_;
    std::unique_ptr<adapters::feed_output> output_;
    std::unique_ptr<adapters::lynx_adapter> adapter_;
    adapters::stable_files stable_;
    std::filesystem::path audit_path_;
    bool stopped_ = false;
    std::vector<counter*> problems_;  // by adapters::problem_reason
    counter* files_read_ = nullptr;
    counter* messages_ = nullptr;
};

}  // namespace splitstream::daemon
