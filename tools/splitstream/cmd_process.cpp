// splitstream process: a recorded feed (JSON Lines) in, derived events out.

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "feed/engine.hpp"
#include "ingest/file_processor.hpp"
#include "ingest/line_reader.hpp"
#include "tools/splitstream/commands.hpp"

namespace splitstream::cli {

namespace {

struct process_options {
    std::string input = "-";
    bool quiet = false;
};

int run_process(const process_options& o) {
    int fd = STDIN_FILENO;
    if (o.input != "-") {
        fd = ::open(o.input.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            std::fprintf(stderr, "splitstream process: cannot read %s\n", o.input.c_str());
            return 2;
        }
    } else if (::isatty(STDIN_FILENO) == 1)
        // Otherwise a user who forgot the file sees a command that hangs.
        std::fprintf(stderr,
                     "splitstream process: reading the feed from the terminal (JSON Lines; Ctrl-D ends); "
                     "give a FILE or pipe one in\n");
    feed::engine engine;
    std::string out;
    out.reserve(1 << 16);
    auto flush = [&] {
        std::fwrite(out.data(), 1, out.size(), stdout);
        out.clear();
    };
    ingest::file_processor processor(
        engine,
        [&](const feed::derived_event& e) {
            out += e.json;
            out += '\n';
            if (out.size() > (1 << 16) - 4096) flush();
        },
        [&](const ingest::line_report& r) {
            if (o.quiet) return;
            std::string seq = r.seq ? " (seq " + std::to_string(*r.seq) + ")" : "";
            if (r.duplicate)
                std::fprintf(stderr, "line %llu%s: duplicate: seq already applied, dropped\n",
                             static_cast<unsigned long long>(r.line), seq.c_str());
            else
                std::fprintf(stderr, "line %llu%s: rejected: %s: %s\n",
                             static_cast<unsigned long long>(r.line), seq.c_str(),
                             feed::to_string(r.rejected->reason), r.rejected->detail.c_str());
        });
    const bool read_error = !ingest::read_lines(fd, processor);
    if (fd != STDIN_FILENO) ::close(fd);
    flush();
    std::fflush(stdout);
    if (read_error) {
        std::fprintf(stderr, "splitstream process: read error on %s\n", o.input.c_str());
        return 2;
    }
    std::fprintf(stderr, "%s\n", processor.summary().c_str());
    return 0;
}

}  // namespace

command add_process(CLI::App& root) {
    auto opts = std::make_shared<process_options>();
    auto* app = root.add_subcommand(
        "process",
        "Read a timing feed as JSON Lines (a file or stdin) and write the derived events as JSON Lines to "
        "stdout. Rejected and duplicate lines are reported on stderr with their reason; a summary follows. "
        "Exit status 0 unless the input cannot be read.");
    app->add_option("input", opts->input, "Feed file (JSON Lines); - for stdin")->capture_default_str();
    app->add_flag("-q,--quiet", opts->quiet, "Do not report rejected lines, only the summary");
    return {app, [opts] { return run_process(*opts); }};
}

}  // namespace splitstream::cli
