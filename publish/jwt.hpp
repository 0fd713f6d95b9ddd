#pragma once
// Subscriber tokens: JSON Web Tokens signed with HS256 (RFC 7519, RFC 7515),
// verified with OpenSSL's HMAC. Only HS256 is accepted (never `none`).
// Claims used: `exp` (seconds since the epoch; required), `nbf` (optional),
// `events` (optional array of event ids the token may see; absent = all),
// `control` (optional boolean: may change control channels; absent = no).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace splitstream::publish {

enum class token_error {
    missing,
    malformed,
    unsupported_algorithm,
    bad_signature,
    expired,
    not_yet_valid,
};

const char* to_string(token_error e);

struct token_claims {
    std::int64_t exp = 0;
    std::optional<std::vector<std::string>> events;  // nullopt: every event
    bool control = false;                            // may POST /v1/control/{channel}

    bool allows(std::string_view event) const;
};

struct token_result {
    std::optional<token_claims> claims;  // set when the token is valid
    token_error error = token_error::missing;
};

// Verifies `token` (compact form: header.payload.signature) against
// `secret` at `now_unix` seconds.
token_result verify_hs256(std::string_view token, std::string_view secret, std::int64_t now_unix);

// Signs `payload_json` as an HS256 token (tests and tooling issue tokens).
std::string sign_hs256(std::string_view payload_json, std::string_view secret);

}  // namespace splitstream::publish
