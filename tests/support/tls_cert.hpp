#pragma once
// Throwaway TLS certificates for tests over 127.0.0.1: an EC P-256 server
// key and certificate, self-signed or signed by a throwaway CA, with subject
// alternative names (what host-name verification checks), as PEM files in
// a fresh temporary directory that goes when the files object does.

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <boost/asio/ip/address.hpp>

namespace splitstream::test_support {

struct certificate_request {
    std::string tag;         // names the directory, so that tests in one process do not share one
    bool ca_signed = false;  // true: a CA and a server certificate it signs; false: self-signed
    // The server's names, each an IP address or a DNS name; the first is
    // also the subject's CN.
    std::vector<std::string> names{"127.0.0.1", "localhost"};
};

class certificate_files {
public:
    std::filesystem::path dir;
    std::filesystem::path ca;    // what a client trusts: the CA, or the certificate itself when self-signed
    std::filesystem::path cert;  // the server's certificate
    std::filesystem::path key;   // the server's private key
    std::string error;           // which step failed; empty when all files are written

    bool made() const { return error.empty(); }

    certificate_files() = default;
    certificate_files(certificate_files&& other) noexcept
        : dir(std::exchange(other.dir, {})),
          ca(std::move(other.ca)),
          cert(std::move(other.cert)),
          key(std::move(other.key)),
          error(std::move(other.error)) {}
    certificate_files& operator=(certificate_files&&) = delete;
    ~certificate_files() {
        std::error_code ignored;
        if (!dir.empty()) std::filesystem::remove_all(dir, ignored);
    }
};

namespace detail {

using key_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using cert_ptr = std::unique_ptr<X509, decltype(&X509_free)>;

inline bool add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, issuer, cert, nullptr, nullptr, 0);
    std::unique_ptr<X509_EXTENSION, decltype(&X509_EXTENSION_free)> ext(
        X509V3_EXT_conf_nid(nullptr, &v3, nid, value.c_str()), X509_EXTENSION_free);
    return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

// A certificate for `subject` and `key`, valid from a minute ago for a day,
// not yet signed; the issuer's name is set by the caller.
inline cert_ptr new_certificate(EVP_PKEY* key, const std::string& subject, long serial) {
    cert_ptr cert(X509_new(), X509_free);
    if (!cert) return cert;
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
    X509_set_pubkey(cert.get(), key);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(subject.c_str()), -1, -1, 0);
    return cert;
}

inline std::string subject_alt_names(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) {
        boost::system::error_code not_an_address;
        boost::asio::ip::make_address(name, not_an_address);
        out += (out.empty() ? "" : ",") + std::string(not_an_address ? "DNS:" : "IP:") + name;
    }
    return out;
}

inline bool write_pem(const std::filesystem::path& path, auto&& emit) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(path.c_str(), "w"), BIO_free);
    return bio && emit(bio.get()) == 1;
}

inline bool write_certificate(const std::filesystem::path& path, X509* cert) {
    return write_pem(path, [&](BIO* bio) { return PEM_write_bio_X509(bio, cert); });
}

inline bool write_key(const std::filesystem::path& path, EVP_PKEY* key) {
    return write_pem(path, [&](BIO* bio) {
        return PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    });
}

}  // namespace detail

// Makes the files in <temp>/splitstream-<tag>-<pid>: cert.pem and key.pem,
// and ca.pem when CA-signed. On failure `error` says which step failed.
inline certificate_files make_certificate(const certificate_request& request) {
    certificate_files out;
    out.dir = std::filesystem::temp_directory_path() /
              ("splitstream-" + request.tag + "-" + std::to_string(::getpid()));
    std::error_code ec;
    std::filesystem::remove_all(out.dir, ec);
    if (!std::filesystem::create_directories(out.dir, ec)) {
        out.error = "cannot create " + out.dir.string();
        return out;
    }
    out.cert = out.dir / "cert.pem";
    out.key = out.dir / "key.pem";
    out.ca = request.ca_signed ? out.dir / "ca.pem" : out.cert;
    if (request.names.empty()) {
        out.error = "no names for the certificate";
        return out;
    }

    detail::key_ptr key(EVP_EC_gen("P-256"), EVP_PKEY_free);
    detail::key_ptr ca_key(request.ca_signed ? EVP_EC_gen("P-256") : nullptr, EVP_PKEY_free);
    if (!key || (request.ca_signed && !ca_key)) {
        out.error = "key generation";
        return out;
    }
    detail::cert_ptr ca(nullptr, X509_free);
    if (request.ca_signed) {
        ca = detail::new_certificate(ca_key.get(), "splitstream-test-ca", 1);
        if (!ca || X509_set_issuer_name(ca.get(), X509_get_subject_name(ca.get())) != 1 ||
            !detail::add_extension(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE") ||
            !detail::add_extension(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign") ||
            !detail::add_extension(ca.get(), ca.get(), NID_subject_key_identifier, "hash") ||
            X509_sign(ca.get(), ca_key.get(), EVP_sha256()) == 0) {
            out.error = "CA certificate";
            return out;
        }
    }
    auto cert = detail::new_certificate(key.get(), request.names.front(), 2);
    X509* issuer = request.ca_signed ? ca.get() : cert.get();
    EVP_PKEY* signer = request.ca_signed ? ca_key.get() : key.get();
    bool ok = cert && X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer)) == 1 &&
              detail::add_extension(cert.get(), issuer, NID_subject_alt_name,
                                    detail::subject_alt_names(request.names));
    // A CA's leaf says what it is for; a self-signed certificate stays bare,
    // since a key usage without keyCertSign would stop it vouching for itself.
    if (ok && request.ca_signed)
        ok = detail::add_extension(cert.get(), issuer, NID_basic_constraints, "CA:FALSE") &&
             detail::add_extension(cert.get(), issuer, NID_key_usage, "critical,digitalSignature") &&
             detail::add_extension(cert.get(), issuer, NID_ext_key_usage, "serverAuth") &&
             detail::add_extension(cert.get(), issuer, NID_authority_key_identifier, "keyid:always");
    if (!ok || X509_sign(cert.get(), signer, EVP_sha256()) == 0) {
        out.error = "server certificate";
        return out;
    }
    if (!detail::write_certificate(out.cert, cert.get()) || !detail::write_key(out.key, key.get()) ||
        (request.ca_signed && !detail::write_certificate(out.ca, ca.get()))) {
        out.error = "writing PEM files in " + out.dir.string();
        return out;
    }
    return out;
}

}  // namespace splitstream::test_support
