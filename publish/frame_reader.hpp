#pragma once
// Parses the frames a WebSocket client sends (RFC 6455 §5): masked,
// possibly fragmented, with control frames between fragments. Pure: bytes
// in, messages out. The server parses client frames itself so that every
// byte it writes goes through the subscriber's one write queue (Beast's
// stream would answer pings and closes with writes of its own).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "publish/frame.hpp"

namespace splitstream::publish {

enum class client_frame_kind {
    none,    // need more bytes, or a fragment was absorbed
    text,    // a complete text message: payload()
    binary,  // a complete binary message: payload()
    ping,    // payload() is the ping's payload
    pong,
    close,  // close_code() (1005 when absent) and payload() (the reason)
    error,  // protocol violation: close with error_code() / error_reason()
};

struct client_frame_result {
    client_frame_kind kind = client_frame_kind::none;
    std::size_t consumed = 0;  // bytes of the input used
};

class frame_reader {
public:
    // `max_message`: largest message (all fragments together) accepted;
    // larger ones are an error with close code 1009.
    explicit frame_reader(std::size_t max_message);

    // Parses at most one frame from the start of [data, data + size),
    // unmasking it in place. consumed == 0 means more bytes are needed.
    client_frame_result next(char* data, std::size_t size);

    // The message, control payload or close reason of the last result: a
    // view into the caller's bytes (unmasked in place), or into the reader
    // for a message that came in fragments. Valid until the next call or
    // until the caller's bytes change.
    std::string_view payload() const { return payload_; }
    std::uint16_t close_code() const { return close_code_; }
    std::uint16_t error_code() const { return error_code_; }
    // A string literal: it outlives the reader.
    const char* error_reason() const { return error_reason_; }

    // Frees what the last messages left allocated, between messages (an
    // idle subscriber keeps no message buffers).
    void release_memory();
    // Bytes release_memory() would give back.
    std::size_t buffered_bytes() const { return fragments_.capacity() > 15 ? fragments_.capacity() : 0; }

    // Bytes a single frame (header included) may need in the read buffer.
    std::size_t max_frame_bytes() const { return max_message_ + 14; }

private:
    client_frame_result fail(std::uint16_t code, const char* reason, std::size_t consumed);
    client_frame_result finish_message(ws_opcode op, std::size_t consumed);

    std::size_t max_message_;
    std::string_view payload_;
    std::string fragments_;  // a fragmented data message in progress, or the last one
    ws_opcode fragment_op_ = ws_opcode::continuation;
    bool in_fragment_ = false;
    std::uint16_t close_code_ = 1005;
    std::uint16_t error_code_ = 0;
    const char* error_reason_ = "";
};

}  // namespace splitstream::publish
