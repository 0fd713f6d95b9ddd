#pragma once
// The two byte streams a connection can run on, and where a subscriber's
// raw reads and writes go on each: straight to the TCP socket for plain
// connections (no timer bookkeeping per operation), through TLS otherwise.
// Beast's ssl_stream flattens gather writes, so many small frames become
// one TLS record rather than one record each.

#include <boost/beast/ssl.hpp>

#include "base/net.hpp"

namespace splitstream::publish {

using plain_stream = beast::tcp_stream;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

inline tcp::socket& io_target(plain_stream& s) {
    return s.socket();
}
inline tls_stream& io_target(tls_stream& s) {
    return s;
}

}  // namespace splitstream::publish
