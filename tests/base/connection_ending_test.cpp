#include "base/connection_ending.hpp"

#include <gtest/gtest.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/websocket/error.hpp>

namespace splitstream {
namespace {

TEST(connection_ending, a_peer_going_away_or_our_own_close_is_ordinary) {
    // Each of these was missing from at least one of the four lists the
    // servers and clients kept before, and was logged as a warning there.
    EXPECT_TRUE(is_ordinary_ending(boost::asio::error::operation_aborted));
    EXPECT_TRUE(is_ordinary_ending(boost::asio::error::eof));
    EXPECT_TRUE(is_ordinary_ending(boost::asio::error::connection_reset));
    EXPECT_TRUE(is_ordinary_ending(boost::asio::error::broken_pipe));
    EXPECT_TRUE(is_ordinary_ending(boost::asio::error::bad_descriptor));
    EXPECT_TRUE(is_ordinary_ending(boost::asio::ssl::error::stream_truncated));
    EXPECT_TRUE(is_ordinary_ending(boost::beast::websocket::error::closed));
    EXPECT_TRUE(is_ordinary_ending(boost::beast::http::error::end_of_stream));
}

TEST(connection_ending, faults_are_not_ordinary) {
    EXPECT_FALSE(is_ordinary_ending(boost::beast::error::timeout));
    EXPECT_FALSE(is_ordinary_ending(boost::asio::error::connection_refused));
    EXPECT_FALSE(is_ordinary_ending(boost::beast::websocket::error::buffer_overflow));
    EXPECT_FALSE(is_ordinary_ending(boost::beast::http::error::header_limit));
}

}  // namespace
}  // namespace splitstream
