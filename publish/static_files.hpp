#pragma once
// Static web pages from the configured directory: `/` is index.html,
// `/ticker` and `/graphics` their .html pages, anything else a file path
// below the directory. Paths with `..`, hidden segments, backslashes or
// NULs are refused, and the resolved file must lie inside the directory.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace splitstream::publish {

struct static_file {
    std::filesystem::path path;
    std::string content_type;
};

// nullopt when `url_path` names no servable file under `root`.
std::optional<static_file> resolve_static(const std::filesystem::path& root, std::string_view url_path);

// Content type by file extension; application/octet-stream when unknown.
std::string content_type_for(const std::filesystem::path& p);

}  // namespace splitstream::publish
