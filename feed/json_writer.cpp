#include "feed/json_writer.hpp"

#include "feed/json_cursor.hpp"

namespace splitstream::feed {

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

// Strings and numbers go through json_cursor: one capacity check per
// member, and the tree's one escaper.
json_writer& json_writer::key(std::string_view k) {
    const bool comma = comma_needed();
    after_key_ = true;
    json_cursor c(out_, json_bytes::escaped_bound(k) + 4);
    if (comma) c.put(',');
    c.quoted(k);
    c.put(':');
    return *this;
}

json_writer& json_writer::value(std::string_view s) {
    const bool comma = comma_needed();
    json_cursor c(out_, json_bytes::escaped_bound(s) + 3);
    if (comma) c.put(',');
    c.quoted(s);
    return *this;
}

json_writer& json_writer::value(std::int64_t v) {
    const bool comma = comma_needed();
    json_cursor c(out_, json_bytes::int_bound + 1);
    if (comma) c.put(',');
    c.integer(v);
    return *this;
}

json_writer& json_writer::value(std::uint64_t v) {
    const bool comma = comma_needed();
    json_cursor c(out_, json_bytes::int_bound + 1);
    if (comma) c.put(',');
    c.integer(v);
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
