#pragma once
// The on-disk journal format (docs/journal.md): a file header followed by
// length-prefixed, checksummed records. All integers are little-endian.
//
//   header:  magic "SPSTJRNL" (8) | u16 version | u16 header_len |
//            i64 created_wall_ns | u16 epoch_len | epoch bytes | u32 crc32c
//   record:  u32 payload_len | u8 kind | 3 zero bytes | u32 crc32c | payload
//
// A record's CRC32C covers its first 8 header bytes and its payload, so a
// torn write, a flipped bit or a length that points past the end is seen.
// This file only encodes and decodes; reading and writing files live in
// journal_reader and journal_writer.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "feed/engine.hpp"
#include "feed/rejection.hpp"

namespace splitstream::replay {

inline constexpr std::string_view journal_magic{"SPSTJRNL", 8};
inline constexpr std::uint16_t journal_version = 1;
inline constexpr std::size_t record_header_bytes = 12;
// A frame is at most 1 MiB (ingest's limit); anything far above that in a
// length field is corruption, not data.
inline constexpr std::uint32_t max_record_payload = 16u << 20;

// What a record holds. The numbers are part of the format: never renumber.
enum class record_kind : std::uint8_t {
    frame_applied = 1,    // the engine applied the frame
    frame_rejected = 2,   // refused by the parser or by the engine (reason + detail)
    frame_duplicate = 3,  // dropped by ingest as a duplicate; kept for forensics
    notice = 4,           // an upstream-health notice the engine sequenced
    frame_received = 5,   // recorded without processing (`splitstream record`)
    adapter_input = 6,    // a timing system's raw input, kept for audit; replay and recovery skip it
};
inline constexpr std::uint8_t last_record_kind = 6;

const char* to_string(record_kind k);
// Kinds whose payload is a frame (frame_fields).
bool is_frame(record_kind k);

struct journal_header {
    std::uint16_t version = journal_version;
    std::int64_t created_wall_ns = 0;
    std::string epoch;  // the daemon's derived-stream epoch
};

// A frame record's fields. `bytes` and `detail` point into the buffer the
// record was decoded from.
struct frame_fields {
    std::int64_t wall_ns = 0;
    std::int64_t mono_ns = 0;
    std::int32_t line = 0;
    std::optional<feed::reject_reason> reason;  // frame_rejected only
    std::string_view detail;
    std::string_view bytes;
};

// An adapter_input record's fields: what a timing-system adapter read, as
// it read it, so an audit can see the input behind the frames that follow.
// The views point into the buffer the record was decoded from.
struct input_fields {
    std::int64_t wall_ns = 0;  // when it was read, system clock
    std::string_view source;   // lynx-dir, lynx-scoreboard, odf-dir, odf-listen
    std::string_view name;     // file name, document or connection
    std::string_view bytes;    // the raw input, byte for byte
};
// At most this much source text; longer is corruption.
inline constexpr std::size_t max_input_source_bytes = 64;

// Errors of the journal's own (I/O errors arrive as std::errc values).
enum class journal_errc {
    bad_magic = 1,
    bad_version,
    bad_header,
    corrupt_record,  // a bad record with valid-looking data after it
    epoch_mismatch,  // an existing journal belongs to another stream epoch
    record_too_large,
};
const std::error_category& journal_category();
std::error_code make_error_code(journal_errc e);

std::uint32_t crc32c(std::uint32_t crc, const void* data, std::size_t size);

std::string encode_header(const journal_header& h);
// Decodes a header at the start of `bytes`; sets `size` to its length.
// Returns an error for a short, foreign or damaged header.
std::error_code decode_header(std::string_view bytes, journal_header& out, std::size_t& size);

// Appends one whole record (header and payload) to `out`.
void encode_frame_record(std::string& out, record_kind kind, const frame_fields& f);
void encode_notice_record(std::string& out, const feed::feed_notice& n);
void encode_input_record(std::string& out, const input_fields& f);

bool decode_frame(std::string_view payload, frame_fields& out);
bool decode_notice(std::string_view payload, feed::feed_notice& out);
bool decode_input(std::string_view payload, input_fields& out);

// Why a scan of records stopped before the end of the bytes.
enum class record_status {
    ok,
    torn,     // the record runs past the end of the data
    corrupt,  // length out of range or CRC mismatch
};

// Checks the record at `bytes`; on ok sets kind, payload and total size.
record_status check_record(std::string_view bytes, record_kind& kind, std::string_view& payload,
                           std::size_t& size);

}  // namespace splitstream::replay

template <>
struct std::is_error_code_enum<splitstream::replay::journal_errc> : std::true_type {};
