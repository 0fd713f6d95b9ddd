#include "publish/jwt.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <simdjson.h>

#include <algorithm>
#include <array>

namespace splitstream::publish {

namespace {

constexpr std::string_view b64url_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string b64url_encode(std::string_view in) {
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (unsigned char c : in) {
        acc = (acc << 8) | c;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out.push_back(b64url_alphabet[(acc >> bits) & 0x3F]);
        }
    }
    if (bits > 0) out.push_back(b64url_alphabet[(acc << (6 - bits)) & 0x3F]);
    return out;
}

std::optional<std::string> b64url_decode(std::string_view in) {
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        const auto pos = b64url_alphabet.find(c);
        if (pos == std::string_view::npos) return std::nullopt;
        acc = (acc << 6) | static_cast<std::uint32_t>(pos);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xFF));
        }
    }
    // One spelling per value (RFC 4648 §3.5): a lone last character holds
    // no whole byte, and the bits a last character holds beyond the final
    // byte must be zero, or every signature would have four spellings.
    if (bits >= 6 || (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
    return out;
}

std::array<unsigned char, 32> hmac_sha256(std::string_view key, std::string_view data) {
    std::array<unsigned char, 32> mac{};
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(), &len);
    return mac;
}

token_result fail(token_error e) {
    return {std::nullopt, e};
}

bool read_number(simdjson::dom::element el, std::int64_t& out) {
    std::int64_t i = 0;
    if (el.get_int64().get(i) == simdjson::SUCCESS) {
        out = i;
        return true;
    }
    // A claim such as 1.7e9 is a number of seconds too; one outside int64's
    // range (or an unsigned beyond it) is malformed, never cast.
    double d = 0;
    if (el.get_double().get(d) != simdjson::SUCCESS) return false;
    constexpr double limit = 9.2e18;  // below 2^63, so the cast is defined
    if (!(d > -limit && d < limit)) return false;
    out = static_cast<std::int64_t>(d);
    return true;
}

}  // namespace

const char* to_string(token_error e) {
    switch (e) {
        case token_error::missing:
            return "missing";
        case token_error::malformed:
            return "malformed";
        case token_error::unsupported_algorithm:
            return "unsupported_algorithm";
        case token_error::bad_signature:
            return "bad_signature";
        case token_error::expired:
            return "expired";
        case token_error::not_yet_valid:
            return "not_yet_valid";
    }
    return "?";
}

bool token_claims::allows(std::string_view event) const {
    if (!events) return true;
    return std::find(events->begin(), events->end(), event) != events->end();
}

token_result verify_hs256(std::string_view token, std::string_view secret, std::int64_t now_unix) {
    if (token.empty()) return fail(token_error::missing);
    if (token.size() > 8192) return fail(token_error::malformed);
    const auto dot1 = token.find('.');
    const auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos)
        return fail(token_error::malformed);
    auto header = b64url_decode(token.substr(0, dot1));
    auto payload = b64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1));
    auto signature = b64url_decode(token.substr(dot2 + 1));
    if (!header || !payload || !signature) return fail(token_error::malformed);

    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(*header).get(doc) != simdjson::SUCCESS) return fail(token_error::malformed);
    std::string_view alg;
    if (doc["alg"].get_string().get(alg) != simdjson::SUCCESS) return fail(token_error::malformed);
    if (alg != "HS256") return fail(token_error::unsupported_algorithm);

    // The signature is checked before any claim is believed.
    const auto mac = hmac_sha256(secret, token.substr(0, dot2));
    if (signature->size() != mac.size() || CRYPTO_memcmp(signature->data(), mac.data(), mac.size()) != 0)
        return fail(token_error::bad_signature);

    if (parser.parse(*payload).get(doc) != simdjson::SUCCESS) return fail(token_error::malformed);
    simdjson::dom::object claims_obj;
    if (doc.get_object().get(claims_obj) != simdjson::SUCCESS) return fail(token_error::malformed);
    token_claims claims;
    simdjson::dom::element el;
    if (claims_obj["exp"].get(el) != simdjson::SUCCESS || !read_number(el, claims.exp))
        return fail(token_error::malformed);
    if (claims.exp <= now_unix) return fail(token_error::expired);
    if (claims_obj["nbf"].get(el) == simdjson::SUCCESS) {
        std::int64_t nbf = 0;
        if (!read_number(el, nbf)) return fail(token_error::malformed);
        if (nbf > now_unix) return fail(token_error::not_yet_valid);
    }
    if (claims_obj["events"].get(el) == simdjson::SUCCESS) {
        simdjson::dom::array arr;
        if (el.get_array().get(arr) != simdjson::SUCCESS) return fail(token_error::malformed);
        std::vector<std::string> events;
        for (auto item : arr) {
            std::string_view id;
            if (item.get_string().get(id) != simdjson::SUCCESS) return fail(token_error::malformed);
            events.emplace_back(id);
        }
        claims.events = std::move(events);
    }
    // Only a JSON true grants control: "true" or 1 is a mistake in the
    // issuing service, refused rather than guessed at.
    if (claims_obj["control"].get(el) == simdjson::SUCCESS &&
        el.get_bool().get(claims.control) != simdjson::SUCCESS)
        return fail(token_error::malformed);
    return {std::move(claims), token_error::missing};
}

std::string sign_hs256(std::string_view payload_json, std::string_view secret) {
    std::string token = b64url_encode(R"({"alg":"HS256","typ":"JWT"})");
    token.push_back('.');
    token += b64url_encode(payload_json);
    const auto mac = hmac_sha256(secret, token);
    token.push_back('.');
    token += b64url_encode(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
    return token;
}

}  // namespace splitstream::publish
