#include "scaleout/event_subject.hpp"

namespace splitstream::scaleout {

namespace {

void append_token(std::string& out, std::string_view token) {
    if (token.empty()) {
        out += '_';
        return;
    }
    for (const char c : token) {
        const bool reserved =
            c == '.' || c == '*' || c == '>' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
        out += reserved ? '_' : c;
    }
}

}  // namespace

std::string event_subject(std::string_view prefix, std::string_view event, std::string_view type) {
    std::string out(prefix);
    out += '.';
    append_token(out, event);
    out += '.';
    append_token(out, type);
    return out;
}

}  // namespace splitstream::scaleout
