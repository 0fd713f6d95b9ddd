#pragma once
// A WebSocket URL split into what a client needs to connect: the upstream
// client's and `splitstream tail`'s one reading of ws:// and wss:// URLs.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace splitstream::ingest {

struct ws_url {
    bool tls = false;    // wss://
    std::string host;    // without brackets for IPv6 literals
    std::string port;    // "80" / "443" when the URL gives none
    std::string target;  // path and query; the default path when the URL has none
};

// Parses ws://HOST[:PORT][/PATH][?QUERY] and wss://...; nullopt when the
// scheme is not ws/wss, the host is empty or the port is not a decimal
// number from 1 to 65535 (written back without leading zeros). A URL
// without a path (none, or a bare query) gets `default_path`.
std::optional<ws_url> parse_ws_url(std::string_view url, std::string_view default_path = "/");

// Why parse_ws_url refuses `url`, in words for a start-up error (such as
// "port 70000 is not 1-65535"); empty when it accepts it.
std::string ws_url_problem(std::string_view url);

// The Host header for the handshake: IPv6 literals in brackets, the port
// only when it is not the scheme's default.
std::string host_header(const ws_url& url);

// The target with `name=value` appended as a query parameter.
std::string with_query(const std::string& target, std::string_view name, std::string_view value);

}  // namespace splitstream::ingest
