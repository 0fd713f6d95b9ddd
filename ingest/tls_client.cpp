// Client-side TLS set-up and failure reporting for wss:// connections.

#include "ingest/tls_client.hpp"

#include <fstream>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace splitstream::ingest {

std::string configure_tls_client(net::ssl::context& context, const tls_trust& trust) {
    if (!trust.ca_file.empty() && !std::ifstream(trust.ca_file))
        return "cannot read CA file " + trust.ca_file;
    if (trust.insecure_skip_verify) {
        context.set_verify_mode(net::ssl::verify_none);
        return {};
    }
    beast::error_code ec;
    if (trust.ca_file.empty())
        context.set_default_verify_paths(ec);
    else
        context.load_verify_file(trust.ca_file, ec);
    if (ec) return "TLS trust store: " + ec.message();
    context.set_verify_mode(net::ssl::verify_peer);
    return {};
}

beast::error_code prepare_tls_stream(beast::ssl_stream<beast::tcp_stream>& stream, const std::string& host,
                                     bool insecure_skip_verify) {
    if (!SSL_set_tlsext_host_name(stream.native_handle(), host.c_str()))
        return beast::error_code(static_cast<int>(::ERR_get_error()), net::error::get_ssl_category());
    if (!insecure_skip_verify) stream.set_verify_callback(net::ssl::host_name_verification(host));
    return {};
}

bool certificate_refused(beast::error_code ec) {
    return ec.category() == net::error::get_ssl_category() &&
           ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_CERTIFICATE_VERIFY_FAILED;
}

std::string tls_failure_text(beast::error_code ec, beast::ssl_stream<beast::tcp_stream>& stream) {
    if (!certificate_refused(ec)) return ec.message();
    const auto verify = SSL_get_verify_result(stream.native_handle());
    return std::string("certificate not trusted: ") + X509_verify_cert_error_string(verify);
}

}  // namespace splitstream::ingest
