#include "base/listen_on.hpp"

namespace splitstream {

std::optional<std::string> listen_on(tcp::acceptor& acceptor, std::string_view address, std::uint16_t port) {
    beast::error_code ec;
    const auto ip = net::ip::make_address(std::string(address), ec);
    if (ec) return "bad address " + std::string(address);
    const tcp::endpoint at(ip, port);
    acceptor.open(at.protocol(), ec);
    if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(at, ec);
    if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec)
        return "cannot listen on " + std::string(address) + ":" + std::to_string(port) + ": " + ec.message();
    return std::nullopt;
}

}  // namespace splitstream
