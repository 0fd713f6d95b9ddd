#pragma once
// Appends compact JSON to a string. Small and allocation-free beyond the
// output string: derived events are serialised once, on the hot path.

#include <cstdint>
#include <string>
#include <string_view>

namespace splitstream::feed {

class json_writer {
public:
    // Continues an object or array already opened in `out` when
    // `inside_container` says so (the next member gets a leading comma).
    explicit json_writer(std::string& out, bool inside_container = false);

    json_writer& begin_object();
    json_writer& end_object();
    json_writer& begin_array();
    json_writer& end_array();
    json_writer& key(std::string_view k);
    json_writer& value(std::string_view s);
    json_writer& value(const char* s) { return value(std::string_view(s)); }
    json_writer& value(std::int64_t v);
    json_writer& value(int v) { return value(static_cast<std::int64_t>(v)); }
    json_writer& value(std::uint64_t v);
    json_writer& value(bool v);
    json_writer& null();
    // Inserts already-serialised JSON as a value.
    json_writer& raw(std::string_view json);

    template <class T>
    json_writer& field(std::string_view k, const T& v) {
        key(k);
        return value(v);
    }

private:
    // Whether the next value needs a comma before it; the container then
    // counts as having members.
    bool comma_needed();
    void separate();

    std::string& out_;
    std::uint64_t first_bits_ = 0;  // bit d: nothing written yet at depth d
    int depth_ = 0;
    bool after_key_ = false;
};

// Appends `s` as a JSON string literal, quotes included.
void append_json_string(std::string& out, std::string_view s);

}  // namespace splitstream::feed
