#include "adapters/lynx_text.hpp"

#include <charconv>

namespace splitstream::adapters {

namespace {

std::string trim(std::string s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    const auto last = s.find_last_not_of(" \t\r\n");
    return s.substr(first, last - first + 1);
}

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

}  // namespace

std::optional<std::vector<std::string>> split_lynx_fields(std::string_view line) {
    std::vector<std::string> fields;
    std::string field;
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.push_back(trim(std::move(field)));
            field.clear();
        } else {
            field += c;
        }
    }
    if (quoted) return std::nullopt;
    fields.push_back(trim(std::move(field)));
    return fields;
}

std::optional<int> parse_lynx_int(std::string_view text) {
    if (!all_digits(text) || text.size() > 9) return std::nullopt;
    int v = 0;
    std::from_chars(text.data(), text.data() + text.size(), v);
    return v;
}

std::optional<std::int64_t> parse_lynx_time(std::string_view text) {
    // Split off the fraction, then up to three colon-separated parts.
    std::string_view whole = text;
    std::string_view fraction;
    if (const auto dot = text.find('.'); dot != std::string_view::npos) {
        whole = text.substr(0, dot);
        fraction = text.substr(dot + 1);
        if (!all_digits(fraction)) return std::nullopt;
    }
    std::int64_t parts[3] = {0, 0, 0};
    int n = 0;
    while (true) {
        const auto colon = whole.find(':');
        const auto part = whole.substr(0, colon);
        if (!all_digits(part) || part.size() > 6 || n == 3) return std::nullopt;
        std::from_chars(part.data(), part.data() + part.size(), parts[n]);
        ++n;
        if (colon == std::string_view::npos) break;
        whole = whole.substr(colon + 1);
    }
    // Every part after the first has two digits and stays under 60.
    for (int i = 1; i < n; ++i)
        if (parts[i] >= 60) return std::nullopt;
    std::int64_t seconds = 0;
    for (int i = 0; i < n; ++i) seconds = seconds * 60 + parts[i];
    std::int64_t ms = seconds * 1000;
    std::int64_t scale = 100;
    for (std::size_t i = 0; i < fraction.size() && i < 3; ++i, scale /= 10) ms += (fraction[i] - '0') * scale;
    return ms;
}

}  // namespace splitstream::adapters
