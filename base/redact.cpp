#include "base/redact.hpp"

#include <algorithm>
#include <cctype>

#include "base/request_target.hpp"

namespace splitstream {

namespace {

// The name lower-cased and percent-decoded, as a server that decodes names
// would read it (`%74oken` is `token` there too).
std::string plain_name(std::string_view name) {
    std::string out;
    for (std::size_t i = 0; i < name.size(); ++i) {
        char c = name[i];
        if (c == '%' && i + 2 < name.size()) {
            const int hi = hex_digit_value(name[i + 1]);
            const int lo = hex_digit_value(name[i + 2]);
            if (hi >= 0 && lo >= 0) {
                c = static_cast<char>(hi * 16 + lo);
                i += 2;
            }
        }
        out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    return out;
}

bool names_a_credential(std::string_view name) {
    const auto plain = plain_name(name);
    for (const std::string_view word : {"token", "key", "secret", "password", "passwd", "auth", "jwt"})
        if (plain.find(word) != std::string::npos) return true;
    return false;
}

}  // namespace

std::string redact_credentials(std::string_view text) {
    std::string out;
    out.reserve(std::min(text.size(), redacted_max_length) + 16);
    std::size_t start = 0;
    // scheme://user:password@host: the password goes.
    if (const auto scheme = text.find("://"); scheme != std::string_view::npos) {
        const auto authority = scheme + 3;
        const auto end = text.find_first_of("/?#", authority);
        const auto at = text.substr(authority, end - authority).rfind('@');
        if (at != std::string_view::npos) {
            const auto userinfo = text.substr(authority, at);
            const auto colon = userinfo.find(':');
            out.append(text.substr(0, authority));
            out.append(userinfo.substr(0, colon));
            if (colon != std::string_view::npos) out.append(":***");
            start = authority + at;
        }
    }
    const auto query = text.find('?', start);
    if (query == std::string_view::npos) {
        out.append(text.substr(start));
    } else {
        out.append(text.substr(start, query + 1 - start));
        auto rest = text.substr(query + 1);
        const auto fragment = rest.find('#');
        const auto tail = fragment == std::string_view::npos ? std::string_view{} : rest.substr(fragment);
        rest = rest.substr(0, fragment);
        bool first = true;
        while (true) {
            const auto amp = rest.find_first_of("&;");
            const auto pair = rest.substr(0, amp);
            if (!first) out.push_back(rest.data()[-1]);
            first = false;
            const auto eq = pair.find('=');
            if (eq != std::string_view::npos && names_a_credential(pair.substr(0, eq))) {
                out.append(pair.substr(0, eq + 1));
                out.append("***");
            } else {
                out.append(pair);
            }
            if (amp == std::string_view::npos) break;
            rest.remove_prefix(amp + 1);
        }
        out.append(tail);
    }
    if (out.size() > redacted_max_length) {
        // Cut where no credential can be half shown: redaction is done.
        out.resize(redacted_max_length);
        out.append("...");
    }
    return out;
}

}  // namespace splitstream
