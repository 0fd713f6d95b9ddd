#pragma once
// Small helpers for writing JSON text by hand on the cold paths (hello,
// snapshot and error frames, HTTP bodies).

#include <string>
#include <string_view>

namespace splitstream::publish {

// Appends `s` as a quoted JSON string, escaping what RFC 8259 requires.
void append_json_string(std::string& out, std::string_view s);

// {"error":"<code>","message":"<message>"}
std::string json_error_body(std::string_view code, std::string_view message);

}  // namespace splitstream::publish
