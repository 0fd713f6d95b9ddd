// The frame parser's schema checks: reading collected values into typed
// fields, and the detail text of a refusal.
#include "ingest/frame_checker.hpp"

#include <climits>

namespace splitstream::ingest::frame_parsing {

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

std::string field_path::str() const {
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

void checker::fail(feed::reject_reason r, std::string detail) {
    if (!failure_) failure_ = feed::rejection{r, std::move(detail)};
}

void checker::fail(feed::rejection r) {
    if (!failure_) failure_ = std::move(r);
}

void checker::fail_field(feed::reject_reason r, const field_path& at, std::string_view what) {
    if (failure_) return;
    std::string d = "field \"";
    d += at.str();
    d += "\": ";
    d += what;
    failure_ = feed::rejection{r, std::move(d)};
}

bool checker::present(const scalar& s, const field_path& at, presence p) {
    if (failure_) return false;
    if (s.kind == json_kind::absent || (s.kind == json_kind::null && p == presence::optional)) {
        if (p == presence::required)
            fail(feed::reject_reason::missing_field, "missing required field \"" + at.str() + "\"");
        return false;
    }
    return true;
}

void checker::wrong_type(const scalar& s, const field_path& at, std::string_view expected) {
    std::string what = "expected ";
    what += expected;
    what += ", got ";
    what += kind_name(s.kind);
    fail_field(feed::reject_reason::wrong_type, at, what);
}

bool checker::read(const scalar& s, const field_path& at, presence p, std::string& out) {
    if (!present(s, at, p)) return false;
    if (s.kind != json_kind::string) {
        wrong_type(s, at, "string");
        return false;
    }
    out.assign(s.text);
    return true;
}

bool checker::read(const scalar& s, const field_path& at, presence p, std::string_view& out) {
    if (!present(s, at, p)) return false;
    if (s.kind != json_kind::string) {
        wrong_type(s, at, "string");
        return false;
    }
    out = s.text;
    return true;
}

bool checker::read_non_empty(const scalar& s, const field_path& at, presence p, std::string& out) {
    if (!read(s, at, p, out)) return false;
    if (out.empty()) {
        fail_field(feed::reject_reason::bad_value, at, "must not be empty");
        return false;
    }
    return true;
}

bool checker::read(const scalar& s, const field_path& at, presence p, bool& out) {
    if (!present(s, at, p)) return false;
    if (s.kind != json_kind::boolean) {
        wrong_type(s, at, "boolean");
        return false;
    }
    out = s.i != 0;
    return true;
}

bool checker::read(const scalar& s, const field_path& at, presence p, std::int64_t& out) {
    if (!present(s, at, p)) return false;
    if (s.kind == json_kind::big_integer) {
        fail_field(feed::reject_reason::bad_value, at, "integer out of range");
        return false;
    }
    if (s.kind != json_kind::integer) {
        wrong_type(s, at, "integer");
        return false;
    }
    out = s.i;
    return true;
}

bool checker::read(const scalar& s, const field_path& at, presence p, std::optional<std::int64_t>& out) {
    std::int64_t v = 0;
    if (!read(s, at, p, v)) return false;
    out = v;
    return true;
}

bool checker::read(const scalar& s, const field_path& at, presence p, std::optional<int>& out) {
    std::int64_t v = 0;
    if (!read(s, at, p, v)) return false;
    if (v < INT_MIN || v > INT_MAX) {
        fail_field(feed::reject_reason::bad_value, at, "integer out of range: " + std::to_string(v));
        return false;
    }
    out = static_cast<int>(v);
    return true;
}

bool checker::read(const scalar& s, const field_path& at, presence p, std::uint64_t& out) {
    if (!present(s, at, p)) return false;
    if (s.kind == json_kind::big_integer) {
        if (s.u == 0) {
            fail_field(feed::reject_reason::bad_value, at, "integer out of range");
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
        fail_field(feed::reject_reason::bad_value, at, "must not be negative, got " + std::to_string(s.i));
        return false;
    }
    out = static_cast<std::uint64_t>(s.i);
    return true;
}

void checker::fail_rule(const field_path& at, std::string_view rule, std::int64_t got) {
    std::string what(rule);
    what += ", got ";
    what += std::to_string(got);
    fail_field(feed::reject_reason::bad_value, at, what);
}

void checker::unknown_value(const field_path& at, std::string_view got, std::string_view expected) {
    std::string what = "unknown value ";
    what += quote_value(got);
    what += " (expected ";
    what += expected;
    what += ')';
    fail_field(feed::reject_reason::bad_value, at, what);
}

}  // namespace splitstream::ingest::frame_parsing
