// The frame parser's JSON scanning primitives that stay out of line: the
// names of value kinds (refusals only) and the unescaping of keys with
// escapes (rare, and kept out of key_of's inlined body).
#include "ingest/frame_scan.hpp"

namespace splitstream::ingest::frame_parsing {

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

simdjson::error_code unescaped_key_of(ondemand::field& f, std::string_view& out) {
    return f.unescaped_key().get(out);
}

}  // namespace splitstream::ingest::frame_parsing
