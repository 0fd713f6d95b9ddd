#include "base/request_target.hpp"

namespace splitstream {

int hex_digit_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

namespace {

std::optional<std::string> decode(std::string_view in, bool plus_is_space) {
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        const char c = in[i];
        if (c == '%') {
            if (i + 2 >= in.size()) return std::nullopt;
            const int hi = hex_digit_value(in[i + 1]);
            const int lo = hex_digit_value(in[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out.push_back(' ');
        } else {
            out.push_back(c);
        }
    }
    return out;
}

}  // namespace

std::optional<std::string_view> request_target::param(std::string_view key) const {
    for (const auto& [k, v] : query)
        if (k == key) return std::string_view(v);
    return std::nullopt;
}

std::optional<request_target> parse_request_target(std::string_view target) {
    if (target.empty() || target.front() != '/') return std::nullopt;
    request_target out;
    const auto q = target.find('?');
    auto path = decode(target.substr(0, q), false);
    if (!path) return std::nullopt;
    out.path = std::move(*path);
    if (q == std::string_view::npos) return out;
    auto rest = target.substr(q + 1);
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const auto item = rest.substr(0, amp);
        if (!item.empty()) {
            const auto eq = item.find('=');
            auto key = decode(item.substr(0, eq), true);
            auto value =
                decode(eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1), true);
            if (!key || !value) return std::nullopt;
            out.query.emplace_back(std::move(*key), std::move(*value));
        }
        if (amp == std::string_view::npos) break;
        rest.remove_prefix(amp + 1);
    }
    return out;
}

}  // namespace splitstream
