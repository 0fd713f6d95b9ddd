#include "replay/journal_format.hpp"

#include <array>
#include <bit>
#include <cstring>

namespace splitstream::replay {

namespace {

constexpr std::size_t header_fixed_bytes = 8 + 2 + 2 + 8 + 2;  // up to the epoch
constexpr std::size_t frame_fixed_bytes = 8 + 8 + 4 + 1;       // times, line, reason length
constexpr std::uint16_t max_epoch_bytes = 1024;

template <class T>
void put(std::string& out, T v) {
    // The format is little-endian; so are the machines we build for.
    static_assert(std::endian::native == std::endian::little);
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    out.append(b, sizeof(T));
}

void put_string(std::string& out, std::string_view s) {
    put<std::uint32_t>(out, static_cast<std::uint32_t>(s.size()));
    out.append(s);
}

// A bounds-checked cursor over a payload: every read fails cleanly on short
// input, so a damaged record with a valid CRC still cannot read past its end.
class cursor {
public:
    explicit cursor(std::string_view data) : data_(data) {}

    template <class T>
    bool get(T& v) {
        if (data_.size() - pos_ < sizeof(T)) return false;
        std::memcpy(&v, data_.data() + pos_, sizeof(T));
        pos_ += sizeof(T);
        return true;
    }
    bool get_bytes(std::size_t n, std::string_view& out) {
        if (data_.size() - pos_ < n) return false;
        out = data_.substr(pos_, n);
        pos_ += n;
        return true;
    }
    bool get_string(std::string_view& out) {
        std::uint32_t n = 0;
        return get(n) && get_bytes(n, out);
    }
    std::string_view rest() const { return data_.substr(pos_); }
    bool at_end() const { return pos_ == data_.size(); }

private:
    std::string_view data_;
    std::size_t pos_ = 0;
};

constexpr std::array<std::uint32_t, 256> make_crc_table() {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        t[i] = c;
    }
    return t;
}
constexpr auto crc_table = make_crc_table();

std::uint32_t crc32c_soft(std::uint32_t crc, const unsigned char* p, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) crc = crc_table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
    return crc;
}

#if defined(__x86_64__)
// Recovery checks every byte of the journal, so the CRC is on its critical
// path: the SSE4.2 instruction is about 20x faster than the table.
__attribute__((target("sse4.2"))) std::uint32_t crc32c_hw(std::uint32_t crc, const unsigned char* p,
                                                          std::size_t n) {
    std::uint64_t c = crc;
    while (n >= 8) {
        std::uint64_t v;
        std::memcpy(&v, p, 8);
        c = __builtin_ia32_crc32di(c, v);
        p += 8;
        n -= 8;
    }
    auto c32 = static_cast<std::uint32_t>(c);
    while (n-- > 0) c32 = __builtin_ia32_crc32qi(c32, *p++);
    return c32;
}
const bool have_sse42 = __builtin_cpu_supports("sse4.2");
#endif

std::optional<feed::reject_reason> parse_reason(std::string_view name) {
    for (int i = 0; i < feed::reject_reason_count; ++i) {
        auto r = static_cast<feed::reject_reason>(i);
        if (name == feed::to_string(r)) return r;
    }
    return std::nullopt;
}

void begin_record(std::string& out, record_kind kind, std::size_t& start) {
    start = out.size();
    out.append(record_header_bytes, '\0');
    out[start + 4] = static_cast<char>(kind);
}

void finish_record(std::string& out, std::size_t start) {
    auto payload_len = static_cast<std::uint32_t>(out.size() - start - record_header_bytes);
    std::memcpy(out.data() + start, &payload_len, 4);
    auto* base = reinterpret_cast<const unsigned char*>(out.data() + start);
    std::uint32_t crc = crc32c(0, base, 8);
    crc = crc32c(crc, base + record_header_bytes, payload_len);
    std::memcpy(out.data() + start + 8, &crc, 4);
}

class journal_category_impl : public std::error_category {
public:
    const char* name() const noexcept override { return "journal"; }
    std::string message(int ev) const override {
        switch (static_cast<journal_errc>(ev)) {
            case journal_errc::bad_magic:
                return "not a splitstream journal (bad magic)";
            case journal_errc::bad_version:
                return "unsupported journal version";
            case journal_errc::bad_header:
                return "damaged journal header";
            case journal_errc::corrupt_record:
                return "corrupt record before the end of the journal";
            case journal_errc::epoch_mismatch:
                return "journal belongs to another stream epoch";
            case journal_errc::record_too_large:
                return "record too large";
        }
        return "unknown journal error";
    }
};

}  // namespace

const char* to_string(record_kind k) {
    switch (k) {
        case record_kind::frame_applied:
            return "applied";
        case record_kind::frame_rejected:
            return "rejected";
        case record_kind::frame_duplicate:
            return "duplicate";
        case record_kind::notice:
            return "notice";
        case record_kind::frame_received:
            return "received";
        case record_kind::adapter_input:
            return "input";
    }
    return "unknown";
}

bool is_frame(record_kind k) {
    return k != record_kind::notice && k != record_kind::adapter_input;
}

const std::error_category& journal_category() {
    static const journal_category_impl category;
    return category;
}

std::error_code make_error_code(journal_errc e) {
    return {static_cast<int>(e), journal_category()};
}

std::uint32_t crc32c(std::uint32_t crc, const void* data, std::size_t size) {
    auto* p = static_cast<const unsigned char*>(data);
    crc = ~crc;
#if defined(__x86_64__)
    crc = have_sse42 ? crc32c_hw(crc, p, size) : crc32c_soft(crc, p, size);
#else
    crc = crc32c_soft(crc, p, size);
#endif
    return ~crc;
}

std::string encode_header(const journal_header& h) {
    std::string out;
    out.append(journal_magic);
    put<std::uint16_t>(out, h.version);
    auto epoch = std::string_view(h.epoch).substr(0, max_epoch_bytes);
    put<std::uint16_t>(out, static_cast<std::uint16_t>(header_fixed_bytes + epoch.size() + 4));
    put<std::int64_t>(out, h.created_wall_ns);
    put<std::uint16_t>(out, static_cast<std::uint16_t>(epoch.size()));
    out.append(epoch);
    put<std::uint32_t>(out, crc32c(0, out.data(), out.size()));
    return out;
}

std::error_code decode_header(std::string_view bytes, journal_header& out, std::size_t& size) {
    if (bytes.size() < journal_magic.size() || bytes.substr(0, journal_magic.size()) != journal_magic)
        return journal_errc::bad_magic;
    cursor c(bytes.substr(journal_magic.size()));
    std::uint16_t version = 0, header_len = 0, epoch_len = 0;
    std::int64_t created = 0;
    std::string_view epoch;
    if (!c.get(version)) return journal_errc::bad_header;
    if (version != journal_version) return journal_errc::bad_version;
    if (!c.get(header_len) || !c.get(created) || !c.get(epoch_len) || !c.get_bytes(epoch_len, epoch))
        return journal_errc::bad_header;
    std::uint32_t crc = 0;
    std::size_t covered = header_fixed_bytes + epoch_len;
    if (header_len != covered + 4 || !c.get(crc) || crc != crc32c(0, bytes.data(), covered))
        return journal_errc::bad_header;
    out.version = version;
    out.created_wall_ns = created;
    out.epoch = std::string(epoch);
    size = header_len;
    return {};
}

void encode_frame_record(std::string& out, record_kind kind, const frame_fields& f) {
    std::size_t start = 0;
    begin_record(out, kind, start);
    put<std::int64_t>(out, f.wall_ns);
    put<std::int64_t>(out, f.mono_ns);
    put<std::int32_t>(out, f.line);
    // The reason is stored by name so the format survives a reordered enum.
    std::string_view reason = f.reason ? feed::to_string(*f.reason) : "";
    put<std::uint8_t>(out, static_cast<std::uint8_t>(reason.size()));
    out.append(reason);
    put_string(out, f.detail);
    out.append(f.bytes);
    finish_record(out, start);
}

void encode_notice_record(std::string& out, const feed::feed_notice& n) {
    std::size_t start = 0;
    begin_record(out, record_kind::notice, start);
    put_string(out, n.state);
    put_string(out, n.ts);
    put<std::uint64_t>(out, n.src_seq);
    put_string(out, n.text);
    put<std::uint32_t>(out, static_cast<std::uint32_t>(n.details.size()));
    for (const auto& [key, value] : n.details) {
        put_string(out, key);
        if (const auto* s = std::get_if<std::string>(&value)) {
            put<std::uint8_t>(out, 0);
            put_string(out, *s);
        } else {
            put<std::uint8_t>(out, 1);
            put<std::int64_t>(out, std::get<std::int64_t>(value));
        }
    }
    finish_record(out, start);
}

void encode_input_record(std::string& out, const input_fields& f) {
    std::size_t start = 0;
    begin_record(out, record_kind::adapter_input, start);
    put<std::int64_t>(out, f.wall_ns);
    auto source = f.source.substr(0, max_input_source_bytes);
    put<std::uint8_t>(out, static_cast<std::uint8_t>(source.size()));
    out.append(source);
    put_string(out, f.name);
    out.append(f.bytes);
    finish_record(out, start);
}

bool decode_frame(std::string_view payload, frame_fields& out) {
    if (payload.size() < frame_fixed_bytes) return false;
    cursor c(payload);
    std::uint8_t reason_len = 0;
    std::string_view reason;
    if (!c.get(out.wall_ns) || !c.get(out.mono_ns) || !c.get(out.line) || !c.get(reason_len) ||
        !c.get_bytes(reason_len, reason) || !c.get_string(out.detail))
        return false;
    out.reason.reset();
    if (!reason.empty()) {
        out.reason = parse_reason(reason);
        if (!out.reason) return false;
    }
    out.bytes = c.rest();
    return true;
}

bool decode_notice(std::string_view payload, feed::feed_notice& out) {
    cursor c(payload);
    std::string_view state, ts, text;
    std::uint32_t count = 0;
    if (!c.get_string(state) || !c.get_string(ts) || !c.get(out.src_seq) || !c.get_string(text) ||
        !c.get(count))
        return false;
    out.state = std::string(state);
    out.ts = std::string(ts);
    out.text = std::string(text);
    out.details.clear();
    for (std::uint32_t i = 0; i < count; ++i) {
        std::string_view key, s;
        std::uint8_t tag = 0;
        if (!c.get_string(key) || !c.get(tag)) return false;
        if (tag == 0) {
            if (!c.get_string(s)) return false;
            out.details.emplace_back(std::string(key), std::string(s));
        } else if (tag == 1) {
            std::int64_t v = 0;
            if (!c.get(v)) return false;
            out.details.emplace_back(std::string(key), v);
        } else {
            return false;
        }
    }
    return c.at_end();
}

bool decode_input(std::string_view payload, input_fields& out) {
    cursor c(payload);
    std::uint8_t source_len = 0;
    if (!c.get(out.wall_ns) || !c.get(source_len) || source_len == 0 || source_len > max_input_source_bytes ||
        !c.get_bytes(source_len, out.source) || !c.get_string(out.name))
        return false;
    out.bytes = c.rest();
    return true;
}

record_status check_record(std::string_view bytes, record_kind& kind, std::string_view& payload,
                           std::size_t& size) {
    if (bytes.size() < record_header_bytes) return record_status::torn;
    std::uint32_t len = 0, crc = 0;
    std::memcpy(&len, bytes.data(), 4);
    std::memcpy(&crc, bytes.data() + 8, 4);
    if (len > max_record_payload) return record_status::corrupt;
    if (bytes.size() - record_header_bytes < len) return record_status::torn;
    std::uint32_t actual = crc32c(0, bytes.data(), 8);
    actual = crc32c(actual, bytes.data() + record_header_bytes, len);
    if (actual != crc) return record_status::corrupt;
    auto k = static_cast<std::uint8_t>(bytes[4]);
    if (k < 1 || k > last_record_kind || bytes[5] != 0 || bytes[6] != 0 || bytes[7] != 0)
        return record_status::corrupt;
    kind = static_cast<record_kind>(k);
    payload = bytes.substr(record_header_bytes, len);
    size = record_header_bytes + len;
    return record_status::ok;
}

}  // namespace splitstream::replay
