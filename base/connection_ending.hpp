#pragma once
// Which errors end a connection as part of normal operation (the peer went
// away, it closed, we closed it or shut down) and so are logged at debug,
// not as warnings. One list for every socket in the tree: servers, the
// upstream client, the tail client and the live player.

#include <boost/beast/core/error.hpp>

namespace splitstream {

bool is_ordinary_ending(const boost::beast::error_code& ec);

}  // namespace splitstream
