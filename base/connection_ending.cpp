#include "base/connection_ending.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/websocket/error.hpp>

namespace splitstream {

bool is_ordinary_ending(const boost::beast::error_code& ec) {
    namespace error = boost::asio::error;
    return ec == error::operation_aborted || ec == error::eof || ec == error::connection_reset ||
           ec == error::broken_pipe || ec == error::bad_descriptor ||
           ec == boost::asio::ssl::error::stream_truncated || ec == boost::beast::websocket::error::closed ||
           ec == boost::beast::http::error::end_of_stream;
}

}  // namespace splitstream
