#pragma once
// Writes JSON text straight into a string through a pointer, for the events
// made on every message (the envelope, a split's payload). The caller says
// up front how many bytes the pieces can take at most; after that every
// piece is a plain copy with no capacity check, where json_writer checks
// and appends member by member. Strings from the feed are escaped here;
// literals and pieces escaped earlier (an athlete's reference) are copied.

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace splitstream::feed {

namespace json_bytes {

// True when none of the eight bytes at `p` is a control character, a quote
// or a backslash: most strings are copied in whole words.
inline bool clean_word(const char* p) {
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    constexpr std::uint64_t highs = 0x8080808080808080ULL;
    std::uint64_t w;
    std::memcpy(&w, p, sizeof w);
    auto has_zero = [](std::uint64_t v) { return (v - ones) & ~v & highs; };
    // Bytes below 0x20 (exact for a bound of at most 0x80), '"' and '\\'.
    const std::uint64_t control = (w - ones * 0x20) & ~w & highs;
    return (control | has_zero(w ^ (ones * '"')) | has_zero(w ^ (ones * '\\'))) == 0;
}

#if defined(__SSE2__)
// Sixteen bytes at once with SSE2, which every x86-64 CPU has.
inline constexpr std::size_t block = 16;

inline bool clean_block(const char* p) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
    const __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
    // max(v, 0x1F) == 0x1F exactly for the bytes below 0x20 (unsigned).
    const __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(0x1F)), _mm_set1_epi8(0x1F));
    return _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control)) == 0;
}
#else
inline constexpr std::size_t block = 8;

inline bool clean_block(const char* p) {
    return clean_word(p);
}
#endif

inline bool needs_escape(unsigned char c) {
    return c < 0x20 || c == '"' || c == '\\';
}

// The most bytes `s` can take once escaped, quotes excluded (\u00XX).
constexpr std::size_t escaped_bound(std::string_view s) {
    return 6 * s.size();
}

// The longest integer printed: "-9223372036854775808".
constexpr std::size_t int_bound = 20;

}  // namespace json_bytes

class json_cursor {
public:
    // Makes room for `max_bytes` after the current end of `out`.
    json_cursor(std::string& out, std::size_t max_bytes) : out_(out), start_(out.size()) {
        out_.resize(start_ + max_bytes);
        p_ = out_.data() + start_;
    }
    json_cursor(const json_cursor&) = delete;
    json_cursor& operator=(const json_cursor&) = delete;
    // Cuts `out` to what was written.
    ~json_cursor() { out_.resize(static_cast<std::size_t>(p_ - out_.data())); }

    template <std::size_t N>
    void literal(const char (&s)[N]) {
        std::memcpy(p_, s, N - 1);
        p_ += N - 1;
    }
    // Text that is already valid JSON at this place.
    void raw(std::string_view s) {
        std::memcpy(p_, s.data(), s.size());
        p_ += s.size();
    }
    void put(char c) { *p_++ = c; }
    void integer(std::int64_t v) { p_ = std::to_chars(p_, p_ + json_bytes::int_bound, v).ptr; }
    void integer(std::uint64_t v) { p_ = std::to_chars(p_, p_ + json_bytes::int_bound, v).ptr; }
    void integer(int v) { integer(static_cast<std::int64_t>(v)); }
    // `s` escaped, without quotes.
    void escaped(std::string_view s);
    void quoted(std::string_view s) {
        put('"');
        escaped(s);
        put('"');
    }

private:
    // From the first block that needs an escape: byte by byte, skipping
    // clean words.
    void escape_rest(const char* in, const char* end);

    std::string& out_;
    std::size_t start_;
    char* p_;
};

inline void json_cursor::escaped(std::string_view s) {
    using json_bytes::block;
    const char* in = s.data();
    const char* const end = in + s.size();
    // The common case, nothing to escape: whole blocks, then the tail as one
    // more block that ends where the string ends. It overlaps bytes already
    // copied and writes them again unchanged, so it stays inside the
    // string's own room. A string shorter than a block is checked as a copy
    // padded with clean bytes.
    while (end - in >= static_cast<std::ptrdiff_t>(block) && json_bytes::clean_block(in)) {
        std::memcpy(p_, in, block);
        p_ += block;
        in += block;
    }
    if (const auto tail = static_cast<std::size_t>(end - in); tail < block) {
        if (s.size() >= block) {
            if (json_bytes::clean_block(end - block)) {
                std::memcpy(p_ - (block - tail), end - block, block);
                p_ += tail;
                return;
            }
        } else {
            char padded[block];
            std::memset(padded, 'a', block);
            std::memcpy(padded, in, tail);
            if (json_bytes::clean_block(padded)) {
                std::memcpy(p_, in, tail);
                p_ += tail;
                return;
            }
        }
    }
    escape_rest(in, end);
}

inline void json_cursor::escape_rest(const char* in, const char* end) {
    static constexpr char hex[] = "0123456789abcdef";
    while (in < end) {
        // Whole clean words are copied as they are; the bound (six bytes
        // per input byte) leaves room for the eight-byte store.
        if (end - in >= 8 && json_bytes::clean_word(in)) {
            std::memcpy(p_, in, 8);
            p_ += 8;
            in += 8;
            continue;
        }
        const auto c = static_cast<unsigned char>(*in++);
        if (!json_bytes::needs_escape(c)) {
            *p_++ = static_cast<char>(c);
            continue;
        }
        *p_++ = '\\';
        switch (c) {
            case '"':
            case '\\':
                *p_++ = static_cast<char>(c);
                break;
            case '\n':
                *p_++ = 'n';
                break;
            case '\r':
                *p_++ = 'r';
                break;
            case '\t':
                *p_++ = 't';
                break;
            default:
                *p_++ = 'u';
                *p_++ = '0';
                *p_++ = '0';
                *p_++ = hex[c >> 4];
                *p_++ = hex[c & 0xf];
        }
    }
}

}  // namespace splitstream::feed
