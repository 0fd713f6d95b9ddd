#include "publish/frame_reader.hpp"

#include <simdjson.h>

namespace splitstream::publish {

namespace {

// RFC 6455 §7.4: the codes a close frame may carry on the wire. 1005, 1006
// and 1015 are reserved for reporting locally; 1004 and 1016-2999 are
// unassigned or reserved for the protocol; 3000-4999 belong to applications.
bool is_valid_close_code(std::uint16_t code) {
    if (code >= 3000 && code <= 4999) return true;
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014);
}

}  // namespace

frame_reader::frame_reader(std::size_t max_message) : max_message_(max_message) {}

client_frame_result frame_reader::fail(std::uint16_t code, const char* reason, std::size_t consumed) {
    error_code_ = code;
    error_reason_ = reason;
    return {client_frame_kind::error, consumed};
}

client_frame_result frame_reader::finish_message(ws_opcode op, std::size_t consumed) {
    if (op != ws_opcode::text) return {client_frame_kind::binary, consumed};
    // RFC 6455 §8.1: a text message that is not UTF-8 fails the connection.
    if (!simdjson::validate_utf8(payload_.data(), payload_.size()))
        return fail(close_invalid_payload, "text message is not valid UTF-8", consumed);
    return {client_frame_kind::text, consumed};
}

void frame_reader::release_memory() {
    if (in_fragment_) return;
    payload_ = {};
    std::string().swap(fragments_);
}

client_frame_result frame_reader::next(char* data, std::size_t size) {
    const auto* p = reinterpret_cast<unsigned char*>(data);
    if (size < 2) return {};
    const bool fin = (p[0] & 0x80) != 0;
    if ((p[0] & 0x70) != 0) return fail(close_protocol_error, "reserved bits set", size);
    const auto op = static_cast<ws_opcode>(p[0] & 0x0F);
    const bool masked = (p[1] & 0x80) != 0;
    // RFC 6455 §5.1: a server must close on an unmasked client frame.
    if (!masked) return fail(close_protocol_error, "client frames must be masked", size);
    std::uint64_t len = p[1] & 0x7F;
    std::size_t header = 2;
    if (len == 126) {
        if (size < 4) return {};
        len = (std::uint64_t{p[2]} << 8) | p[3];
        header = 4;
    } else if (len == 127) {
        if (size < 10) return {};
        len = 0;
        for (int i = 0; i < 8; ++i) len = (len << 8) | p[2 + i];
        header = 10;
    }
    const bool control = (static_cast<std::uint8_t>(op) & 0x8) != 0;
    if (control && (!fin || len > 125)) return fail(close_protocol_error, "bad control frame", size);
    // Check the size before waiting for the bytes, so an oversized frame is
    // refused at its header rather than buffered.
    if (len > max_message_ || (!control && in_fragment_ && fragments_.size() + len > max_message_))
        return fail(close_too_big, "message too big", size);
    if (size < header + 4 + len) return {};
    const unsigned char* mask = p + header;
    char* body = data + header + 4;
    for (std::uint64_t i = 0; i < len; ++i) body[i] = static_cast<char>(body[i] ^ mask[i & 3]);
    const std::size_t consumed = header + 4 + static_cast<std::size_t>(len);
    const std::string_view bytes(body, static_cast<std::size_t>(len));

    switch (op) {
        case ws_opcode::ping:
            payload_ = bytes;
            return {client_frame_kind::ping, consumed};
        case ws_opcode::pong:
            payload_ = bytes;
            return {client_frame_kind::pong, consumed};
        case ws_opcode::close:
            if (bytes.empty()) {
                close_code_ = 1005;
                payload_ = {};
                return {client_frame_kind::close, consumed};
            }
            if (bytes.size() == 1) return fail(close_protocol_error, "bad close frame", consumed);
            close_code_ = static_cast<std::uint16_t>((static_cast<unsigned char>(bytes[0]) << 8) |
                                                     static_cast<unsigned char>(bytes[1]));
            if (!is_valid_close_code(close_code_))
                return fail(close_protocol_error, "close code not allowed on the wire", consumed);
            payload_ = bytes.substr(2);
            if (!simdjson::validate_utf8(payload_.data(), payload_.size()))
                return fail(close_invalid_payload, "close reason is not valid UTF-8", consumed);
            return {client_frame_kind::close, consumed};
        case ws_opcode::text:
        case ws_opcode::binary:
            if (in_fragment_)
                return fail(close_protocol_error, "new message inside a fragmented one", consumed);
            if (fin) {
                payload_ = bytes;
                return finish_message(op, consumed);
            }
            in_fragment_ = true;
            fragment_op_ = op;
            fragments_.assign(bytes);
            return {client_frame_kind::none, consumed};
        case ws_opcode::continuation:
            if (!in_fragment_) return fail(close_protocol_error, "continuation without a message", consumed);
            fragments_.append(bytes);
            if (!fin) return {client_frame_kind::none, consumed};
            in_fragment_ = false;
            payload_ = fragments_;
            return finish_message(fragment_op_, consumed);
    }
    return fail(close_protocol_error, "unknown opcode", consumed);
}

}  // namespace splitstream::publish
