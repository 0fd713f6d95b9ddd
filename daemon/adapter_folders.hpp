#pragma once
// `serve --lynx-dir DIR` and `--odf-dir DIR`: watches a FinishLynx exchange
// folder (lynx.ppl, lynx.evt, *.lif) and an ODF document folder (*.xml) and
// feeds what changes in them through the adapters into ingest, as feed v1
// frames on the local lines `lynx-dir`, `lynx-scoreboard` and `odf`: from
// there they take the path of any feed (sequencer, engine, journal,
// publish). Both folders make one feed, with one seq.
//
// The folder is polled every poll_interval; a file is read only once two
// polls saw the same size and modification time (a half-written file never
// produces a message). Each input read (a stable file version, a POSTed
// document, the bytes of one scoreboard read) goes, as read, to the input
// recorder (the daemon journals it as an `adapter_input` record, for audit)
// before the frames made from it. On start, what was already sent is read
// back from the journal, so a restart after a crash sends only what the
// journal does not hold yet: nothing lost, nothing twice.
//
// Runs on the daemon's io_context (one thread); stop() ends the polling.
// Files over max_file_bytes are not read (too_large).

#include <spdlog/logger.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/feed_output.hpp"
#include "adapters/lynx_adapter.hpp"
#include "adapters/lynx_scoreboard.hpp"
#include "adapters/meet_file.hpp"
#include "adapters/odf_adapter.hpp"
#include "adapters/stable_files.hpp"
#include "base/metrics.hpp"
#include "base/net.hpp"
#include "daemon/odf_listener.hpp"
#include "daemon/scoreboard_listener.hpp"
#include "ingest/feed_ingest.hpp"
#include "replay/journal_format.hpp"

namespace splitstream::daemon {

struct adapter_folders_options {
    std::string lynx_dir;                            // empty: none
    std::string odf_dir;                             // empty: none
    std::string meet_path;                           // empty: no meet file (ids from the source, no records)
    std::optional<odf_listen_options> odf_listen{};  // ODF documents by HTTP POST; off when empty
    std::optional<scoreboard_listen_options> lynx_scoreboard{};  // FinishLynx scoreboard TCP; off when empty
    std::chrono::milliseconds poll_interval{500};
    std::uint64_t max_file_bytes = std::uint64_t{16} << 20;  // larger files: too_large, not read
};

// The ingest lines the adapters' frames arrive on, in this order
// (ingest_options::local_sources): metrics and logs name them.
enum class adapter_line : std::size_t { lynx_dir, lynx_scoreboard, odf };
std::vector<std::string> adapter_line_names();

// Where the raw inputs go (the daemon: its journal). Called on the
// daemon's event loop; the views live only for the call.
using input_recorder = std::function<void(const replay::input_fields&)>;

class adapter_folders {
public:
    // `ingest` and `metrics` must outlive this object.
    adapter_folders(net::any_io_executor executor, adapter_folders_options options,
                    ingest::feed_ingest& ingest, metrics_registry& metrics,
                    std::shared_ptr<spdlog::logger> log);

    // Loads the meet file and reads back what the journal at `journal_path`
    // holds (empty: no journal). Returns why it could not.
    std::optional<std::string> prepare(const std::string& journal_path);
    // Keeps every raw input from now on (call before start()).
    void record_inputs(input_recorder recorder) { record_input_ = std::move(recorder); }
    void start();
    void stop();

    // One ODF document from outside the folders (an HTTP POST): converted
    // and offered like a document read from --odf-dir.
    odf_outcome take_odf(std::string bytes, std::string where);
    // Where --odf-listen listens (port 0 resolved), once prepared.
    std::optional<tcp::endpoint> odf_endpoint() const;

private:
    void arm();
    void on_tick(beast::error_code ec);
    struct watched {
        std::string dir;  // empty: documents pushed by HTTP
        bool odf = false;
        adapters::stable_files stable;
        std::vector<counter*> problems;  // by adapters::problem_reason
        counter* files_read = nullptr;
        counter* messages = nullptr;
    };
    void scan(watched& w);
    void read_file(watched& w, const std::string& name);
    void keep_input(std::string_view source, const std::string& name, std::string_view bytes);

    void take_scoreboard(int id, std::string_view bytes, const std::string& peer);
    void offer(watched& w, adapter_line line, const adapters::conversion& result, const std::string& name,
               std::size_t bytes);

    net::any_io_executor executor_;
    net::steady_timer timer_;
    std::shared_ptr<odf_listener> odf_listener_;
    std::shared_ptr<scoreboard_listener> scoreboard_listener_;
    std::map<int, std::unique_ptr<adapters::lynx_scoreboard>> scoreboards_;  // one per connection
    adapter_folders_options options_;
    ingest::feed_ingest& ingest_;
    std::shared_ptr<spdlog::logger> log_;
    adapters::meet_file meet_;
    std::unique_ptr<adapters::feed_output> output_;
    std::unique_ptr<adapters::lynx_adapter> lynx_;
    std::unique_ptr<adapters::odf_adapter> odf_;
    std::vector<watched> folders_;
    input_recorder record_input_;
    bool stopped_ = false;
};

}  // namespace splitstream::daemon
