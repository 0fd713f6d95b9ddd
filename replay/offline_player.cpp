#include "replay/offline_player.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>

#include "ingest/file_processor.hpp"
#include "ingest/huge_heap.hpp"
#include "ingest/line_reader.hpp"
#include "replay/recovery.hpp"

namespace splitstream::replay {

namespace {

offline_summary play_json_lines(const std::filesystem::path& path, const offline_options& options,
                                const offline_callbacks& callbacks, std::error_code& ec) {
    offline_summary summary;
    summary.format = input_format::json_lines;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        ec = std::make_error_code(std::errc::no_such_file_or_directory);
        return summary;
    }
    feed::engine engine(options.engine);
    // The same processor as `splitstream process`: the same duplicate rule
    // and the same rejections as the daemon applies live.
    ingest::file_processor processor(
        engine,
        [&](const feed::derived_event& e) {
            ++summary.events;
            if (callbacks.on_event) callbacks.on_event(e);
        },
        [&](const ingest::line_report& r) {
            ++summary.skipped;
            if (!callbacks.on_skipped) return;
            std::string_view detail =
                r.rejected ? std::string_view(r.rejected->detail) : "seq already applied";
            callbacks.on_skipped({.location = "line " + std::to_string(r.line),
                                  .frame = r.text,
                                  .reason = r.rejected ? feed::to_string(r.rejected->reason) : "duplicate",
                                  .detail = detail});
        });

    // Read in blocks, as `process` reads: a recording of a long day is
    // never in memory whole.
    if (!ingest::read_lines(fd, processor)) ec = std::make_error_code(std::errc::io_error);
    ::close(fd);
    summary.applied = processor.totals().applied;
    return summary;
}

offline_summary play_journal(const std::filesystem::path& path, const offline_options& options,
                             const offline_callbacks& callbacks, std::error_code& ec) {
    offline_summary summary;
    summary.format = input_format::journal;
    feed::engine engine(options.engine);
    ingest::frame_parser parser(options.parser);
    std::vector<std::filesystem::path> files;
    std::uint64_t events = 0;

    replay_callbacks rc;
    // The race state grows as `process`'s does: in huge pages, looked at
    // again every few thousand events (ingest/huge_heap.hpp).
    ingest::grow_heap_in_huge_pages();
    rc.on_event = [&](const feed::derived_event& e) {
        if (++events % 4096 == 0) ingest::grow_heap_in_huge_pages();
        if (callbacks.on_event) callbacks.on_event(e);
    };
    rc.on_skipped = [&](const skipped_frame& s) {
        if (!callbacks.on_skipped) return;
        std::string reason;
        std::string_view detail = s.record.frame.detail;
        if (s.refused) {
            reason = feed::to_string(s.refused->reason);
            detail = s.refused->detail;
        } else if (s.record.frame.reason) {
            reason = feed::to_string(*s.record.frame.reason);
        } else {
            reason = to_string(s.record.kind);
        }
        if (files.empty()) files = journal_segments(path);
        std::string file = s.record.file_index < files.size() ? files[s.record.file_index].filename().string()
                                                              : path.filename().string();
        callbacks.on_skipped({.location = file + " offset " + std::to_string(s.record.offset),
                              .frame = s.record.frame.bytes,
                              .reason = std::move(reason),
                              .detail = detail});
    };
    auto result = replay_journal(path, engine, parser, rc, ec);
    if (ec) return summary;
    summary.applied = result.counts.applied;
    summary.skipped = result.counts.rejected + result.counts.duplicates + result.counts.diverged +
                      result.counts.refused_received;
    summary.notices = result.counts.notices;
    summary.events = events;
    summary.journal_end = result.end;
    return summary;
}

}  // namespace

const char* to_string(input_format f) {
    return f == input_format::journal ? "journal" : "json_lines";
}

std::optional<input_format> detect_format(const std::filesystem::path& path, std::error_code& ec) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        ec = std::make_error_code(std::errc::no_such_file_or_directory);
        return std::nullopt;
    }
    char head[journal_magic.size()] = {};
    in.read(head, sizeof head);
    if (in.gcount() == static_cast<std::streamsize>(sizeof head) &&
        std::string_view(head, sizeof head) == journal_magic)
        return input_format::journal;
    return input_format::json_lines;
}

offline_summary play_offline(const std::filesystem::path& path, const offline_options& options,
                             const offline_callbacks& callbacks, std::error_code& ec) {
    const auto started = std::chrono::steady_clock::now();
    auto format = detect_format(path, ec);
    if (!format) return {};
    auto summary = *format == input_format::journal ? play_journal(path, options, callbacks, ec)
                                                    : play_json_lines(path, options, callbacks, ec);
    summary.elapsed = std::chrono::steady_clock::now() - started;
    return summary;
}

}  // namespace splitstream::replay
