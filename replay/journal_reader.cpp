#include "replay/journal_reader.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <utility>

namespace splitstream::replay {

// A read-only mapping of one whole file. Recovery must read every byte of a
// possibly large journal fast; mapping avoids copying it into the process.
struct journal_reader::mapping {
    const char* data = nullptr;
    std::size_t size = 0;
    int fd = -1;

    ~mapping() {
        if (data != nullptr && size > 0) ::munmap(const_cast<char*>(data), size);
        if (fd >= 0) ::close(fd);
    }
    std::string_view bytes() const { return {data, size}; }

    static std::unique_ptr<mapping> open(const std::filesystem::path& path, std::error_code& ec) {
        auto m = std::make_unique<mapping>();
        m->fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (m->fd < 0) {
            ec = {errno, std::generic_category()};
            return nullptr;
        }
        struct stat st {};
        if (::fstat(m->fd, &st) != 0) {
            ec = {errno, std::generic_category()};
            return nullptr;
        }
        m->size = static_cast<std::size_t>(st.st_size);
        if (m->size == 0) return m;
        void* p = ::mmap(nullptr, m->size, PROT_READ, MAP_PRIVATE, m->fd, 0);
        if (p == MAP_FAILED) {
            ec = {errno, std::generic_category()};
            return nullptr;
        }
        ::madvise(p, m->size, MADV_SEQUENTIAL);
        m->data = static_cast<const char*>(p);
        return m;
    }
};

std::vector<std::filesystem::path> journal_segments(const std::filesystem::path& base) {
    std::vector<std::pair<unsigned long, std::filesystem::path>> rotated;
    std::error_code ec;
    auto dir = base.has_parent_path() ? base.parent_path() : std::filesystem::path(".");
    const std::string prefix = base.filename().string() + ".";
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        auto name = entry.path().filename().string();
        if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
        const char* first = name.data() + prefix.size();
        const char* last = name.data() + name.size();
        unsigned long n = 0;
        auto [ptr, err] = std::from_chars(first, last, n);
        if (err != std::errc{} || ptr != last || n == 0) continue;
        rotated.emplace_back(n, base.parent_path() / name);
    }
    std::sort(rotated.begin(), rotated.end());
    std::vector<std::filesystem::path> out;
    for (auto& r : rotated) out.push_back(std::move(r.second));
    if (std::filesystem::exists(base, ec)) out.push_back(base);
    return out;
}

const char* to_string(read_stop s) {
    switch (s) {
        case read_stop::end:
            return "end";
        case read_stop::torn:
            return "torn";
        case read_stop::corrupt:
            return "corrupt";
        case read_stop::bad_header:
            return "bad_header";
        case read_stop::epoch_mismatch:
            return "epoch_mismatch";
    }
    return "unknown";
}

std::unique_ptr<journal_reader> journal_reader::open(const std::filesystem::path& path,
                                                     reader_options options, std::error_code& ec) {
    std::unique_ptr<journal_reader> r(new journal_reader());
    if (options.include_rotated) r->files_ = journal_segments(path);
    if (r->files_.empty()) r->files_.push_back(path);
    r->current_ = mapping::open(r->files_[0], ec);
    if (!r->current_) return nullptr;
    std::size_t size = 0;
    if ((ec = decode_header(r->current_->bytes(), r->header_, size))) return nullptr;
    r->pos_ = size;
    return r;
}

journal_reader::~journal_reader() = default;

bool journal_reader::stop(read_stop why, std::uint64_t offset) {
    done_ = true;
    end_ = {.stop = why, .file_index = index_, .offset = offset, .file_size = current_ ? current_->size : 0};
    return false;
}

bool journal_reader::open_file(std::size_t index) {
    index_ = index;
    pos_ = 0;
    std::error_code ec;
    // Records read earlier point into their file's mapping: keep it.
    if (current_) earlier_.push_back(std::move(current_));
    current_ = mapping::open(files_[index], ec);
    if (!current_) return stop(read_stop::bad_header, 0);
    journal_header h;
    std::size_t size = 0;
    if (decode_header(current_->bytes(), h, size)) return stop(read_stop::bad_header, 0);
    if (h.epoch != header_.epoch) return stop(read_stop::epoch_mismatch, 0);
    pos_ = size;
    return true;
}

bool journal_reader::next(journal_record& out) {
    if (done_) return false;
    auto data = current_->bytes();
    while (pos_ == data.size()) {
        if (index_ + 1 == files_.size()) return stop(read_stop::end, pos_);
        if (!open_file(index_ + 1)) return false;
        data = current_->bytes();
    }
    std::string_view payload;
    std::size_t size = 0;
    switch (check_record(data.substr(pos_), out.kind, payload, size)) {
        case record_status::ok:
            break;
        case record_status::torn:
            return stop(read_stop::torn, pos_);
        case record_status::corrupt:
            return stop(read_stop::corrupt, pos_);
    }
    bool decoded = out.kind == record_kind::notice          ? decode_notice(payload, out.notice)
                   : out.kind == record_kind::adapter_input ? decode_input(payload, out.input)
                                                            : decode_frame(payload, out.frame);
    if (!decoded) return stop(read_stop::corrupt, pos_);
    out.file_index = index_;
    out.offset = pos_;
    pos_ += size;
    return true;
}

}  // namespace splitstream::replay
