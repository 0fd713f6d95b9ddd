#include "replay/journal_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <string_view>

namespace splitstream::replay {

namespace {

std::error_code last_error() {
    return {errno, std::generic_category()};
}

std::error_code write_all(int fd, const char* p, std::size_t n) {
    while (n > 0) {
        ssize_t w = ::write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return last_error();
        }
        p += w;
        n -= static_cast<std::size_t>(w);
    }
    return {};
}

// A rename or a new file is durable only once its directory is synced.
std::error_code sync_directory(const std::filesystem::path& file) {
    auto dir = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return last_error();
    std::error_code ec;
    if (::fsync(fd) != 0) ec = last_error();
    ::close(fd);
    return ec;
}

std::int64_t wall_now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// True when the bytes from `offset` to the end of the file can only be the
// remains of an interrupted append: the record there claims to reach the
// end of the file (or beyond), or all of it is zeros (some filesystems
// extend a file with zeros before a crash writes its data).
bool is_tail_damage(int fd, std::uint64_t offset, std::uint64_t file_size) {
    std::uint32_t len = 0;
    if (file_size - offset < 4 || ::pread(fd, &len, 4, static_cast<off_t>(offset)) != 4) return true;
    if (offset + record_header_bytes + len >= file_size) return true;
    char buf[4096];
    for (std::uint64_t pos = offset; pos < file_size;) {
        auto want = static_cast<std::size_t>(std::min<std::uint64_t>(sizeof buf, file_size - pos));
        ssize_t got = ::pread(fd, buf, want, static_cast<off_t>(pos));
        if (got <= 0) return false;
        if (std::any_of(buf, buf + got, [](char c) { return c != 0; })) return false;
        pos += static_cast<std::uint64_t>(got);
    }
    return true;
}

}  // namespace

const char* to_string(sync_policy p) {
    switch (p) {
        case sync_policy::every_record:
            return "every_record";
        case sync_policy::interval:
            return "interval";
        case sync_policy::os:
            return "os";
    }
    return "unknown";
}

bool parse_sync_policy(std::string_view name, sync_policy& out) {
    for (auto p : {sync_policy::every_record, sync_policy::interval, sync_policy::os}) {
        if (name == to_string(p)) {
            out = p;
            return true;
        }
    }
    return false;
}

std::unique_ptr<journal_writer> journal_writer::open(const writer_options& options, open_report& report,
                                                     std::error_code& ec) {
    std::unique_ptr<journal_writer> w(new journal_writer());
    w->options_ = options;
    report = {};
    if (!std::filesystem::exists(options.path, ec)) {
        if (ec) return nullptr;
        w->epoch_ = options.epoch;
        if ((ec = w->create_file())) return nullptr;
        report.created = true;
        report.epoch = w->epoch_;
        return w;
    }

    auto reader = journal_reader::open(options.path, {.include_rotated = false}, ec);
    if (!reader) return nullptr;
    if (!options.epoch.empty() && reader->header().epoch != options.epoch) {
        ec = journal_errc::epoch_mismatch;
        return nullptr;
    }
    journal_record record;
    while (reader->next(record)) ++report.records;
    const read_end end = reader->end();
    w->epoch_ = reader->header().epoch;
    report.epoch = w->epoch_;
    reader.reset();

    w->fd_ = ::open(options.path.c_str(), O_RDWR | O_CLOEXEC);
    if (w->fd_ < 0) {
        ec = last_error();
        return nullptr;
    }
    if (end.stop != read_stop::end) {
        if (end.stop == read_stop::corrupt && options.corruption == on_corruption::refuse &&
            !is_tail_damage(w->fd_, end.offset, end.file_size)) {
            ec = journal_errc::corrupt_record;
            return nullptr;
        }
        // Cut the damaged tail and make the cut durable before anything is
        // appended after it, or a crash could resurrect the old bytes.
        if (::ftruncate(w->fd_, static_cast<off_t>(end.offset)) != 0 || ::fsync(w->fd_) != 0) {
            ec = last_error();
            return nullptr;
        }
        report.tail = end.stop;
        report.truncated_at = end.offset;
        report.truncated_bytes = end.file_size - end.offset;
    }
    if (::lseek(w->fd_, static_cast<off_t>(end.offset), SEEK_SET) < 0) {
        ec = last_error();
        return nullptr;
    }
    w->size_ = end.offset;
    journal_header h;
    h.epoch = w->epoch_;
    w->header_size_ = encode_header(h).size();
    return w;
}

journal_writer::~journal_writer() {
    if (fd_ >= 0) ::close(fd_);
}

std::error_code journal_writer::create_file() {
    // The header is written under a temporary name and renamed into place,
    // so the journal path never holds a half-written header.
    auto tmp = options_.path;
    tmp += ".new";
    journal_header h{.version = journal_version, .created_wall_ns = wall_now_ns(), .epoch = epoch_};
    std::string bytes = encode_header(h);
    int fd = ::open(tmp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return last_error();
    std::error_code ec = write_all(fd, bytes.data(), bytes.size());
    if (!ec && ::fsync(fd) != 0) ec = last_error();
    if (!ec && ::rename(tmp.c_str(), options_.path.c_str()) != 0) ec = last_error();
    if (!ec) ec = sync_directory(options_.path);
    if (ec) {
        ::close(fd);
        return ec;
    }
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
    size_ = header_size_ = bytes.size();
    unsynced_ = false;
    return {};
}

std::error_code journal_writer::rotate() {
    if (options_.sync != sync_policy::os) {
        if (auto ec = sync()) return ec;
    }
    unsigned long next = 1;
    auto segments = journal_segments(options_.path);
    const std::string prefix = options_.path.filename().string() + ".";
    for (const auto& s : segments) {
        auto name = s.filename().string();
        if (name.size() <= prefix.size()) continue;
        unsigned long n = 0;
        std::from_chars(name.data() + prefix.size(), name.data() + name.size(), n);
        next = std::max(next, n + 1);
    }
    auto target = options_.path;
    target += '.';
    target += std::to_string(next);
    if (::rename(options_.path.c_str(), target.c_str()) != 0) return last_error();
    ++stats_.rotations;
    return create_file();
}

std::error_code journal_writer::append(std::size_t record_bytes) {
    if (record_bytes - record_header_bytes > max_record_payload) return journal_errc::record_too_large;
    if (options_.rotate_bytes > 0 && size_ > header_size_ && size_ + record_bytes > options_.rotate_bytes) {
        if (auto ec = rotate()) return ec;
    }
    if (auto ec = write_all(fd_, buffer_.data(), record_bytes)) {
        // Leave no partial record behind: later appends would land after
        // garbage and turn a full disk into a corrupt journal.
        if (::ftruncate(fd_, static_cast<off_t>(size_)) == 0)
            ::lseek(fd_, static_cast<off_t>(size_), SEEK_SET);
        return ec;
    }
    size_ += record_bytes;
    stats_.bytes += record_bytes;
    ++stats_.records;
    unsynced_ = true;
    if (options_.sync == sync_policy::every_record) return sync();
    return {};
}

std::error_code journal_writer::append_frame(record_kind kind, const ingest::received_frame& frame,
                                             const feed::rejection* why) {
    buffer_.clear();
    frame_fields f{.wall_ns = frame.wall_ns,
                   .mono_ns = frame.mono_ns,
                   .line = frame.line,
                   .reason = std::nullopt,
                   .detail = {},
                   .bytes = frame.bytes};
    if (why != nullptr) {
        f.reason = why->reason;
        f.detail = why->detail;
    }
    encode_frame_record(buffer_, kind, f);
    return append(buffer_.size());
}

std::error_code journal_writer::append_applied(const ingest::received_frame& frame) {
    return append_frame(record_kind::frame_applied, frame, nullptr);
}

std::error_code journal_writer::append_rejected(const ingest::received_frame& frame,
                                                const feed::rejection& why) {
    return append_frame(record_kind::frame_rejected, frame, &why);
}

std::error_code journal_writer::append_duplicate(const ingest::received_frame& frame) {
    return append_frame(record_kind::frame_duplicate, frame, nullptr);
}

std::error_code journal_writer::append_received(const ingest::received_frame& frame) {
    return append_frame(record_kind::frame_received, frame, nullptr);
}

std::error_code journal_writer::append_notice(const feed::feed_notice& notice) {
    buffer_.clear();
    encode_notice_record(buffer_, notice);
    return append(buffer_.size());
}

std::error_code journal_writer::append_input(const input_fields& input) {
    buffer_.clear();
    encode_input_record(buffer_, input);
    return append(buffer_.size());
}

std::error_code journal_writer::maybe_sync(std::chrono::steady_clock::time_point now) {
    if (options_.sync != sync_policy::interval || !unsynced_) return {};
    if (now - last_sync_ < options_.sync_interval) return {};
    last_sync_ = now;
    return sync();
}

std::error_code journal_writer::sync() {
    if (!unsynced_) return {};
    if (::fdatasync(fd_) != 0) return last_error();
    unsynced_ = false;
    ++stats_.syncs;
    return {};
}

}  // namespace splitstream::replay
