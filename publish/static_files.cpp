#include "publish/static_files.hpp"

#include <array>
#include <utility>

namespace splitstream::publish {

std::string content_type_for(const std::filesystem::path& p) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 14> types{{
        {".html", "text/html; charset=utf-8"},
        {".htm", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".txt", "text/plain; charset=utf-8"},
        {".map", "application/json"},
    }};
    const auto ext = p.extension().string();
    for (const auto& [e, t] : types)
        if (ext == e) return std::string(t);
    return "application/octet-stream";
}

std::optional<static_file> resolve_static(const std::filesystem::path& root, std::string_view url_path) {
    if (root.empty() || url_path.empty() || url_path.front() != '/') return std::nullopt;
    std::string rel;
    if (url_path == "/")
        rel = "index.html";
    else if (url_path == "/ticker")
        rel = "ticker.html";
    else if (url_path == "/graphics")
        rel = "graphics.html";
    else if (url_path == "/control")
        rel = "control.html";
    else
        rel = std::string(url_path.substr(1));
    if (rel.find('\\') != std::string::npos || rel.find('\0') != std::string::npos) return std::nullopt;
    // Every segment must be a plain name: no "..", no hidden files, no "//".
    std::string_view rest = rel;
    while (true) {
        const auto slash = rest.find('/');
        const auto seg = rest.substr(0, slash);
        if (seg.empty() || seg.front() == '.') return std::nullopt;
        if (slash == std::string_view::npos) break;
        rest.remove_prefix(slash + 1);
    }
    std::error_code ec;
    const auto base = std::filesystem::canonical(root, ec);
    if (ec) return std::nullopt;
    const auto full = std::filesystem::canonical(base / rel, ec);
    if (ec) return std::nullopt;
    // Symlinks must not lead out of the web directory.
    auto [b, f] = std::mismatch(base.begin(), base.end(), full.begin(), full.end());
    if (b != base.end()) return std::nullopt;
    if (!std::filesystem::is_regular_file(full, ec)) return std::nullopt;
    return static_file{full, content_type_for(full)};
}

}  // namespace splitstream::publish
