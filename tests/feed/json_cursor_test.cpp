#include "feed/json_cursor.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace splitstream::feed {
namespace {

std::string via_cursor(std::string_view s) {
    std::string out = "x";
    json_cursor c(out, json_bytes::escaped_bound(s) + 2);
    c.quoted(s);
    return out;
}

TEST(json_cursor, escapes_quotes_backslashes_and_control_characters_only) {
    EXPECT_EQ(via_cursor(""), "x\"\"");
    EXPECT_EQ(via_cursor("Jakob Ingebrigtsen (NOR)"), "x\"Jakob Ingebrigtsen (NOR)\"");
    EXPECT_EQ(via_cursor("O\"Brien"), "x\"O\\\"Brien\"");
    EXPECT_EQ(via_cursor("back\\slash\\"), "x\"back\\\\slash\\\\\"");
    EXPECT_EQ(via_cursor("t\tn\nr\rb\a"), "x\"t\\tn\\nr\\rb\\u0007\"");
    EXPECT_EQ(via_cursor("exactly8"), "x\"exactly8\"");
    EXPECT_EQ(via_cursor("sixteen bytes!!\""), "x\"sixteen bytes!!\\\"\"") << "a quote in the last word";
    EXPECT_EQ(via_cursor("Ngāti – UTF-8 as it is"), "x\"Ngāti – UTF-8 as it is\"");
    EXPECT_EQ(via_cursor(std::string("nul\0in", 6)), "x\"nul\\u0000in\"");
}

TEST(json_cursor, every_byte_escapes_as_the_protocol_expects) {
    for (int c = 0; c < 256; ++c) {
        const std::string s(1, static_cast<char>(c));
        const std::string padded = "12345678" + s;  // the byte in a tail word
        std::string want;
        if (c == '"' || c == '\\') {
            want = std::string("\\") + s;
        } else if (c == '\n') {
            want = "\\n";
        } else if (c == '\r') {
            want = "\\r";
        } else if (c == '\t') {
            want = "\\t";
        } else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            want = buf;
        } else {
            want = s;
        }
        EXPECT_EQ(via_cursor(s), "x\"" + want + "\"") << c;
        EXPECT_EQ(via_cursor(padded), "x\"12345678" + want + "\"") << c;
    }
}

// The escaping, one byte at a time, as the protocol defines it.
std::string reference_escape(std::string_view s) {
    std::string out;
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += ch;
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += ch;
        }
    }
    return out;
}

TEST(json_cursor, a_byte_to_escape_is_found_at_any_place_in_strings_of_any_length) {
    // Lengths around the 8- and 16-byte blocks and their tails; each special
    // byte at each place, and the bytes next to the special ones that must
    // pass as they are (0x20, 0x7F, 0x80, 0xFF).
    const char specials[] = {'"', '\\', '\x00', '\x1f', '\n', ' ', '\x7f', '\x80', '\xff'};
    for (std::size_t len = 0; len <= 40; ++len) {
        const std::string clean = std::string("abcdefghijklmnopqrstuvwxyz0123456789ABCDEF").substr(0, len);
        EXPECT_EQ(via_cursor(clean), "x\"" + clean + "\"") << len;
        for (std::size_t at = 0; at < len; ++at) {
            for (char special : specials) {
                std::string s = clean;
                s[at] = special;
                EXPECT_EQ(via_cursor(s), "x\"" + reference_escape(s) + "\"")
                    << "length " << len << ", byte " << static_cast<int>(static_cast<unsigned char>(special))
                    << " at " << at;
            }
        }
    }
}

TEST(json_cursor, writes_integers_literals_and_cuts_the_string_to_what_was_written) {
    std::string out = "{";
    {
        json_cursor c(out, 200);
        c.literal("\"a\":");
        c.integer(std::int64_t{-9223372036854775807} - 1);
        c.literal(",\"b\":");
        c.integer(std::uint64_t{18446744073709551615u});
        c.literal(",\"c\":");
        c.integer(0);
        c.put('}');
    }
    EXPECT_EQ(out, R"({"a":-9223372036854775808,"b":18446744073709551615,"c":0})");
}

TEST(json_cursor, the_worst_case_bound_holds_for_a_string_of_control_characters) {
    const std::string s(100, '\x01');
    std::string out;
    {
        json_cursor c(out, json_bytes::escaped_bound(s));
        c.escaped(s);
    }
    EXPECT_EQ(out.size(), json_bytes::escaped_bound(s));
    EXPECT_EQ(out.substr(0, 12), "\\u0001\\u0001");
}

}  // namespace
}  // namespace splitstream::feed
