#include "publish/frame.hpp"

namespace splitstream::publish {

std::size_t write_frame_header(char* out, ws_opcode op, std::size_t payload_size) {
    std::size_t n = 0;
    out[n++] = static_cast<char>(0x80 | static_cast<std::uint8_t>(op));
    if (payload_size < 126) {
        out[n++] = static_cast<char>(payload_size);
    } else if (payload_size <= 0xFFFF) {
        out[n++] = static_cast<char>(126);
        out[n++] = static_cast<char>((payload_size >> 8) & 0xFF);
        out[n++] = static_cast<char>(payload_size & 0xFF);
    } else {
        out[n++] = static_cast<char>(127);
        for (int shift = 56; shift >= 0; shift -= 8)
            out[n++] = static_cast<char>((static_cast<std::uint64_t>(payload_size) >> shift) & 0xFF);
    }
    return n;
}

void append_frame_header(std::string& out, ws_opcode op, std::size_t payload_size) {
    char header[max_frame_header];
    out.append(header, write_frame_header(header, op, payload_size));
}

frame_ptr make_text_frame(std::string_view payload, std::uint64_t seq, std::int64_t received_mono_ns) {
    auto f = std::make_shared<frame>();
    f->bytes.reserve(payload.size() + max_frame_header + 1);
    append_frame_header(f->bytes, ws_opcode::text, payload.size());
    f->header_size = static_cast<std::uint8_t>(f->bytes.size());
    f->batchable = true;
    f->bytes.append(payload);
    f->bytes += '\n';
    f->seq = seq;
    f->received_mono_ns = received_mono_ns;
    return f;
}

frame_ptr make_control_frame(ws_opcode op, std::string_view payload) {
    // RFC 6455 §5.5: control frame payloads are at most 125 bytes.
    if (payload.size() > 125) payload = payload.substr(0, 125);
    auto f = std::make_shared<frame>();
    append_frame_header(f->bytes, op, payload.size());
    f->header_size = static_cast<std::uint8_t>(f->bytes.size());
    f->bytes.append(payload);
    return f;
}

frame_ptr make_close_frame(std::uint16_t code, std::string_view reason) {
    if (reason.size() > 123) reason = reason.substr(0, 123);
    std::string payload;
    payload.push_back(static_cast<char>(code >> 8));
    payload.push_back(static_cast<char>(code & 0xFF));
    payload.append(reason);
    return make_control_frame(ws_opcode::close, payload);
}

}  // namespace splitstream::publish
