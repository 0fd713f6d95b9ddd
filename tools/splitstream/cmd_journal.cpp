// splitstream journal cat|stats|verify FILE: inspect a journal.

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
    std::uint64_t records = 0, frame_bytes = 0;
    std::int64_t first_wall = 0, last_wall = 0;
    replay::journal_record rec;
    while (r->next(rec)) {
        ++records;
        ++kinds[replay::to_string(rec.kind)];
        if (rec.kind == replay::record_kind::notice) {
            ++reasons["notice " + rec.notice.state];
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
    return {app, [opts, cat, stats, verify] {
                if (cat->parsed()) return run_cat(*opts);
                if (stats->parsed()) return run_stats(*opts);
                if (verify->parsed()) return run_verify(*opts);
                return 2;
            }};
}

}  // namespace splitstream::cli
