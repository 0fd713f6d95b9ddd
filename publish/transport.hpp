#pragma once
// The byte streams a connection runs on. The HTTP side uses Beast's
// tcp_stream (its deadlines bound slow requests) or TLS over it. After the
// upgrade a plain subscriber keeps only the bare socket, bound to the
// io_context's own executor: no deadline timers and no type-erased
// executor per idle connection (a few hundred bytes each). A TLS subscriber
// keeps its stream; Beast's ssl_stream flattens gather writes, so many small
// frames become one TLS record rather than one record each.

#include <boost/beast/ssl.hpp>

#include "base/net.hpp"

namespace splitstream::publish {

using plain_stream = beast::tcp_stream;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;
using plain_socket = net::basic_stream_socket<tcp, net::io_context::executor_type>;

// What a subscriber runs on after an upgrade on Stream, and how it takes
// the connection over.
template <class Stream>
struct subscriber_transport;

template <>
struct subscriber_transport<plain_stream> {
    using type = plain_socket;
    static plain_socket adopt(plain_stream&& s, net::io_context& ioc);
};

template <>
struct subscriber_transport<tls_stream> {
    using type = tls_stream;
    static tls_stream adopt(tls_stream&& s, net::io_context&) { return std::move(s); }
};

inline plain_socket& io_target(plain_socket& s) {
    return s;
}
inline tls_stream& io_target(tls_stream& s) {
    return s;
}

inline plain_socket& socket_of(plain_socket& s) {
    return s;
}
inline tcp::socket& socket_of(tls_stream& s) {
    return beast::get_lowest_layer(s).socket();
}

}  // namespace splitstream::publish
