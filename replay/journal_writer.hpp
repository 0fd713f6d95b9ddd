#pragma once
// Appends records to a journal. Single-threaded: call it from one thread
// (the daemon's event loop). It starts no threads and no timers; under the
// `interval` policy the caller drives fsync by calling maybe_sync(now).
//
// Every append hands its bytes to the kernel before it returns, so a killed
// process loses nothing that was appended. What a power cut loses depends on
// the sync policy (docs/journal.md).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include "feed/engine.hpp"
#include "feed/rejection.hpp"
#include "ingest/feed_sink.hpp"
#include "replay/journal_format.hpp"
#include "replay/journal_reader.hpp"

namespace splitstream::replay {

enum class sync_policy {
    every_record,  // fdatasync after each record: nothing acknowledged is lost; ~1 disk flush per frame
    interval,      // fdatasync from maybe_sync() once `sync_interval` has passed: loses at most that window
    os,            // never fsync: the kernel writes back when it likes (typically within 30 s)
};
const char* to_string(sync_policy p);
bool parse_sync_policy(std::string_view name, sync_policy& out);

// What to do when an existing journal has a bad record with valid-looking
// bytes after it: that is damage, not a torn tail, and cutting there would
// drop records that may be good.
enum class on_corruption {
    refuse,    // open fails with journal_errc::corrupt_record
    truncate,  // cut at the bad record, as for a torn tail
};

struct writer_options {
    std::filesystem::path path;
    // The derived-stream epoch. A new journal records it; an existing one
    // must carry the same (empty: accept the journal's own).
    std::string epoch;
    sync_policy sync = sync_policy::interval;
    std::chrono::milliseconds sync_interval{100};
    // Start a new file once the active one would exceed this; 0: never.
    std::uint64_t rotate_bytes = std::uint64_t{1} << 30;
    on_corruption corruption = on_corruption::refuse;
};

// What open() found in an existing journal.
struct open_report {
    bool created = false;               // no journal was there: a new one was made
    std::string epoch;                  // the journal's epoch
    std::uint64_t records = 0;          // complete records kept in the active file
    read_stop tail = read_stop::end;    // torn or corrupt when something was cut
    std::uint64_t truncated_at = 0;     // offset of the cut
    std::uint64_t truncated_bytes = 0;  // bytes removed from the active file
};

struct writer_stats {
    std::uint64_t records = 0;  // appended since open
    std::uint64_t bytes = 0;
    std::uint64_t syncs = 0;
    std::uint64_t rotations = 0;
};

class journal_writer {
public:
    // Opens the journal at options.path, creating it when absent. An existing
    // journal is validated; a torn or corrupt last record is cut off (see
    // `report`) and appends continue after the last complete record.
    static std::unique_ptr<journal_writer> open(const writer_options& options, open_report& report,
                                                std::error_code& ec);
    ~journal_writer();
    journal_writer(const journal_writer&) = delete;
    journal_writer& operator=(const journal_writer&) = delete;

    // A frame the engine applied (hello and heartbeat included).
    std::error_code append_applied(const ingest::received_frame& frame);
    // A frame the parser or the engine refused, with the reason.
    std::error_code append_rejected(const ingest::received_frame& frame, const feed::rejection& why);
    // A frame ingest dropped as a duplicate (optional, for forensics).
    std::error_code append_duplicate(const ingest::received_frame& frame);
    // A frame recorded without processing (`splitstream record`).
    std::error_code append_received(const ingest::received_frame& frame);
    // An upstream-health notice, journalled when the engine sequences it so
    // recovery reissues it at the same place in the stream.
    std::error_code append_notice(const feed::feed_notice& notice);
    // A timing system's raw input, as an adapter read it (for audit; replay
    // and recovery skip it). Append it before the frames made from it.
    std::error_code append_input(const input_fields& input);

    // Under sync_policy::interval: fsyncs when records are unsynced and
    // sync_interval has passed since the last fsync. Otherwise does nothing.
    std::error_code maybe_sync(std::chrono::steady_clock::time_point now);
    // Fsyncs now, whatever the policy.
    std::error_code sync();

    const writer_stats& stats() const { return stats_; }
    const std::string& epoch() const { return epoch_; }
    std::uint64_t file_size() const { return size_; }

private:
    journal_writer() = default;
    std::error_code append(std::size_t record_bytes);
    std::error_code append_frame(record_kind kind, const ingest::received_frame& frame,
                                 const feed::rejection* why);
    std::error_code create_file();
    std::error_code rotate();

    writer_options options_;
    std::string epoch_;
    int fd_ = -1;
    std::uint64_t size_ = 0;
    std::uint64_t header_size_ = 0;
    bool unsynced_ = false;
    std::chrono::steady_clock::time_point last_sync_{};
    std::string buffer_;  // one encoded record, reused
    writer_stats stats_;
};

}  // namespace splitstream::replay
