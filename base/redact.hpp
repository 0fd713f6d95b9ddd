#pragma once
// Makes a request target or URL safe to log: the values of query
// parameters that carry credentials (`token=`, `access_token=`, anything
// named like a token, key, secret or password) and the password of a URL's
// user info are replaced by `***`, and the text is cut to a length a log
// line can hold. A credential must never reach a log file, whoever sent it.

#include <string>
#include <string_view>

namespace splitstream {

inline constexpr std::size_t redacted_max_length = 256;

std::string redact_credentials(std::string_view target_or_url);

}  // namespace splitstream
