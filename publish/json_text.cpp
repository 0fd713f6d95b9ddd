#include "publish/json_text.hpp"

#include <cstdio>

namespace splitstream::publish {

void append_json_string(std::string& out, std::string_view s) {
    out.push_back('"');
    for (char c : s) {
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
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
                    out += buf;
                } else {
                    out.push_back(c);
                }
        }
    }
    out.push_back('"');
}

std::string json_error_body(std::string_view code, std::string_view message) {
    std::string out = "{\"error\":";
    append_json_string(out, code);
    out += ",\"message\":";
    append_json_string(out, message);
    out += "}";
    return out;
}

}  // namespace splitstream::publish
