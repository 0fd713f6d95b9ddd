#pragma once
// Client-side TLS for wss:// connections: the trust store a client
// verifies against, the per-connection host-name check, and the one
// failure worth explaining (a certificate the trust store does not vouch
// for). For the tree's clients of wss:// servers.

#include <string>
#include <string_view>

#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>

#include "base/net.hpp"

namespace splitstream::ingest {

struct tls_trust {
    std::string ca_file{};              // PEM file of trusted CAs; empty: the system's CAs
    bool insecure_skip_verify = false;  // lab use only: accept any certificate and host name
};

// Loads the trust store into `context` and sets its verify mode. An error
// text naming the file, or empty on success.
std::string configure_tls_client(net::ssl::context& context, const tls_trust& trust);

// On a fresh stream, before its TLS handshake: SNI for `host`, so that a
// server with several names presents the right certificate, and unless
// `insecure_skip_verify` the check that the certificate names `host`.
beast::error_code prepare_tls_stream(beast::ssl_stream<beast::tcp_stream>& stream, const std::string& host,
                                     bool insecure_skip_verify);

// Whether a failed TLS handshake was the certificate check: a retry never
// fixes that, so callers say which option to change.
bool certificate_refused(beast::error_code ec);

// What to change after a refused certificate, in the words of the
// command-line options of both the daemon and `splitstream tail`.
inline constexpr std::string_view refused_certificate_advice =
    "give the issuing CA with --ca-file (--insecure-skip-verify only in a lab)";

// Why a TLS handshake on `stream` failed, in words: for a refused
// certificate "certificate not trusted: <the verifier's reason>", else the
// error's message.
std::string tls_failure_text(beast::error_code ec, beast::ssl_stream<beast::tcp_stream>& stream);

}  // namespace splitstream::ingest
