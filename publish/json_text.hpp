#pragma once
// Small helpers for writing JSON text by hand on the cold paths (hello,
// snapshot and error frames, HTTP bodies).

#include <string>
#include <string_view>

#include "feed/json_writer.hpp"

namespace splitstream::publish {

// One JSON string escaper for the whole project: the engine's.
using feed::append_json_string;

// {"error":"<code>","message":"<message>"}
std::string json_error_body(std::string_view code, std::string_view message);

}  // namespace splitstream::publish
