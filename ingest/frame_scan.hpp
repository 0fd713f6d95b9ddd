#pragma once
// Internal to the frame parser: the JSON scanning primitives over
// simdjson On-Demand. A value as read (`scalar`), reading one (`decode`),
// reading one through to its end (`validate`) and a field's key
// (`key_of`). They run for every field of every frame and are used from
// more than one file, so they are inline here rather than calls into
// another file.

#include <simdjson.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <utility>

namespace splitstream::ingest::frame_parsing {

namespace ondemand = simdjson::ondemand;

// One JSON value as read from the frame. Strings point into the simdjson
// parser's string buffer, valid until the next iterate() or rewind().
enum class json_kind : std::uint8_t {
    absent,
    string,
    integer,
    big_integer,
    floating,
    boolean,
    null,
    array,
    object
};

struct scalar {
    json_kind kind = json_kind::absent;
    std::string_view text;
    std::int64_t i = 0;
    std::uint64_t u = 0;
};

// "string", "integer", ...: the kind as a refusal names it.
const char* kind_name(json_kind k);

inline simdjson::error_code validate(ondemand::value v, int depth);

// A string token without escapes is its own value. Stage 1 has already
// checked the frame's UTF-8 and refused unescaped control characters, so
// such a string needs no copy into simdjson's string buffer (a frame's
// longest strings, such as padding, are read this way). The raw token runs
// to the next structural character, so the closing quote is its last byte
// once trailing whitespace is dropped: one scan, for a backslash, remains.
inline bool plain_string(std::string_view token, std::string_view& out) {
    while (!token.empty() &&
           (token.back() == ' ' || token.back() == '\n' || token.back() == '\r' || token.back() == '\t'))
        token.remove_suffix(1);
    if (token.size() < 2 || token.front() != '"' || token.back() != '"') return false;
    const std::string_view body = token.substr(1, token.size() - 2);
    if (std::memchr(body.data(), '\\', body.size())) return false;
    out = body;
    return true;
}

// Reads a value's kind and, for scalars, its content; arrays and objects are
// read through to check them. An error here means the bytes are not valid
// JSON.
inline simdjson::error_code decode(ondemand::value v, scalar& out, int depth = 0) {
    ondemand::json_type t;
    if (auto e = v.type().get(t)) return e;
    switch (t) {
        case ondemand::json_type::string:
            out.kind = json_kind::string;
            if (plain_string(v.raw_json_token(), out.text)) return simdjson::SUCCESS;
            return v.get_string().get(out.text);
        case ondemand::json_type::number: {
            if (v.get_int64().get(out.i) == simdjson::SUCCESS) {
                out.kind = json_kind::integer;
                return simdjson::SUCCESS;
            }
            ondemand::number_type nt;
            if (auto e = v.get_number_type().get(nt)) return e;
            switch (nt) {
                case ondemand::number_type::signed_integer:
                    // get_int64 refused a token that looks like an integer:
                    // it does not fit in 64 bits.
                    out.kind = json_kind::big_integer;
                    return simdjson::SUCCESS;
                case ondemand::number_type::unsigned_integer:
                    // Above INT64_MAX: only seq can hold it; u stays 0 when
                    // it does not fit in 64 bits either.
                    out.kind = json_kind::big_integer;
                    if (v.get_uint64().get(out.u) != simdjson::SUCCESS) out.u = 0;
                    return simdjson::SUCCESS;
                case ondemand::number_type::floating_point_number: {
                    double d = 0;
                    if (auto e = v.get_double().get(d)) return e;
                    out.kind = json_kind::floating;
                    return simdjson::SUCCESS;
                }
            }
            return simdjson::NUMBER_ERROR;
        }
        case ondemand::json_type::boolean: {
            bool b = false;
            out.kind = json_kind::boolean;
            if (v.get_bool().get(b) == simdjson::SUCCESS) {
                out.i = b ? 1 : 0;
                return simdjson::SUCCESS;
            }
            // get_bool says only "wrong type" for a broken atom such as `tru`.
            return v.raw_json_token().front() == 't' ? simdjson::T_ATOM_ERROR : simdjson::F_ATOM_ERROR;
        }
        case ondemand::json_type::null: {
            bool is_null = false;
            if (auto e = v.is_null().get(is_null)) return e;
            if (!is_null) return simdjson::N_ATOM_ERROR;
            out.kind = json_kind::null;
            return simdjson::SUCCESS;
        }
        case ondemand::json_type::array:
            out.kind = json_kind::array;
            return validate(v, depth);
        case ondemand::json_type::object:
            out.kind = json_kind::object;
            return validate(v, depth);
    }
    return simdjson::TAPE_ERROR;
}

// Reads a value through to its end. On-Demand does not look inside the
// values it skips, so ignored fields are read this way to keep a malformed
// frame from passing as valid.
inline simdjson::error_code validate(ondemand::value v, int depth) {
    // Deeper than any frame of the protocol; bounds the recursion.
    constexpr int max_depth = 64;
    if (depth > max_depth) return simdjson::DEPTH_ERROR;
    ondemand::json_type t;
    if (auto e = v.type().get(t)) return e;
    if (t == ondemand::json_type::array) {
        ondemand::array arr;
        if (auto e = v.get_array().get(arr)) return e;
        for (auto element : arr) {
            ondemand::value ev;
            if (auto e = element.get(ev)) return e;
            if (auto e = validate(ev, depth + 1)) return e;
        }
        return simdjson::SUCCESS;
    }
    if (t == ondemand::json_type::object) {
        ondemand::object obj;
        if (auto e = v.get_object().get(obj)) return e;
        for (auto field_result : obj) {
            if (auto e = field_result.error()) return e;
            // Not copied out, as in frame_parser.cpp's walk.
            ondemand::field&& f = std::move(field_result).value_unsafe();
            std::string_view key;
            if (auto e = f.unescaped_key().get(key)) return e;
            if (auto e = validate(f.value(), depth + 1)) return e;
        }
        return simdjson::SUCCESS;
    }
    scalar s;
    return decode(v, s, depth);
}

// A key with escapes: simdjson unescapes it. Out of line so that key_of,
// called for every field, stays small enough to inline.
[[gnu::noinline]] simdjson::error_code unescaped_key_of(ondemand::field& f, std::string_view& out);

// The key of a field without copying it. Stage 1 has validated the frame,
// so the key's closing quote is inside the buffer; only keys with escapes
// take simdjson's unescaping path.
inline simdjson::error_code key_of(ondemand::field& f, const char* buffer_end, std::string_view& out) {
    const char* start = f.key().raw();
    const char* p = start;
    // Eight bytes at a time while the (padded) buffer has them: most keys
    // end in the first word. The lowest marked byte is the first quote or
    // backslash (a borrow can only mark bytes above a true match).
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    constexpr std::uint64_t highs = 0x8080808080808080ULL;
    auto zero_bytes = [](std::uint64_t v) { return (v - ones) & ~v & highs; };
    static_assert(std::endian::native == std::endian::little, "the first byte is the lowest");
    for (;;) {
        if (buffer_end - p < 8) {
            while (p < buffer_end && *p != '"' && *p != '\\') ++p;
            break;
        }
        std::uint64_t w;
        std::memcpy(&w, p, sizeof w);
        if (const std::uint64_t hits = zero_bytes(w ^ (ones * '"')) | zero_bytes(w ^ (ones * '\\'))) {
            p += std::countr_zero(hits) / 8;
            break;
        }
        p += 8;
    }
    if (p < buffer_end && *p == '"') {
        out = std::string_view(start, static_cast<std::size_t>(p - start));
        return simdjson::SUCCESS;
    }
    return unescaped_key_of(f, out);
}

}  // namespace splitstream::ingest::frame_parsing
