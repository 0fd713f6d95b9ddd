#pragma once
// Opens an acceptor on an address and port given as text (reuse_address on,
// the system's backlog), for listeners that report a bad address or a port
// in use as a message rather than an exception.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/net.hpp"

namespace splitstream {

// Nothing when listening, else why not: "bad address X" or "cannot listen
// on X:P: <the system's reason>".
std::optional<std::string> listen_on(tcp::acceptor& acceptor, std::string_view address, std::uint16_t port);

}  // namespace splitstream
