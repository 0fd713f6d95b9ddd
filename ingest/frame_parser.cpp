#include "ingest/frame_parser.hpp"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <bit>
#include <climits>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace splitstream::ingest {

namespace ondemand = simdjson::ondemand;
using feed::reject_reason;
using feed::rejection;

namespace {

// Every field name the protocol defines at the top level of a frame, across
// all message types. Values are collected by slot in one pass over the
// object and only interpreted once `type` is known, because `type` may come
// after the fields it governs.
enum class slot : std::uint8_t {
    v,
    seq,
    type,
    ts,
    event,
    trace,
    feed,
    epoch,
    name,
    distance_m,
    venue,
    round,
    heat,
    scheduled,
    status,
    gun_ts,
    bib,
    elapsed_ms,
    place,
    code,
    rule,
    reason,
    at_m,
    // Lists: startlist only, parsed in place rather than collected.
    timing_points_m,
    athletes,
    records,
    unknown,
};

constexpr std::size_t scalar_slot_count = static_cast<std::size_t>(slot::timing_points_m);

// A key or name against a literal: the constant length lets the compiler
// compare in a load or two instead of calling memcmp.
template <std::size_t N>
bool is(std::string_view s, const char (&literal)[N]) {
    return s.size() == N - 1 && std::memcmp(s.data(), literal, N - 1) == 0;
}

slot top_level_slot(std::string_view k) {
    switch (k.size()) {
        case 1:
            if (is(k, "v")) return slot::v;
            break;
        case 2:
            if (is(k, "ts")) return slot::ts;
            break;
        case 3:
            if (is(k, "seq")) return slot::seq;
            if (is(k, "bib")) return slot::bib;
            break;
        case 4:
            if (is(k, "type")) return slot::type;
            if (is(k, "feed")) return slot::feed;
            if (is(k, "name")) return slot::name;
            if (is(k, "heat")) return slot::heat;
            if (is(k, "code")) return slot::code;
            if (is(k, "rule")) return slot::rule;
            if (is(k, "at_m")) return slot::at_m;
            break;
        case 5:
            if (is(k, "event")) return slot::event;
            if (is(k, "trace")) return slot::trace;
            if (is(k, "epoch")) return slot::epoch;
            if (is(k, "venue")) return slot::venue;
            if (is(k, "round")) return slot::round;
            if (is(k, "place")) return slot::place;
            break;
        case 6:
            if (is(k, "status")) return slot::status;
            if (is(k, "gun_ts")) return slot::gun_ts;
            if (is(k, "reason")) return slot::reason;
            break;
        case 7:
            if (is(k, "records")) return slot::records;
            break;
        case 8:
            if (is(k, "athletes")) return slot::athletes;
            break;
        case 9:
            if (is(k, "scheduled")) return slot::scheduled;
            break;
        case 10:
            if (is(k, "distance_m")) return slot::distance_m;
            if (is(k, "elapsed_ms")) return slot::elapsed_ms;
            break;
        case 15:
            if (is(k, "timing_points_m")) return slot::timing_points_m;
            break;
        default:
            break;
    }
    return slot::unknown;
}

enum class athlete_slot : std::uint8_t { bib, name, country, lane, area, pb_ms, sb_ms, unknown };
constexpr std::size_t athlete_slot_count = static_cast<std::size_t>(athlete_slot::unknown);

athlete_slot athlete_field(std::string_view k) {
    if (is(k, "bib")) return athlete_slot::bib;
    if (is(k, "name")) return athlete_slot::name;
    if (is(k, "country")) return athlete_slot::country;
    if (is(k, "lane")) return athlete_slot::lane;
    if (is(k, "area")) return athlete_slot::area;
    if (is(k, "pb_ms")) return athlete_slot::pb_ms;
    if (is(k, "sb_ms")) return athlete_slot::sb_ms;
    return athlete_slot::unknown;
}

enum class record_slot : std::uint8_t { kind, mark_ms, holder, country, area, year, unknown };
constexpr std::size_t record_slot_count = static_cast<std::size_t>(record_slot::unknown);

record_slot record_field(std::string_view k) {
    if (is(k, "kind")) return record_slot::kind;
    if (is(k, "mark_ms")) return record_slot::mark_ms;
    if (is(k, "holder")) return record_slot::holder;
    if (is(k, "country")) return record_slot::country;
    if (is(k, "area")) return record_slot::area;
    if (is(k, "year")) return record_slot::year;
    return record_slot::unknown;
}

std::optional<feed::message_type> message_type_named(std::string_view s) {
    using feed::message_type;
    if (is(s, "split")) return message_type::split;
    if (is(s, "finish")) return message_type::finish;
    if (is(s, "heartbeat")) return message_type::heartbeat;
    if (is(s, "status")) return message_type::status;
    if (is(s, "irm")) return message_type::irm;
    if (is(s, "startlist")) return message_type::startlist;
    if (is(s, "hello")) return message_type::hello;
    return std::nullopt;
}

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

const char* kind_name(json_kind k) {
    switch (k) {
        case json_kind::absent:
            return "nothing";
        case json_kind::string:
            return "string";
        case json_kind::integer:
        case json_kind::big_integer:
            return "integer";
        case json_kind::floating:
            return "float";
        case json_kind::boolean:
            return "boolean";
        case json_kind::null:
            return "null";
        case json_kind::array:
            return "array";
        case json_kind::object:
            return "object";
    }
    return "?";
}

simdjson::error_code validate(ondemand::value v, int depth);

// A string token without escapes is its own value. Stage 1 has already
// checked the frame's UTF-8 and refused unescaped control characters, so
// such a string needs no copy into simdjson's string buffer (a frame's
// longest strings, such as padding, are read this way). The raw token runs
// to the next structural character, so the closing quote is its last byte
// once trailing whitespace is dropped: one scan, for a backslash, remains.
bool plain_string(std::string_view token, std::string_view& out) {
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
simdjson::error_code decode(ondemand::value v, scalar& out, int depth = 0) {
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
            if (v.get_bool().get(b) == simdjson::SUCCESS) return simdjson::SUCCESS;
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
simdjson::error_code validate(ondemand::value v, int depth) {
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
            ondemand::field f;
            if (auto e = std::move(field_result).get(f)) return e;
            std::string_view key;
            if (auto e = f.unescaped_key().get(key)) return e;
            if (auto e = validate(f.value(), depth + 1)) return e;
        }
        return simdjson::SUCCESS;
    }
    scalar s;
    return decode(v, s, depth);
}

// A key with escapes: simdjson unescapes it. Kept out of line so that
// key_of, called for every field, stays small enough to inline.
[[gnu::noinline]] simdjson::error_code unescaped_key_of(ondemand::field& f, std::string_view& out) {
    return f.unescaped_key().get(out);
}

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

// A value quoted for a one-line detail: escapes control characters and
// quotes, and cuts long values at a UTF-8 character boundary.
std::string quote_value(std::string_view s) {
    constexpr std::size_t max_shown = 48;
    bool cut = false;
    if (s.size() > max_shown) {
        std::size_t n = max_shown;
        while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
        s = s.substr(0, n);
        cut = true;
    }
    std::string out = "\"";
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20 || u == 0x7F) {
            static constexpr char hex[] = "0123456789abcdef";
            out += "\\u00";
            out += hex[u >> 4];
            out += hex[u & 0xF];
        } else {
            out += c;
        }
    }
    out += cut ? "...\"" : "\"";
    return out;
}

// Where a value sits, for the detail text: `elapsed_ms` or `athletes[2].bib`.
struct field_path {
    std::string_view key;
    std::string_view list = {};
    std::size_t index = 0;

    std::string str() const {
        if (list.empty()) return std::string(key);
        std::string s(list);
        s += '[';
        s += std::to_string(index);
        s += ']';
        if (!key.empty()) {
            s += '.';
            s += key;
        }
        return s;
    }
};

enum class presence { required, optional };

// Collects the first schema error; later reads are skipped once one is set,
// so the order of the reads is the order in which problems are reported.
class checker {
public:
    bool failed() const { return failure_.has_value(); }
    rejection take() { return std::move(*failure_); }

    void fail(reject_reason r, std::string detail) {
        if (!failure_) failure_ = rejection{r, std::move(detail)};
    }

    void fail(rejection r) {
        if (!failure_) failure_ = std::move(r);
    }

    void fail_field(reject_reason r, const field_path& at, std::string_view what) {
        if (failure_) return;
        std::string d = "field \"";
        d += at.str();
        d += "\": ";
        d += what;
        failure_ = rejection{r, std::move(d)};
    }

    // Absent (or null, for an optional field) is reported as not present.
    bool present(const scalar& s, const field_path& at, presence p) {
        if (failure_) return false;
        if (s.kind == json_kind::absent || (s.kind == json_kind::null && p == presence::optional)) {
            if (p == presence::required)
                fail(reject_reason::missing_field, "missing required field \"" + at.str() + "\"");
            return false;
        }
        return true;
    }

    void wrong_type(const scalar& s, const field_path& at, std::string_view expected) {
        std::string what = "expected ";
        what += expected;
        what += ", got ";
        what += kind_name(s.kind);
        fail_field(reject_reason::wrong_type, at, what);
    }

    bool read(const scalar& s, const field_path& at, presence p, std::string& out) {
        if (!present(s, at, p)) return false;
        if (s.kind != json_kind::string) {
            wrong_type(s, at, "string");
            return false;
        }
        out.assign(s.text);
        return true;
    }

    bool read(const scalar& s, const field_path& at, presence p, std::string_view& out) {
        if (!present(s, at, p)) return false;
        if (s.kind != json_kind::string) {
            wrong_type(s, at, "string");
            return false;
        }
        out = s.text;
        return true;
    }

    bool read_non_empty(const scalar& s, const field_path& at, presence p, std::string& out) {
        if (!read(s, at, p, out)) return false;
        if (out.empty()) {
            fail_field(reject_reason::bad_value, at, "must not be empty");
            return false;
        }
        return true;
    }

    bool read(const scalar& s, const field_path& at, presence p, std::int64_t& out) {
        if (!present(s, at, p)) return false;
        if (s.kind == json_kind::big_integer) {
            fail_field(reject_reason::bad_value, at, "integer out of range");
            return false;
        }
        if (s.kind != json_kind::integer) {
            wrong_type(s, at, "integer");
            return false;
        }
        out = s.i;
        return true;
    }

    bool read(const scalar& s, const field_path& at, presence p, std::optional<std::int64_t>& out) {
        std::int64_t v = 0;
        if (!read(s, at, p, v)) return false;
        out = v;
        return true;
    }

    bool read(const scalar& s, const field_path& at, presence p, std::optional<int>& out) {
        std::int64_t v = 0;
        if (!read(s, at, p, v)) return false;
        if (v < INT_MIN || v > INT_MAX) {
            fail_field(reject_reason::bad_value, at, "integer out of range: " + std::to_string(v));
            return false;
        }
        out = static_cast<int>(v);
        return true;
    }

    bool read(const scalar& s, const field_path& at, presence p, std::uint64_t& out) {
        if (!present(s, at, p)) return false;
        if (s.kind == json_kind::big_integer) {
            if (s.u == 0) {
                fail_field(reject_reason::bad_value, at, "integer out of range");
                return false;
            }
            out = s.u;
            return true;
        }
        if (s.kind != json_kind::integer) {
            wrong_type(s, at, "unsigned integer");
            return false;
        }
        if (s.i < 0) {
            fail_field(reject_reason::bad_value, at, "must not be negative, got " + std::to_string(s.i));
            return false;
        }
        out = static_cast<std::uint64_t>(s.i);
        return true;
    }

    // Checks a value already read; `rule` is the detail on failure.
    void require(bool ok, const field_path& at, std::string_view rule, std::int64_t got) {
        if (ok || failure_) return;
        std::string what(rule);
        what += ", got ";
        what += std::to_string(got);
        fail_field(reject_reason::bad_value, at, what);
    }

    void require_positive(std::int64_t v, const field_path& at) { require(v > 0, at, "must be positive", v); }

    void require_time(std::int64_t v, const field_path& at) { require(v >= 0, at, "negative time", v); }

    void unknown_value(const field_path& at, std::string_view got, std::string_view expected) {
        std::string what = "unknown value ";
        what += quote_value(got);
        what += " (expected ";
        what += expected;
        what += ')';
        fail_field(reject_reason::bad_value, at, what);
    }

    // A string that must be one of `names`; an unknown one is refused with
    // the list of those allowed ("track|road").
    template <class E, std::size_t N>
    bool read_named(const scalar& s, const field_path& at, presence p,
                    const std::array<std::pair<std::string_view, E>, N>& names, E& out) {
        std::string_view text;
        if (!read(s, at, p, text)) return false;
        for (const auto& [name, value] : names) {
            if (name == text) {
                out = value;
                return true;
            }
        }
        std::string expected;
        for (const auto& [name, value] : names) {
            if (!expected.empty()) expected += '|';
            expected += name;
        }
        unknown_value(at, text, expected);
        return false;
    }

private:
    std::optional<rejection> failure_;
};

bool two_digits(std::string_view s, std::size_t at, int& out) {
    if (at + 2 > s.size()) return false;
    char a = s[at];
    char b = s[at + 1];
    if (a < '0' || a > '9' || b < '0' || b > '9') return false;
    out = (a - '0') * 10 + (b - '0');
    return true;
}

int days_in_month(int year, int month) {
    static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

// ISO 8601 date-time with a zone: YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM).
bool is_timestamp(std::string_view s) {
    int c = 0, y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    if (s.size() < 20) return false;
    if (!two_digits(s, 0, c) || !two_digits(s, 2, y)) return false;
    int year = c * 100 + y;
    if (s[4] != '-' || !two_digits(s, 5, mo) || s[7] != '-' || !two_digits(s, 8, d)) return false;
    if (s[10] != 'T' || !two_digits(s, 11, h) || s[13] != ':' || !two_digits(s, 14, mi) || s[16] != ':' ||
        !two_digits(s, 17, sec))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(year, mo)) return false;
    if (h > 23 || mi > 59 || sec > 60) return false;
    std::size_t pos = 19;
    if (s[pos] == '.') {
        std::size_t first = ++pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
        if (pos == first || pos - first > 9) return false;
    }
    if (pos >= s.size()) return false;
    if (s[pos] == 'Z') return pos + 1 == s.size();
    if (s[pos] != '+' && s[pos] != '-') return false;
    int oh = 0, om = 0;
    return pos + 6 == s.size() && two_digits(s, pos + 1, oh) && s[pos + 3] == ':' &&
           two_digits(s, pos + 4, om) && oh <= 23 && om <= 59;
}

constexpr std::string_view timestamp_shape = "expected ISO 8601 UTC time like 2024-08-06T19:53:31.650Z";

// Reads an ISO 8601 time; a string of another shape is a bad_timestamp.
bool read_timestamp(checker& c, const scalar& s, const field_path& at, presence p, std::string& out) {
    if (!c.read(s, at, p, out)) return false;
    if (is_timestamp(out)) return true;
    std::string what(timestamp_shape);
    what += ", got ";
    what += quote_value(out);
    c.fail_field(reject_reason::bad_timestamp, at, what);
    return false;
}

// The three startlist lists, parsed while the object is walked.
struct startlist_lists {
    std::vector<std::int64_t> timing_points_m;
    std::vector<feed::athlete_entry> athletes;
    std::vector<feed::record_entry> records;
    bool has_athletes = false;
    checker check;  // first schema error inside the lists

    void clear() {
        timing_points_m.clear();
        athletes.clear();
        records.clear();
        has_athletes = false;
        check = checker{};
    }
};

// Opens a list; a value of another kind is a wrong_type, not a JSON error.
simdjson::error_code open_array(ondemand::value v, checker& c, std::string_view name,
                                std::string_view expected, std::optional<ondemand::array>& out) {
    ondemand::json_type t;
    if (auto e = v.type().get(t)) return e;
    if (t != ondemand::json_type::array) {
        scalar s;
        if (auto e = decode(v, s)) return e;
        c.wrong_type(s, field_path{name}, expected);
        return simdjson::SUCCESS;
    }
    ondemand::array arr;
    if (auto e = v.get_array().get(arr)) return e;
    out = arr;
    return simdjson::SUCCESS;
}

simdjson::error_code parse_timing_points(ondemand::value v, startlist_lists& lists) {
    constexpr std::string_view name = "timing_points_m";
    std::optional<ondemand::array> arr;
    if (auto e = open_array(v, lists.check, name, "array of integers", arr)) return e;
    if (!arr) return simdjson::SUCCESS;
    std::size_t index = 0;
    for (auto element : *arr) {
        ondemand::value ev;
        if (auto e = element.get(ev)) return e;
        scalar s;
        if (auto e = decode(ev, s)) return e;
        field_path at{{}, name, index++};
        std::int64_t m = 0;
        if (lists.check.read(s, at, presence::required, m)) {
            lists.check.require_positive(m, at);
            lists.timing_points_m.push_back(m);
        }
    }
    return simdjson::SUCCESS;
}

template <typename Slot, std::size_t N, typename Lookup>
simdjson::error_code collect_object(ondemand::value v, const char* buffer_end, Lookup lookup,
                                    std::array<scalar, N>& values) {
    ondemand::object obj;
    if (auto e = v.get_object().get(obj)) return e;
    for (auto field_result : obj) {
        ondemand::field f;
        if (auto e = std::move(field_result).get(f)) return e;
        std::string_view key;
        if (auto e = key_of(f, buffer_end, key)) return e;
        Slot which = lookup(key);
        if (which == Slot::unknown) {
            if (auto e = validate(f.value(), 1)) return e;
            continue;
        }
        scalar& s = values[static_cast<std::size_t>(which)];
        s = scalar{};
        if (auto e = decode(f.value(), s)) return e;
    }
    return simdjson::SUCCESS;
}

// Reads a list element that must be an object; its kind is reported when not.
simdjson::error_code element_kind(ondemand::value v, scalar& kind) {
    ondemand::json_type t;
    if (auto e = v.type().get(t)) return e;
    if (t == ondemand::json_type::object) {
        kind.kind = json_kind::object;
        return simdjson::SUCCESS;
    }
    return decode(v, kind);
}

// One object of a list (athletes, records): its known fields by slot, and
// the path of each for error messages.
template <typename Slot, std::size_t N>
struct element_fields {
    std::array<scalar, N> values{};
    std::string_view list;
    std::size_t index = 0;
    const scalar& operator[](Slot s) const { return values[static_cast<std::size_t>(s)]; }
    field_path at(std::string_view key) const { return field_path{key, list, index}; }
};

// Reads a list of objects: each element's known fields are collected by
// `lookup` and handed to `read`. An element of another kind is a wrong_type
// and the list goes on; `opened` tells whether the value was an array.
template <typename Slot, std::size_t N, typename Lookup, typename Read>
simdjson::error_code for_each_object(ondemand::value v, const char* buffer_end, checker& c,
                                     std::string_view name, Lookup lookup, Read read, bool& opened) {
    std::optional<ondemand::array> arr;
    if (auto e = open_array(v, c, name, "array of objects", arr)) return e;
    opened = arr.has_value();
    if (!arr) return simdjson::SUCCESS;
    std::size_t index = 0;
    for (auto element : *arr) {
        ondemand::value ev;
        if (auto e = element.get(ev)) return e;
        element_fields<Slot, N> f{{}, name, index++};
        scalar kind;
        if (auto e = element_kind(ev, kind)) return e;
        if (kind.kind != json_kind::object) {
            c.wrong_type(kind, field_path{{}, name, f.index}, "object");
            continue;
        }
        if (auto e = collect_object<Slot>(ev, buffer_end, lookup, f.values)) return e;
        if (!c.failed()) read(f);
    }
    return simdjson::SUCCESS;
}

simdjson::error_code parse_athletes(ondemand::value v, const char* buffer_end, startlist_lists& lists) {
    checker& c = lists.check;
    auto read = [&](const element_fields<athlete_slot, athlete_slot_count>& f) {
        feed::athlete_entry a;
        c.read_non_empty(f[athlete_slot::bib], f.at("bib"), presence::required, a.bib);
        c.read(f[athlete_slot::name], f.at("name"), presence::required, a.name);
        c.read(f[athlete_slot::country], f.at("country"), presence::required, a.country);
        if (c.read(f[athlete_slot::lane], f.at("lane"), presence::optional, a.lane))
            c.require(*a.lane >= 1, f.at("lane"), "must be at least 1", *a.lane);
        c.read(f[athlete_slot::area], f.at("area"), presence::optional, a.area);
        if (c.read(f[athlete_slot::pb_ms], f.at("pb_ms"), presence::optional, a.pb_ms))
            c.require_positive(*a.pb_ms, f.at("pb_ms"));
        if (c.read(f[athlete_slot::sb_ms], f.at("sb_ms"), presence::optional, a.sb_ms))
            c.require_positive(*a.sb_ms, f.at("sb_ms"));
        if (!c.failed()) lists.athletes.push_back(std::move(a));
    };
    return for_each_object<athlete_slot, athlete_slot_count>(v, buffer_end, c, "athletes", athlete_field,
                                                             read, lists.has_athletes);
}

// The names a field may take, in the order a refusal lists them.
template <class E>
using name_of = std::pair<std::string_view, E>;

constexpr auto record_kind_names = std::to_array<name_of<feed::record_kind>>({
    {"WR", feed::record_kind::wr},
    {"OR", feed::record_kind::or_},
    {"CR", feed::record_kind::cr},
    {"AR", feed::record_kind::ar},
    {"NR", feed::record_kind::nr},
    {"WL", feed::record_kind::wl},
    {"MR", feed::record_kind::mr},
});

constexpr auto venue_names = std::to_array<name_of<feed::venue>>({
    {"track", feed::venue::track},
    {"road", feed::venue::road},
});

constexpr auto status_names = std::to_array<name_of<feed::status_code>>({
    {"started", feed::status_code::started},
    {"recalled", feed::status_code::recalled},
    {"unofficial", feed::status_code::unofficial},
    {"official", feed::status_code::official},
    {"cancelled", feed::status_code::cancelled},
});

constexpr auto irm_names = std::to_array<name_of<feed::irm_code>>({
    {"DNS", feed::irm_code::dns},
    {"DNF", feed::irm_code::dnf},
    {"DQ", feed::irm_code::dq},
    {"OK", feed::irm_code::ok},
});

simdjson::error_code parse_records(ondemand::value v, const char* buffer_end, startlist_lists& lists) {
    checker& c = lists.check;
    auto read = [&](const element_fields<record_slot, record_slot_count>& f) {
        feed::record_entry r{};
        c.read_named(f[record_slot::kind], f.at("kind"), presence::required, record_kind_names, r.kind);
        if (c.read(f[record_slot::mark_ms], f.at("mark_ms"), presence::required, r.mark_ms))
            c.require_positive(r.mark_ms, f.at("mark_ms"));
        c.read(f[record_slot::holder], f.at("holder"), presence::optional, r.holder);
        c.read(f[record_slot::country], f.at("country"), presence::optional, r.country);
        c.read(f[record_slot::area], f.at("area"), presence::optional, r.area);
        c.read(f[record_slot::year], f.at("year"), presence::optional, r.year);
        if (!c.failed()) lists.records.push_back(std::move(r));
    };
    bool opened = false;
    return for_each_object<record_slot, record_slot_count>(v, buffer_end, c, "records", record_field, read,
                                                           opened);
}

// The first bib that appears twice, if any.
std::optional<std::string_view> duplicate_bib(const std::vector<feed::athlete_entry>& athletes) {
    std::vector<std::string_view> bibs;
    bibs.reserve(athletes.size());
    for (const auto& a : athletes) bibs.push_back(a.bib);
    std::sort(bibs.begin(), bibs.end());
    auto it = std::adjacent_find(bibs.begin(), bibs.end());
    if (it == bibs.end()) return std::nullopt;
    return *it;
}

const scalar absent_value{};

}  // namespace

struct frame_parser::impl {
    parser_options options;
    ondemand::parser json;
    std::unique_ptr<char[]> buffer;
    std::size_t capacity = 0;  // bytes in buffer, padding included

    // Scratch reused between frames: no allocation per frame.
    std::array<scalar, scalar_slot_count> values{};
    std::uint32_t seen = 0;  // bit per slot present in the current frame
    std::optional<feed::message_type> type;
    bool lists_pending = false;  // startlist lists met before `type`
    bool not_object = false;     // the frame is JSON but not an object
    startlist_lists lists;

    explicit impl(parser_options o) : options(o) {}

    const scalar& get(slot s) const {
        auto i = static_cast<std::size_t>(s);
        return (seen >> i) & 1U ? values[i] : absent_value;
    }

    void parse(std::string_view frame, parse_outcome& out);
    static feed::feed_message& fresh_message(parse_outcome& out);
    simdjson::error_code walk(ondemand::document& doc, bool type_fixed);
    void build(parse_outcome& out);
    void build_body(checker& c, feed::feed_message& msg);
};

simdjson::error_code frame_parser::impl::walk(ondemand::document& doc, bool type_fixed) {
    ondemand::object obj;
    if (auto e = doc.get_object().get(obj)) {
        not_object = e == simdjson::INCORRECT_TYPE;
        return e;
    }
    const char* buffer_end = buffer.get() + capacity;
    for (auto field_result : obj) {
        ondemand::field f;
        if (auto e = std::move(field_result).get(f)) return e;
        std::string_view key;
        if (auto e = key_of(f, buffer_end, key)) return e;
        const slot which = top_level_slot(key);
        switch (which) {
            case slot::unknown:
                if (auto e = validate(f.value(), 0)) return e;
                continue;
            case slot::timing_points_m:
            case slot::athletes:
            case slot::records: {
                if (!type || *type != feed::message_type::startlist) {
                    if (!type) lists_pending = true;
                    if (auto e = validate(f.value(), 0)) return e;
                    continue;
                }
                simdjson::error_code e = simdjson::SUCCESS;
                if (which == slot::timing_points_m) {
                    lists.timing_points_m.clear();
                    e = parse_timing_points(f.value(), lists);
                } else if (which == slot::athletes) {
                    lists.athletes.clear();
                    e = parse_athletes(f.value(), buffer_end, lists);
                } else {
                    lists.records.clear();
                    e = parse_records(f.value(), buffer_end, lists);
                }
                if (e) return e;
                continue;
            }
            default:
                break;
        }
        auto i = static_cast<std::size_t>(which);
        scalar& s = values[i];
        s = scalar{};
        if (auto e = decode(f.value(), s)) return e;
        seen |= 1U << i;
        if (which == slot::type && !type_fixed)
            type = s.kind == json_kind::string ? message_type_named(s.text) : std::nullopt;
    }
    return simdjson::SUCCESS;
}

void frame_parser::impl::parse(std::string_view frame, parse_outcome& out) {
    auto reject = [&](reject_reason r, std::string detail) {
        out.result.emplace<rejection>(rejection{r, std::move(detail)});
    };
    if (frame.size() > options.max_frame_bytes) {
        return reject(reject_reason::too_large, "frame of " + std::to_string(frame.size()) +
                                                    " bytes is over the limit of " +
                                                    std::to_string(options.max_frame_bytes));
    }
    const std::size_t needed = frame.size() + simdjson::SIMDJSON_PADDING;
    if (needed > capacity) {
        std::size_t grown = std::max<std::size_t>({needed, capacity * 2, 4096});
        buffer = std::make_unique_for_overwrite<char[]>(grown);
        capacity = grown;
    }
    std::memcpy(buffer.get(), frame.data(), frame.size());
    // simdjson reads the padding; zeros keep it from looking like JSON.
    std::memset(buffer.get() + frame.size(), 0, simdjson::SIMDJSON_PADDING);

    seen = 0;
    type.reset();
    lists_pending = false;
    not_object = false;
    lists.clear();

    ondemand::document doc;
    simdjson::error_code e = json.iterate(buffer.get(), frame.size(), capacity).get(doc);
    if (!e) e = walk(doc, false);
    if (!e && lists_pending && type == feed::message_type::startlist) {
        // The lists came before `type`; walk again now that it is known.
        // Rewinding reuses the string buffer, so every value is read anew.
        seen = 0;
        lists.clear();
        doc.rewind();
        e = walk(doc, true);
    }

    // seq is reported even for frames refused later on.
    const scalar& seq = get(slot::seq);
    if (seq.kind == json_kind::integer && seq.i >= 0) {
        out.seq = static_cast<std::uint64_t>(seq.i);
    } else if (seq.kind == json_kind::big_integer && seq.u != 0) {
        out.seq = seq.u;
    }

    if (not_object) {
        return reject(reject_reason::invalid_json, "invalid JSON: a frame must be one JSON object");
    }
    if (e)
        return reject(reject_reason::invalid_json,
                      std::string("invalid JSON: ") + simdjson::error_message(e));
    const char* trailing = nullptr;
    if (doc.current_location().get(trailing) == simdjson::SUCCESS) {
        return reject(reject_reason::invalid_json, "invalid JSON: content after the object");
    }
    build(out);
}

// The outcome's message made ready for a new frame: a message left by the
// previous frame keeps its strings' buffers, every field is reset.
feed::feed_message& frame_parser::impl::fresh_message(parse_outcome& out) {
    if (!out.ok()) return out.result.emplace<feed::feed_message>();
    auto& msg = out.message();
    msg.version = 1;
    msg.seq = 0;
    msg.ts.clear();
    msg.event.clear();
    msg.trace.clear();
    msg.body.emplace<feed::heartbeat_msg>();
    return msg;
}

void frame_parser::impl::build(parse_outcome& out) {
    checker c;
    auto& msg = fresh_message(out);

    std::optional<int> version;
    if (c.read(get(slot::v), field_path{"v"}, presence::optional, version)) {
        msg.version = *version;
        if (*version != 1) {
            c.fail(reject_reason::bad_version, "field \"v\": unsupported protocol version " +
                                                   std::to_string(*version) + " (supported: 1)");
        }
    }
    c.read(get(slot::seq), field_path{"seq"}, presence::required, msg.seq);
    std::string_view type_name;
    if (c.read(get(slot::type), field_path{"type"}, presence::required, type_name) && !type) {
        c.fail(reject_reason::unknown_type, "unknown type " + quote_value(type_name));
    }
    read_timestamp(c, get(slot::ts), field_path{"ts"}, presence::required, msg.ts);
    if (!c.failed() && *type != feed::message_type::hello && *type != feed::message_type::heartbeat) {
        c.read_non_empty(get(slot::event), field_path{"event"}, presence::required, msg.event);
    }
    c.read(get(slot::trace), field_path{"trace"}, presence::optional, msg.trace);
    if (!c.failed()) build_body(c, msg);

    if (c.failed()) out.result.emplace<rejection>(c.take());
}

void frame_parser::impl::build_body(checker& c, feed::feed_message& msg) {
    using feed::message_type;
    auto at = [](std::string_view key) { return field_path{key}; };
    switch (*type) {
        case message_type::hello: {
            auto& m = msg.body.emplace<feed::hello_msg>();
            c.read(get(slot::feed), at("feed"), presence::required, m.feed);
            c.read(get(slot::epoch), at("epoch"), presence::required, m.epoch);
            return;
        }
        case message_type::heartbeat:
            msg.body.emplace<feed::heartbeat_msg>();
            return;
        case message_type::startlist: {
            auto& m = msg.body.emplace<feed::startlist_msg>();
            c.read(get(slot::name), at("name"), presence::required, m.name);
            if (c.read(get(slot::distance_m), at("distance_m"), presence::required, m.distance_m))
                c.require_positive(m.distance_m, at("distance_m"));
            c.read_named(get(slot::venue), at("venue"), presence::optional, venue_names, m.course);
            c.read(get(slot::round), at("round"), presence::optional, m.round);
            if (c.read(get(slot::heat), at("heat"), presence::optional, m.heat))
                c.require(*m.heat >= 1, at("heat"), "must be at least 1", *m.heat);
            read_timestamp(c, get(slot::scheduled), at("scheduled"), presence::optional, m.scheduled);
            if (c.failed()) return;
            if (lists.check.failed()) {
                c.fail(lists.check.take());
                return;
            }
            for (std::size_t i = 0; i < lists.timing_points_m.size(); ++i) {
                c.require(lists.timing_points_m[i] <= m.distance_m, field_path{{}, "timing_points_m", i},
                          "beyond the race distance", lists.timing_points_m[i]);
            }
            if (!lists.has_athletes)
                c.fail(reject_reason::missing_field, "missing required field \"athletes\"");
            if (c.failed()) return;
            if (auto dup = duplicate_bib(lists.athletes)) {
                c.fail(reject_reason::duplicate_bib,
                       "field \"athletes\": duplicate bib " + quote_value(*dup));
                return;
            }
            m.timing_points_m = std::move(lists.timing_points_m);
            m.athletes = std::move(lists.athletes);
            m.records = std::move(lists.records);
            return;
        }
        case message_type::status: {
            auto& m = msg.body.emplace<feed::status_msg>();
            c.read_named(get(slot::status), at("status"), presence::required, status_names, m.status);
            read_timestamp(c, get(slot::gun_ts), at("gun_ts"), presence::optional, m.gun_ts);
            return;
        }
        case message_type::split: {
            auto& m = msg.body.emplace<feed::split_msg>();
            c.read_non_empty(get(slot::bib), at("bib"), presence::required, m.bib);
            if (c.read(get(slot::distance_m), at("distance_m"), presence::required, m.distance_m))
                c.require_positive(m.distance_m, at("distance_m"));
            if (c.read(get(slot::elapsed_ms), at("elapsed_ms"), presence::required, m.elapsed_ms))
                c.require_time(m.elapsed_ms, at("elapsed_ms"));
            return;
        }
        case message_type::finish: {
            auto& m = msg.body.emplace<feed::finish_msg>();
            c.read_non_empty(get(slot::bib), at("bib"), presence::required, m.bib);
            if (c.read(get(slot::elapsed_ms), at("elapsed_ms"), presence::required, m.elapsed_ms)) {
                c.require_time(m.elapsed_ms, at("elapsed_ms"));
                c.require_positive(m.elapsed_ms, at("elapsed_ms"));
            }
            if (c.read(get(slot::place), at("place"), presence::optional, m.place))
                c.require(*m.place >= 1, at("place"), "must be at least 1", *m.place);
            return;
        }
        case message_type::irm: {
            auto& m = msg.body.emplace<feed::irm_msg>();
            c.read_non_empty(get(slot::bib), at("bib"), presence::required, m.bib);
            c.read_named(get(slot::code), at("code"), presence::required, irm_names, m.code);
            c.read(get(slot::rule), at("rule"), presence::optional, m.rule);
            c.read(get(slot::reason), at("reason"), presence::optional, m.reason);
            if (c.read(get(slot::at_m), at("at_m"), presence::optional, m.at_m))
                c.require(*m.at_m >= 0, at("at_m"), "must not be negative", *m.at_m);
            return;
        }
    }
}

frame_parser::frame_parser(parser_options options) : impl_(std::make_unique<impl>(options)) {}
frame_parser::~frame_parser() = default;

const parser_options& frame_parser::options() const {
    return impl_->options;
}

frame_parser::frame_parser(frame_parser&&) noexcept = default;
frame_parser& frame_parser::operator=(frame_parser&&) noexcept = default;

parse_outcome frame_parser::parse(std::string_view frame) {
    parse_outcome out{rejection{}, std::nullopt};
    impl_->parse(frame, out);
    return out;
}

void frame_parser::parse(std::string_view frame, parse_outcome& out) {
    out.seq.reset();
    impl_->parse(frame, out);
}

}  // namespace splitstream::ingest
