// splitstream journal cat|stats|verify|inputs FILE: inspect a journal.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <map>
#include <memory>
#include <string>

#include "replay/journal_reader.hpp"
#include "tools/splitstream/commands.hpp"

namespace splitstream::cli {

namespace {

struct journal_cli_options {
    std::string path;
    bool single_file = false;
    std::size_t extract = 0;  // inputs: the input to write out (1-based); 0: list them
    std::string out_path;     // inputs --extract: where to write (empty: stdout)
};

std::unique_ptr<replay::journal_reader> open_or_report(const journal_cli_options& o) {
    std::error_code ec;
    auto r = replay::journal_reader::open(o.path, {.include_rotated = !o.single_file}, ec);
    if (!r) std::fprintf(stderr, "splitstream journal: %s: %s\n", o.path.c_str(), ec.message().c_str());
    return r;
}

std::string file_name(const replay::journal_reader& r, std::size_t index) {
    return r.files()[index].filename().string();
}

// One line for the end of a read that did not reach the end cleanly.
void report_end(const replay::journal_reader& r) {
    const auto& end = r.end();
    if (end.stop == replay::read_stop::end) return;
    std::fprintf(stderr, "%s: %s at offset %llu (%llu of %llu bytes unread)\n",
                 file_name(r, end.file_index).c_str(), replay::to_string(end.stop),
                 static_cast<unsigned long long>(end.offset),
                 static_cast<unsigned long long>(end.file_size - end.offset),
                 static_cast<unsigned long long>(end.file_size));
}

std::string format_wall(std::int64_t ns) {
    std::time_t secs = static_cast<std::time_t>(ns / 1'000'000'000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[80];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>((ns / 1'000'000) % 1000));
    return buf;
}

std::string notice_text(const feed::feed_notice& n) {
    std::string out = "state=" + n.state + " ts=" + n.ts + " src_seq=" + std::to_string(n.src_seq);
    if (!n.text.empty()) out += " text=\"" + n.text + "\"";
    for (const auto& [k, v] : n.details) {
        out += " " + k + "=";
        if (const auto* s = std::get_if<std::string>(&v))
            out += *s;
        else
            out += std::to_string(std::get<std::int64_t>(v));
    }
    return out;
}

std::string input_text(const replay::input_fields& in) {
    return "wall=" + format_wall(in.wall_ns) + " source=" + std::string(in.source) + " name=\"" +
           std::string(in.name) + "\" bytes=" + std::to_string(in.bytes.size());
}

int run_cat(const journal_cli_options& o) {
    auto r = open_or_report(o);
    if (!r) return 2;
    std::printf("# journal %s epoch=%s created=%s files=%zu\n", o.path.c_str(), r->header().epoch.c_str(),
                format_wall(r->header().created_wall_ns).c_str(), r->files().size());
    replay::journal_record rec;
    std::size_t file = SIZE_MAX;
    while (r->next(rec)) {
        if (rec.file_index != file && r->files().size() > 1) {
            file = rec.file_index;
            std::printf("# file %s\n", file_name(*r, file).c_str());
        }
        if (rec.kind == replay::record_kind::notice) {
            std::printf("%llu notice %s\n", static_cast<unsigned long long>(rec.offset),
                        notice_text(rec.notice).c_str());
            continue;
        }
        if (rec.kind == replay::record_kind::adapter_input) {
            // The raw bytes may be binary or megabytes long: `inputs --extract` writes them.
            std::printf("%llu input %s\n", static_cast<unsigned long long>(rec.offset),
                        input_text(rec.input).c_str());
            continue;
        }
        std::string reason;
        if (rec.frame.reason)
            reason = std::string(" reason=") + feed::to_string(*rec.frame.reason) + " detail=\"" +
                     std::string(rec.frame.detail) + "\"";
        std::printf("%llu %s wall=%s mono_ns=%lld line=%d%s %.*s\n",
                    static_cast<unsigned long long>(rec.offset), replay::to_string(rec.kind),
                    format_wall(rec.frame.wall_ns).c_str(), static_cast<long long>(rec.frame.mono_ns),
                    rec.frame.line, reason.c_str(), static_cast<int>(rec.frame.bytes.size()),
                    rec.frame.bytes.data());
    }
    report_end(*r);
    return r->end().stop == replay::read_stop::end ? 0 : 1;
}

int run_stats(const journal_cli_options& o) {
    auto r = open_or_report(o);
    if (!r) return 2;
    std::map<std::string, std::uint64_t> kinds, reasons;
    std::uint64_t records = 0, frame_bytes = 0, input_bytes = 0;
    std::int64_t first_wall = 0, last_wall = 0;
    replay::journal_record rec;
    while (r->next(rec)) {
        ++records;
        ++kinds[replay::to_string(rec.kind)];
        if (rec.kind == replay::record_kind::notice) {
            ++reasons["notice " + rec.notice.state];
            continue;
        }
        if (rec.kind == replay::record_kind::adapter_input) {
            ++reasons["input " + std::string(rec.input.source)];
            input_bytes += rec.input.bytes.size();
            continue;
        }
        frame_bytes += rec.frame.bytes.size();
        if (rec.frame.reason) ++reasons[std::string("rejected ") + feed::to_string(*rec.frame.reason)];
        if (first_wall == 0) first_wall = rec.frame.wall_ns;
        last_wall = std::max(last_wall, rec.frame.wall_ns);
    }
    std::printf("journal %s\nepoch %s\nfiles %zu\nrecords %llu\nframe bytes %llu\n", o.path.c_str(),
                r->header().epoch.c_str(), r->files().size(), static_cast<unsigned long long>(records),
                static_cast<unsigned long long>(frame_bytes));
    if (input_bytes > 0) std::printf("input bytes %llu\n", static_cast<unsigned long long>(input_bytes));
    for (const auto& [k, n] : kinds)
        std::printf("  %s: %llu\n", k.c_str(), static_cast<unsigned long long>(n));
    for (const auto& [k, n] : reasons)
        std::printf("  %s: %llu\n", k.c_str(), static_cast<unsigned long long>(n));
    if (first_wall != 0)
        std::printf("span %s .. %s (%.3f s)\n", format_wall(first_wall).c_str(),
                    format_wall(last_wall).c_str(), static_cast<double>(last_wall - first_wall) / 1e9);
    report_end(*r);
    return r->end().stop == replay::read_stop::end ? 0 : 1;
}

int run_verify(const journal_cli_options& o) {
    auto r = open_or_report(o);
    if (!r) return 2;
    std::uint64_t records = 0;
    replay::journal_record rec;
    while (r->next(rec)) ++records;
    const auto& end = r->end();
    if (end.stop != replay::read_stop::end) {
        std::printf("%s: %s: first bad offset %llu in %s, after %llu good records\n", o.path.c_str(),
                    replay::to_string(end.stop), static_cast<unsigned long long>(end.offset),
                    file_name(*r, end.file_index).c_str(), static_cast<unsigned long long>(records));
        return 1;
    }
    std::printf("%s: ok, %llu records in %zu file(s), every checksum valid\n", o.path.c_str(),
                static_cast<unsigned long long>(records), r->files().size());
    return 0;
}

bool write_bytes(std::FILE* f, std::string_view bytes) {
    return std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size() && std::fflush(f) == 0;
}

// Lists the timing systems' raw inputs (adapter_input records), numbered
// from 1; with --extract N writes input N's bytes exactly as read.
int run_inputs(const journal_cli_options& o) {
    auto r = open_or_report(o);
    if (!r) return 2;
    std::size_t n = 0;
    replay::journal_record rec;
    while (r->next(rec)) {
        if (rec.kind != replay::record_kind::adapter_input) continue;
        ++n;
        if (o.extract == 0) {
            std::printf("%zu %s offset %llu %s\n", n, file_name(*r, rec.file_index).c_str(),
                        static_cast<unsigned long long>(rec.offset), input_text(rec.input).c_str());
            continue;
        }
        if (n != o.extract) continue;
        std::FILE* out = o.out_path.empty() ? stdout : std::fopen(o.out_path.c_str(), "wb");
        if (out == nullptr) {
            std::fprintf(stderr, "splitstream journal inputs: cannot write %s\n", o.out_path.c_str());
            return 2;
        }
        const bool written = write_bytes(out, rec.input.bytes);
        if (out != stdout) std::fclose(out);
        if (!written) {
            std::fprintf(stderr, "splitstream journal inputs: cannot write input %zu\n", n);
            return 2;
        }
        return 0;
    }
    report_end(*r);
    if (o.extract != 0) {
        std::fprintf(stderr, "splitstream journal inputs: %s holds %zu input(s): no input %zu\n",
                     o.path.c_str(), n, o.extract);
        return 2;
    }
    if (n == 0) std::printf("# no timing-system input in %s\n", o.path.c_str());
    return r->end().stop == replay::read_stop::end ? 0 : 1;
}

}  // namespace

command add_journal(CLI::App& root) {
    auto opts = std::make_shared<journal_cli_options>();
    auto* app =
        root.add_subcommand("journal",
                            "Inspect a journal (and its rotated files FILE.1, FILE.2, ...). "
                            "Exit 1 when a record is torn or corrupt, 2 when the file cannot be opened.");
    app->require_subcommand(1);
    auto add = [&](const char* name, const char* help) {
        auto* sub = app->add_subcommand(name, help);
        sub->add_option("file", opts->path, "Journal file")->required();
        sub->add_flag("--single-file", opts->single_file, "Read only FILE, not its rotated files");
        return sub;
    };
    auto* cat = add("cat", "Print every record on one line: offset, kind, times, line, reason, frame text");
    auto* stats = add("stats", "Count records by kind and reason; print the time span");
    auto* verify = add("verify", "Check every record's checksum; report the first bad offset");
    auto* inputs = add("inputs",
                       "List the timing systems' raw inputs kept in the journal (number, file, offset, "
                       "time, source, name, size), or write one out with --extract N");
    auto* extract =
        inputs->add_option("--extract", opts->extract, "Write input N's raw bytes, exactly as read")
            ->check(CLI::PositiveNumber);
    inputs->add_option("--out", opts->out_path, "With --extract: write to this file instead of stdout")
        ->needs(extract);
    return {app, [opts, cat, stats, verify, inputs] {
                if (cat->parsed()) return run_cat(*opts);
                if (stats->parsed()) return run_stats(*opts);
                if (verify->parsed()) return run_verify(*opts);
                if (inputs->parsed()) return run_inputs(*opts);
                return 2;
            }};
}

}  // namespace splitstream::cli
