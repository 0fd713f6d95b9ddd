#pragma once
// WebSocket frames as the server sends them (RFC 6455 §5.2). Server frames
// are never masked, so one frame's bytes are identical for every subscriber:
// each derived event is framed once and the same immutable buffer is shared
// by the history ring and every subscriber queue.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace splitstream::publish {

enum class ws_opcode : std::uint8_t {
    continuation = 0x0,
    text = 0x1,
    binary = 0x2,
    close = 0x8,
    ping = 0x9,
    pong = 0xA,
};

// One complete frame: header + payload, ready for the socket.
struct frame {
    // The frame; a batchable frame keeps one '\n' after it, not part of the
    // frame, so that a batch's lines are one buffer each (see payload_line).
    std::string bytes;
    std::uint8_t header_size = 0;  // bytes of header before the payload
    // A text frame made by make_text_frame, whose payload may share one frame
    // with others for a `batch=1` subscriber; not control frames, and not
    // the raw HTTP upgrade response queued ahead of the frames.
    bool batchable = false;
    std::uint64_t seq = 0;              // derived event seq; 0 for anything else
    std::int64_t received_mono_ns = 0;  // when its feed frame arrived; 0 when unknown
};

using frame_ptr = std::shared_ptr<const frame>;

// The bytes that go on the wire for this frame alone.
inline std::string_view wire(const frame& f) {
    return std::string_view(f.bytes.data(), f.bytes.size() - (f.batchable ? 1 : 0));
}

inline std::string_view payload_of(const frame& f) {
    return wire(f).substr(f.header_size);
}

// A batchable frame's payload and the newline after it: one line of a batch.
inline std::string_view payload_line(const frame& f) {
    return std::string_view(f.bytes).substr(f.header_size);
}

// WebSocket close codes the server sends.
inline constexpr std::uint16_t close_normal = 1000;
inline constexpr std::uint16_t close_going_away = 1001;
inline constexpr std::uint16_t close_protocol_error = 1002;
inline constexpr std::uint16_t close_unsupported_data = 1003;
inline constexpr std::uint16_t close_invalid_payload = 1007;  // e.g. text that is not UTF-8
inline constexpr std::uint16_t close_too_big = 1009;
inline constexpr std::uint16_t close_idle_timeout = 4000;
inline constexpr std::uint16_t close_token_expired = 4001;
inline constexpr std::uint16_t close_slow_consumer = 4008;

// Appends a FIN frame header for `payload_size` bytes with opcode `op`.
void append_frame_header(std::string& out, ws_opcode op, std::size_t payload_size);

// The longest frame header the server writes (64-bit length, no mask).
inline constexpr std::size_t max_frame_header = 10;

// Writes that header into `out` and returns its length.
std::size_t write_frame_header(char* out, ws_opcode op, std::size_t payload_size);

// A FIN text frame carrying `payload`, shared and immutable.
frame_ptr make_text_frame(std::string_view payload, std::uint64_t seq = 0, std::int64_t received_mono_ns = 0);

// A control frame (ping, pong): payloads longer than 125 bytes are cut.
frame_ptr make_control_frame(ws_opcode op, std::string_view payload);

// A close frame with `code` and `reason` (reason cut to the 123 bytes a
// control frame allows).
frame_ptr make_close_frame(std::uint16_t code, std::string_view reason);

}  // namespace splitstream::publish
