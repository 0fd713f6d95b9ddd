#include "feed/json_writer.hpp"

#include <charconv>

namespace splitstream::feed {

json_writer::json_writer(std::string& out, bool inside_container) : out_(out) {
    if (inside_container) {
        depth_ = 1;
        first_bits_ = 0;  // the container already has members
    }
}

void json_writer::separate() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (depth_ == 0) return;
    const std::uint64_t bit = std::uint64_t{1} << depth_;
    if (first_bits_ & bit)
        first_bits_ &= ~bit;
    else
        out_ += ',';
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
    separate();
    append_json_string(out_, k);
    out_ += ':';
    after_key_ = true;
    return *this;
}

json_writer& json_writer::value(std::string_view s) {
    separate();
    append_json_string(out_, s);
    return *this;
}

json_writer& json_writer::value(std::int64_t v) {
    separate();
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, r.ptr);
    return *this;
}

json_writer& json_writer::value(std::uint64_t v) {
    separate();
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, r.ptr);
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
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    std::size_t run = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(s.data() + run, i - run);
        run = i + 1;
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 0xf];
        }
    }
    out.append(s.data() + run, s.size() - run);
    out += '"';
}

}  // namespace splitstream::feed
