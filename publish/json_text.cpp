#include "publish/json_text.hpp"

#include <cstdio>

namespace splitstream::publish {

std::string json_error_body(std::string_view code, std::string_view message) {
    std::string out = "{\"error\":";
    append_json_string(out, code);
    out += ",\"message\":";
    append_json_string(out, message);
    out += "}";
    return out;
}

}  // namespace splitstream::publish
