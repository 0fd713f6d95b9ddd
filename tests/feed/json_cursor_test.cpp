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
