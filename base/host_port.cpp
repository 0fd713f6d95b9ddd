#include "base/host_port.hpp"

#include <charconv>

namespace splitstream {

std::optional<host_port> parse_host_port(std::string_view text) {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    std::string_view host = text.substr(0, colon);
    const std::string_view port = text.substr(colon + 1);

    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
        if (host.empty()) return std::nullopt;
    } else if (host.find_first_of(":[]") != std::string_view::npos) {
        return std::nullopt;
    }

    host_port out;
    out.host = host.empty() ? "127.0.0.1" : std::string(host);
    if (port.empty()) return std::nullopt;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), out.port);
    if (ec != std::errc{} || end != port.data() + port.size()) return std::nullopt;
    return out;
}

std::string format_host_port(std::string_view host, std::uint16_t port) {
    const bool v6 = host.find(':') != std::string_view::npos;
    std::string out;
    out.reserve(host.size() + 8);
    if (v6) out += '[';
    out += host;
    if (v6) out += ']';
    out += ':';
    out += std::to_string(port);
    return out;
}

}  // namespace splitstream
