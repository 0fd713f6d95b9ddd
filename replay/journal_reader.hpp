#pragma once
// Reads a journal, or a rotated set of journal files, record by record.
// Stops cleanly at the first record that is torn or fails its checksum and
// says where; never reads past it, never crashes, whatever the bytes.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "feed/engine.hpp"
#include "replay/journal_format.hpp"

namespace splitstream::replay {

// The files of the journal at `base`, oldest first: the rotated segments
// `base.1`, `base.2`, ... in number order, then `base` itself when it exists.
std::vector<std::filesystem::path> journal_segments(const std::filesystem::path& base);

struct reader_options {
    // Also read the rotated segments `base.N` that come before `base`.
    bool include_rotated = true;
};

// One record. `frame.bytes` and `frame.detail` point into the reader's
// mapping of the file and stay valid until the reader is destroyed.
struct journal_record {
    record_kind kind = record_kind::frame_applied;
    std::size_t file_index = 0;  // into journal_reader::files()
    std::uint64_t offset = 0;    // of the record's first byte in its file
    frame_fields frame;          // frame kinds
    feed::feed_notice notice;    // record_kind::notice
    input_fields input;          // record_kind::adapter_input
};

enum class read_stop {
    end,             // every byte read: the journal is whole
    torn,            // the last record was cut short (a crash while writing)
    corrupt,         // a record fails its checksum, or its content is malformed
    bad_header,      // a later file's header is damaged
    epoch_mismatch,  // a later file belongs to another stream epoch
};
const char* to_string(read_stop s);

// Where and why reading stopped. Meaningful once next() has returned false.
struct read_end {
    read_stop stop = read_stop::end;
    std::size_t file_index = 0;
    std::uint64_t offset = 0;     // first byte not accepted
    std::uint64_t file_size = 0;  // of that file
};

class journal_reader {
public:
    // Opens the journal at `path` (and its rotated segments). Fails when no
    // file exists or the first file's header is not a journal header.
    static std::unique_ptr<journal_reader> open(const std::filesystem::path& path, reader_options options,
                                                std::error_code& ec);
    ~journal_reader();
    journal_reader(const journal_reader&) = delete;
    journal_reader& operator=(const journal_reader&) = delete;

    // The first file's header; every later file must carry the same epoch.
    const journal_header& header() const { return header_; }
    const std::vector<std::filesystem::path>& files() const { return files_; }

    // Reads the next record into `out`. False at the end or at the first
    // invalid record; then end() says which. The record's views into the
    // files stay valid as long as the reader.
    bool next(journal_record& out);
    const read_end& end() const { return end_; }

private:
    struct mapping;
    journal_reader() = default;
    bool open_file(std::size_t index);
    bool stop(read_stop why, std::uint64_t offset);

    std::vector<std::filesystem::path> files_;
    journal_header header_;
    std::unique_ptr<mapping> current_;
    std::vector<std::unique_ptr<mapping>> earlier_;  // files already read
    std::size_t index_ = 0;
    std::size_t pos_ = 0;
    bool done_ = false;
    read_end end_;
};

}  // namespace splitstream::replay
