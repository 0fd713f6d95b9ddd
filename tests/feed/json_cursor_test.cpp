#include "feed/json_cursor.hpp"

#include <gtest/gtest.h>

#include <string>

#include "feed/json_writer.hpp"

namespace splitstream::feed {
namespace {

std::string via_cursor(std::string_view s) {
    std::string out = "x";
    json_cursor c(out, json_bytes::escaped_bound(s) + 2);
    c.quoted(s);
    return out;
}

std::string via_writer(std::string_view s) {
    std::string out = "x";
    append_json_string(out, s);
    return out;
}

TEST(json_cursor, escapes_strings_exactly_as_the_member_writer_does) {
    std::string all_bytes;
    for (int c = 0; c < 256; ++c) all_bytes += static_cast<char>(c);
    const std::string cases[] = {
        "",
        "Jakob Ingebrigtsen (NOR)",
        "O\"Brien",
        "back\\slash at the end\\",
        "tab\there, newline\nthere, cr\r, bell\a",
        "exactly8",
        "\"\"\"\"\"\"\"\"\"",
        "Ngāti Ōtautahi – Māori name, UTF-8 kept as it is",
        all_bytes,
    };
    for (const auto& s : cases) EXPECT_EQ(via_cursor(s), via_writer(s)) << s;
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
