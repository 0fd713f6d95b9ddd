#pragma once
// A WebSocket URL split into what the client needs to connect.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace splitstream::ingest {

struct ws_url {
    bool tls = false;    // wss://
    std::string host;    // without brackets for IPv6 literals
    std::string port;    // "80" / "443" when the URL gives none
    std::string target;  // path and query, at least "/"
};

// Parses ws://HOST[:PORT][/PATH][?QUERY] and wss://...; nullopt when the
// scheme is not ws/wss or the host is empty.
std::optional<ws_url> parse_ws_url(std::string_view url);

// The target with `name=value` appended as a query parameter.
std::string with_query(const std::string& target, std::string_view name, std::string_view value);

}  // namespace splitstream::ingest
