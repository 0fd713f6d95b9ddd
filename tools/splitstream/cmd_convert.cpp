// splitstream convert: a timing system's files (FinishLynx, ODF) in, a feed v1
// recording (JSON Lines) out, through the adapters the daemon runs.

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "adapters/feed_json.hpp"
#include "adapters/offline_convert.hpp"
#include "feed/iso_time.hpp"
#include "tools/splitstream/commands.hpp"

namespace splitstream::cli {

namespace {

struct convert_options {
    std::string from;
    std::vector<std::string> inputs;
    std::string meet;
    std::string out = "-";
};

// When the file was last written, as ISO 8601: the time its messages carry.
std::string written_at(const std::filesystem::path& path) {
    std::error_code ec;
    const auto t = std::filesystem::last_write_time(path, ec);
    if (ec) return feed::format_iso_ms(0);
    const auto sys = std::chrono::file_clock::to_sys(t);
    return feed::format_iso_ms(
        std::chrono::duration_cast<std::chrono::milliseconds>(sys.time_since_epoch()).count());
}

int run_convert(const convert_options& o) {
    adapters::meet_file meet;
    if (!o.meet.empty()) {
        auto loaded = adapters::load_meet_file(o.meet);
        if (!loaded.meet) {
            std::fprintf(stderr, "splitstream convert: %s\n", loaded.error.c_str());
            return 2;
        }
        meet = std::move(*loaded.meet);
    }
    std::vector<adapters::named_input> inputs;
    for (const auto& path : o.inputs) {
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            std::fprintf(stderr, "splitstream convert: cannot read %s\n", path.c_str());
            return 2;
        }
        std::ostringstream bytes;
        bytes << in.rdbuf();
        inputs.push_back({std::filesystem::path(path).filename().string(), bytes.str(), written_at(path)});
    }
    const auto format = o.from == "evt"   ? adapters::source_format::evt
                        : o.from == "odf" ? adapters::source_format::odf
                        : o.from == "lss" ? adapters::source_format::lss
                                          : adapters::source_format::lif;
    const auto result = adapters::convert_inputs(meet, format, inputs);

    std::ofstream file;
    if (o.out != "-") {
        file.open(o.out, std::ios::binary | std::ios::trunc);
        if (!file) {
            std::fprintf(stderr, "splitstream convert: cannot write %s\n", o.out.c_str());
            return 2;
        }
    }
    std::ostream& out = o.out == "-" ? std::cout : file;
    for (const auto& m : result.messages) out << adapters::to_feed_json(m) << '\n';
    out.flush();
    if (!out) {
        std::fprintf(stderr, "splitstream convert: write error on %s\n", o.out.c_str());
        return 2;
    }
    std::map<std::string, int> by_reason;
    for (const auto& p : result.problems) {
        std::fprintf(stderr, "%s\n", adapters::describe(p).c_str());
        ++by_reason[adapters::to_string(p.reason)];
    }
    std::string summary;
    for (const auto& [reason, n] : by_reason) summary += ", " + reason + " " + std::to_string(n);
    std::fprintf(stderr, "converted %zu input(s): %zu feed messages, %zu problem(s)%s\n", inputs.size(),
                 result.messages.size(), result.problems.size(), summary.c_str());
    return 0;
}

}  // namespace

command add_convert(CLI::App& root) {
    auto opts = std::make_shared<convert_options>();
    auto* app = root.add_subcommand(
        "convert",
        "Convert a timing system's files to a feed v1 recording (JSON Lines) that `process`, `replay` and "
        "`serve` take. Inputs are read in the order given. Problems (bad lines, unknown IDs, ...) are "
        "reported "
        "on stderr with the file and line and skip only what they concern. Exit status 0 unless a file "
        "cannot "
        "be read or written. Formats and mapping: docs/adapters.md.");
    app->add_option(
           "--from", opts->from,
           "Input format: evt (FinishLynx start lists only), lif (FinishLynx: lynx.evt then *.lif "
           "files; inputs ending in .evt are read as start lists), lss (lynx.evt, then captures of the "
           "FinishLynx "
           "scoreboard connection made with tools/lynx/splitstream.lss) or odf (ODF DT_RESULT / DT_CURRENT "
           "documents, one a file)")
        ->required()
        ->check(CLI::IsMember({"evt", "lif", "lss", "odf"}));
    app->add_option("inputs", opts->inputs, "Input files, in the order they were written")->required();
    app->add_option("--meet", opts->meet,
                    "Meet file (TOML): event ids, distances, records, PB/SB, countries (docs/adapters.md)");
    app->add_option("--out", opts->out, "Output feed (JSON Lines); - for stdout")->capture_default_str();
    return {app, [opts] { return run_convert(*opts); }};
}

}  // namespace splitstream::cli
