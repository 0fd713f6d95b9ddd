#pragma once
// "HOST:PORT" as every command takes it (--listen, --serve, --feed-listen):
// the one reading of an address and port in the tree.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace splitstream {

struct host_port {
    std::string host;  // an IPv6 address without its brackets
    std::uint16_t port = 0;
};

// "127.0.0.1:8080", "[::1]:8080", "localhost:0" or ":8080" (an empty host is
// 127.0.0.1: a listener is never opened to the network by omission). The
// port is 0-65535 in decimal digits only. An IPv6 address needs its
// brackets ("::1:8080" would be ambiguous). nullopt for anything else.
std::optional<host_port> parse_host_port(std::string_view text);

// The reverse, for logs and URLs: "127.0.0.1:8080", "[::1]:8080".
std::string format_host_port(std::string_view host, std::uint16_t port);

}  // namespace splitstream
