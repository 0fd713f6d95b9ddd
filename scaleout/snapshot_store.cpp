#include "scaleout/snapshot_store.hpp"

#include <chrono>

#include "feed/engine_state.hpp"
#include "scaleout/nats_handles.hpp"

namespace splitstream::scaleout {

namespace {

constexpr const char* pointer_key = "snapshot";

std::string chunk_subject(const nats_options& o, std::uint64_t stream_seq, std::uint64_t i) {
    return o.snapshot_subject + "." + std::to_string(stream_seq) + "." + std::to_string(i);
}

std::string failed(const std::string& what, natsStatus st, jsErrCode code = static_cast<jsErrCode>(0)) {
    std::string out = what + ": " + natsStatus_GetText(st);
    if (code != 0) out += " (JetStream error " + std::to_string(static_cast<int>(code)) + ")";
    return out;
}

}  // namespace

std::optional<std::string> add_snapshot_stream(jsCtx* js, const nats_options& o) {
    jsStreamConfig cfg;
    jsStreamConfig_Init(&cfg);
    const auto subject = o.snapshot_subject + ".>";
    const char* subjects[] = {subject.c_str()};
    cfg.Name = o.snapshot_stream.c_str();
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    cfg.Storage = js_FileStorage;
    cfg.Replicas = o.replicas;
    jsStreamInfo* raw = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    const auto st = js_AddStream(&raw, js, &cfg, nullptr, &code);
    stream_info_ptr info(raw);
    if (st == NATS_OK || code == JSStreamNameExistErr) return std::nullopt;
    return failed("set up stream " + o.snapshot_stream, st, code);
}

std::optional<snapshot_pointer> read_pointer(kvStore* kv, std::string& error) {
    kvEntry* raw = nullptr;
    const auto st = kvStore_Get(&raw, kv, pointer_key);
    kv_entry_ptr entry(raw);
    if (st == NATS_NOT_FOUND) return std::nullopt;
    if (st != NATS_OK) {
        error = failed("read the snapshot pointer", st);
        return std::nullopt;
    }
    const std::string_view text(static_cast<const char*>(kvEntry_Value(raw)),
                                static_cast<std::size_t>(kvEntry_ValueLen(raw)));
    auto p = parse_pointer(text);
    if (!p) error = "the snapshot pointer is not readable: \"" + std::string(text) + "\"";
    return p;
}

std::optional<std::string> read_snapshot(jsCtx* js, const nats_options& o, const snapshot_pointer& p,
                                         std::string& error) {
    if (p.bytes > p.chunks * chunk_bytes) {
        error = "the snapshot pointer names more bytes than its chunks hold";
        return std::nullopt;
    }
    std::string state;
    state.reserve(static_cast<std::size_t>(p.bytes));
    for (std::uint64_t i = 0; i < p.chunks; ++i) {
        natsMsg* raw = nullptr;
        jsErrCode code = static_cast<jsErrCode>(0);
        const auto subject = chunk_subject(o, p.stream_seq, i);
        const auto st = js_GetLastMsg(&raw, js, o.snapshot_stream.c_str(), subject.c_str(), nullptr, &code);
        message_ptr msg(raw);
        if (st != NATS_OK) {
            error = failed("read snapshot chunk " + subject, st, code);
            return std::nullopt;
        }
        state.append(natsMsg_GetData(raw), static_cast<std::size_t>(natsMsg_GetDataLength(raw)));
    }
    if (state.size() != p.bytes || feed::engine_state::checksum(state) != p.checksum) {
        error = "the snapshot's chunks do not match its pointer (length or checksum)";
        return std::nullopt;
    }
    return state;
}

std::optional<std::string> write_snapshot(jsCtx* js, kvStore* kv, const nats_options& o,
                                          const std::string& stream_epoch, std::uint64_t stream_seq,
                                          const std::string& state,
                                          const std::optional<snapshot_pointer>& previous) {
    snapshot_pointer p{stream_epoch, stream_seq, 0, state.size(), feed::engine_state::checksum(state)};
    p.chunks = (state.size() + chunk_bytes - 1) / chunk_bytes;
    for (std::uint64_t i = 0; i < p.chunks; ++i) {
        const auto at = static_cast<std::size_t>(i * chunk_bytes);
        const auto n = std::min(chunk_bytes, state.size() - at);
        const auto subject = chunk_subject(o, stream_seq, i);
        jsPubAck* raw = nullptr;
        jsErrCode code = static_cast<jsErrCode>(0);
        const auto st =
            js_Publish(&raw, js, subject.c_str(), state.data() + at, static_cast<int>(n), nullptr, &code);
        jsPubAck_Destroy(raw);
        if (st != NATS_OK) return failed("store snapshot chunk " + subject, st, code);
    }
    std::uint64_t revision = 0;
    if (const auto st = kvStore_PutString(&revision, kv, pointer_key, format_pointer(p).c_str());
        st != NATS_OK)
        return failed("point at the new snapshot", st);
    if (previous && previous->stream_seq != stream_seq) {
        jsOptions jo;
        jsOptions_Init(&jo);
        const auto old = o.snapshot_subject + "." + std::to_string(previous->stream_seq) + ".>";
        jo.Stream.Purge.Subject = old.c_str();
        js_PurgeStream(js, o.snapshot_stream.c_str(), &jo, nullptr);  // what stays is only space
    }
    return std::nullopt;
}

}  // namespace splitstream::scaleout
