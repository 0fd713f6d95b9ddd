#include "feed/display_name.hpp"

namespace splitstream::feed {

namespace {

bool is_upper_ascii(unsigned char c) {
    return c >= 'A' && c <= 'Z';
}
bool is_lower_ascii(unsigned char c) {
    return c >= 'a' && c <= 'z';
}

// A word is shouted when it has no lowercase letter and at least two letters.
bool is_shouted(std::string_view word) {
    int letters = 0;
    for (std::size_t i = 0; i < word.size(); ++i) {
        const auto c = static_cast<unsigned char>(word[i]);
        if (is_lower_ascii(c)) return false;
        if (is_upper_ascii(c)) ++letters;
        if (c == 0xC3 && i + 1 < word.size()) {
            const auto n = static_cast<unsigned char>(word[i + 1]);
            if (n >= 0xA0 && n <= 0xBF) return false;  // à..ÿ: lowercase Latin-1
            if (n >= 0x80 && n <= 0x9E) ++letters;
        }
    }
    return letters >= 2;
}

// Latin Extended-A (U+0100..U+017F) pairs capitals with small letters by
// parity; the parity flips between U+0138 and U+0149 and after U+0178.
unsigned latin_extended_a_lower(unsigned cp) {
    const bool odd = cp % 2 == 1;
    if (cp < 0x0138 && cp != 0x0130) return odd ? cp : cp + 1;
    if (cp >= 0x0139 && cp <= 0x0148) return odd ? cp + 1 : cp;
    if (cp >= 0x014A && cp <= 0x0177) return odd ? cp : cp + 1;
    if (cp >= 0x0179 && cp <= 0x017E) return odd ? cp + 1 : cp;
    return cp;
}

// Lowercases every letter after the first of each hyphen/apostrophe part.
void append_title(std::string& out, std::string_view word) {
    bool start = true;
    for (std::size_t i = 0; i < word.size(); ++i) {
        const auto c = static_cast<unsigned char>(word[i]);
        if (c == '-' || c == '\'') {
            out += static_cast<char>(c);
            start = true;
            continue;
        }
        if (c == 0xC3 && i + 1 < word.size()) {
            auto n = static_cast<unsigned char>(word[i + 1]);
            if (!start && n >= 0x80 && n <= 0x9E && n != 0x97) n = static_cast<unsigned char>(n + 0x20);
            out += static_cast<char>(c);
            out += static_cast<char>(n);
            ++i;
            start = false;
            continue;
        }
        if ((c == 0xC4 || c == 0xC5) && i + 1 < word.size()) {
            const auto n = static_cast<unsigned char>(word[i + 1]);
            const unsigned cp = ((c & 0x1Fu) << 6) | (n & 0x3Fu);
            const unsigned lower = start ? cp : latin_extended_a_lower(cp);
            out += static_cast<char>(0xC0 | (lower >> 6));
            out += static_cast<char>(0x80 | (lower & 0x3F));
            ++i;
            start = false;
            continue;
        }
        if (!start && is_upper_ascii(c))
            out += static_cast<char>(c + ('a' - 'A'));
        else
            out += static_cast<char>(c);
        if (c < 0x80) start = false;
    }
}

}  // namespace

std::string display_name(std::string_view name) {
    std::string out;
    out.reserve(name.size());
    std::size_t i = 0;
    while (i < name.size()) {
        const std::size_t end = name.find(' ', i);
        const std::size_t stop = end == std::string_view::npos ? name.size() : end;
        const std::string_view word = name.substr(i, stop - i);
        if (is_shouted(word))
            append_title(out, word);
        else
            out += word;
        if (stop < name.size()) out += ' ';
        i = stop + 1;
    }
    return out;
}

}  // namespace splitstream::feed
