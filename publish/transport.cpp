#include "publish/transport.hpp"

#include <unistd.h>

namespace splitstream::publish {

plain_socket subscriber_transport<plain_stream>::adopt(plain_stream&& s, net::io_context& ioc) {
    // A socket cannot change its executor type, so the descriptor moves
    // from one socket object to the other (nothing is pending on it here).
    tcp::socket socket = s.release_socket();
    plain_socket out(ioc);
    beast::error_code ec;
    const auto endpoint = socket.local_endpoint(ec);
    if (ec) return out;  // already gone: the session sees a closed socket
    const auto fd = socket.release(ec);
    if (ec) return out;
    out.assign(endpoint.protocol(), fd, ec);
    if (ec) ::close(fd);
    return out;
}

}  // namespace splitstream::publish
