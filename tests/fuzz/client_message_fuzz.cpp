// What a subscriber sends: raw bytes through the WebSocket frame_reader,
// then every complete text message through parse_client_op, as
// subscriber_session does. No crash; every error carries a close code or
// an error code, and an accepted subscribe respects the entry limit.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <variant>

#include "publish/client_op.hpp"
#include "publish/frame_reader.hpp"

using namespace splitstream::publish;

namespace {
constexpr std::size_t max_message = 4096;
constexpr std::size_t max_entries = 16;

void check_op(simdjson::dom::parser& parser, std::string_view text) {
    auto op = parse_client_op(parser, text, max_entries);
    if (auto* err = std::get_if<client_op_error>(&op)) {
        if (err->code.empty() || err->message.empty()) std::abort();
        return;
    }
    const auto& ok = std::get<client_op>(op);
    if (ok.events.size() > max_entries || ok.types.size() > max_entries) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static simdjson::dom::parser parser;
    // The first byte picks the mode: the rest is either one op message or a
    // stream of client frames.
    if (size == 0) return 0;
    std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
    if (data[0] & 1) {
        check_op(parser, bytes);
        return 0;
    }
    frame_reader reader(max_message);
    std::size_t pos = 0;
    for (int frames = 0; frames < 10'000 && pos < bytes.size(); ++frames) {
        const auto r = reader.next(bytes.data() + pos, bytes.size() - pos);
        if (r.consumed == 0) break;
        if (r.consumed > bytes.size() - pos) std::abort();
        pos += r.consumed;
        if (r.kind == client_frame_kind::error) {
            if (reader.error_code() < 1000 || reader.error_reason()[0] == '\0') std::abort();
            break;
        }
        if (r.kind == client_frame_kind::text) {
            if (reader.payload().size() > max_message) std::abort();
            if (!simdjson::validate_utf8(reader.payload().data(), reader.payload().size())) std::abort();
            check_op(parser, reader.payload());
        }
    }
    return 0;
}
