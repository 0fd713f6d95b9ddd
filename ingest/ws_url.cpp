// Parsing of ws:// and wss:// URLs and the pieces of a handshake built from them.

#include "ingest/ws_url.hpp"

#include <charconv>

namespace splitstream::ingest {

namespace {

// The one parser behind parse_ws_url and ws_url_problem: the URL, or
// nullopt with `problem` set.
std::optional<ws_url> parse(std::string_view url, std::string_view default_path, std::string& problem) {
    ws_url out;
    if (url.starts_with("ws://")) {
        url.remove_prefix(5);
        out.port = "80";
    } else if (url.starts_with("wss://")) {
        url.remove_prefix(6);
        out.tls = true;
        out.port = "443";
    } else {
        problem = "not ws:// or wss://";
        return std::nullopt;
    }
    const auto slash = url.find_first_of("/?");
    auto authority = url.substr(0, slash);
    // The default path alone, or before a bare query; appends only (GCC 12
    // at -O3 warns falsely, -Wrestrict, on insert() at the front of a short
    // string).
    out.target.clear();
    if (slash == std::string_view::npos || url[slash] == '?') out.target = default_path;
    if (slash != std::string_view::npos) out.target.append(url.substr(slash));
    if (authority.starts_with('[')) {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) {
            problem = "no ] after an IPv6 address";
            return std::nullopt;
        }
        out.host = std::string(authority.substr(1, close - 1));
        authority.remove_prefix(close + 1);
        if (authority.starts_with(':')) {
            out.port = std::string(authority.substr(1));
        } else if (!authority.empty()) {
            problem = "text after the ] of an IPv6 address";
            return std::nullopt;
        }
    } else {
        const auto colon = authority.rfind(':');
        out.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) out.port = std::string(authority.substr(colon + 1));
    }
    if (out.host.empty()) {
        problem = "no host";
        return std::nullopt;
    }
    // Digits only: from_chars alone would take "80x" as 80.
    unsigned long port = 0;
    const char* end = out.port.data() + out.port.size();
    const bool digits = !out.port.empty() && out.port.find_first_not_of("0123456789") == std::string::npos;
    if (!digits) {
        problem = out.port.empty() ? "no port after the colon" : "port " + out.port + " is not a number";
        return std::nullopt;
    }
    // A port out of range fails only at connect, on every retry; say so now.
    if (std::from_chars(out.port.data(), end, port).ec != std::errc{} || port < 1 || port > 65535) {
        problem = "port " + out.port + " is not 1-65535";
        return std::nullopt;
    }
    out.port = std::to_string(port);
    return out;
}

}  // namespace

std::optional<ws_url> parse_ws_url(std::string_view url, std::string_view default_path) {
    std::string problem;
    return parse(url, default_path, problem);
}

std::string ws_url_problem(std::string_view url) {
    std::string problem;
    parse(url, "/", problem);
    return problem;
}

std::string host_header(const ws_url& url) {
    std::string out = url.host.find(':') == std::string::npos ? url.host : "[" + url.host + "]";
    if (url.port != (url.tls ? "443" : "80")) out += ":" + url.port;
    return out;
}

std::string with_query(const std::string& target, std::string_view name, std::string_view value) {
    std::string out = target;
    out += target.find('?') == std::string::npos ? '?' : '&';
    out += name;
    out += '=';
    out += value;
    return out;
}

}  // namespace splitstream::ingest
