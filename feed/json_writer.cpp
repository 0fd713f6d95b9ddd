#include "feed/json_writer.hpp"

#include <charconv>
#include <cstring>

#include "feed/json_cursor.hpp"

namespace splitstream::feed {

namespace {

using json_bytes::clean_word;
using json_bytes::needs_escape;

// How many bytes at the start of `s` need no escape.
std::size_t clean_prefix(std::string_view s) {
    std::size_t i = 0;
    while (i + 8 <= s.size() && clean_word(s.data() + i)) i += 8;
    while (i < s.size() && !needs_escape(static_cast<unsigned char>(s[i]))) ++i;
    return i;
}

// One member's bytes (comma, key, value) built on the stack and appended
// at once: one capacity check and one copy instead of one per quote,
// colon and comma. Writers check `fits` before putting a string.
class piece {
public:
    static constexpr std::size_t room = 128;

    static bool fits(std::string_view s) { return s.size() <= room - 8; }
    void put(char c) { buf_[n_++] = c; }
    void put(std::string_view s) {
        std::memcpy(buf_ + n_, s.data(), s.size());
        n_ += s.size();
    }
    template <class Int>
    void put_int(Int v) {
        n_ = static_cast<std::size_t>(std::to_chars(buf_ + n_, buf_ + room, v).ptr - buf_);
    }
    void append_to(std::string& out) const { out.append(buf_, n_); }

private:
    char buf_[room];
    std::size_t n_ = 0;
};

}  // namespace

json_writer::json_writer(std::string& out, bool inside_container) : out_(out) {
    if (inside_container) {
        depth_ = 1;
        first_bits_ = 0;  // the container already has members
    }
}

bool json_writer::comma_needed() {
    if (after_key_) {
        after_key_ = false;
        return false;
    }
    if (depth_ == 0) return false;
    const std::uint64_t bit = std::uint64_t{1} << depth_;
    if (first_bits_ & bit) {
        first_bits_ &= ~bit;
        return false;
    }
    return true;
}

void json_writer::separate() {
    if (comma_needed()) out_ += ',';
}

json_writer& json_writer::begin_object() {
    separate();
    out_ += '{';
    ++depth_;
    first_bits_ |= std::uint64_t{1} << depth_;
    return *this;
}

json_writer& json_writer::end_object() {
    out_ += '}';
    --depth_;
    return *this;
}

json_writer& json_writer::begin_array() {
    separate();
    out_ += '[';
    ++depth_;
    first_bits_ |= std::uint64_t{1} << depth_;
    return *this;
}

json_writer& json_writer::end_array() {
    out_ += ']';
    --depth_;
    return *this;
}

json_writer& json_writer::key(std::string_view k) {
    const bool comma = comma_needed();
    after_key_ = true;
    if (piece::fits(k) && clean_prefix(k) == k.size()) {
        piece p;
        if (comma) p.put(',');
        p.put('"');
        p.put(k);
        p.put('"');
        p.put(':');
        p.append_to(out_);
        return *this;
    }
    if (comma) out_ += ',';
    append_json_string(out_, k);
    out_ += ':';
    return *this;
}

json_writer& json_writer::value(std::string_view s) {
    const bool comma = comma_needed();
    if (piece::fits(s) && clean_prefix(s) == s.size()) {
        piece p;
        if (comma) p.put(',');
        p.put('"');
        p.put(s);
        p.put('"');
        p.append_to(out_);
        return *this;
    }
    if (comma) out_ += ',';
    append_json_string(out_, s);
    return *this;
}

json_writer& json_writer::value(std::int64_t v) {
    piece p;
    if (comma_needed()) p.put(',');
    p.put_int(v);
    p.append_to(out_);
    return *this;
}

json_writer& json_writer::value(std::uint64_t v) {
    piece p;
    if (comma_needed()) p.put(',');
    p.put_int(v);
    p.append_to(out_);
    return *this;
}

json_writer& json_writer::value(bool v) {
    separate();
    out_ += v ? "true" : "false";
    return *this;
}

json_writer& json_writer::null() {
    separate();
    out_ += "null";
    return *this;
}

json_writer& json_writer::raw(std::string_view json) {
    separate();
    out_ += json;
    return *this;
}

void append_json_string(std::string& out, std::string_view s) {
    json_cursor c(out, json_bytes::escaped_bound(s) + 2);
    c.quoted(s);
}

}  // namespace splitstream::feed
