// FinishLynx's text conventions: quoted fields, times at any precision, and
// Windows-1252 names.

#include "adapters/lynx_text.hpp"

#include <gtest/gtest.h>

#include "adapters/text_encoding.hpp"

namespace splitstream::adapters {
namespace {

TEST(LynxFields, QuotedFieldsKeepTheirCommasAndQuotes) {
    auto f = split_lynx_fields(R"(1,204,2,"Smith, Jr.",Grace,"Club ""A""", 11.234 )");
    ASSERT_TRUE(f);
    ASSERT_EQ(f->size(), 7u);
    EXPECT_EQ((*f)[3], "Smith, Jr.");
    EXPECT_EQ((*f)[5], "Club \"A\"");
    EXPECT_EQ((*f)[6], "11.234");
}

TEST(LynxFields, AnOpenQuoteIsAMalformedLine) {
    EXPECT_FALSE(split_lynx_fields(R"(1,204,"Adeyemi,Grace)"));
}

TEST(LynxTime, EveryWrittenPrecisionReadsToMilliseconds) {
    EXPECT_EQ(parse_lynx_time("9.87"), 9870);
    EXPECT_EQ(parse_lynx_time("11.234"), 11234);
    EXPECT_EQ(parse_lynx_time("3:29.381"), 209381);
    EXPECT_EQ(parse_lynx_time("1:02:11.2"), 3731200);
    EXPECT_EQ(parse_lynx_time("10"), 10000);
    // Past the thousandths digits are dropped, never rounded into a faster or slower time.
    EXPECT_EQ(parse_lynx_time("10.2349"), 10234);
}

TEST(LynxTime, AnythingElseIsRefused) {
    for (const char* bad : {"", "DNF", "1:60.00", "3:29,38", "-3.2", "1:2:3:4", "12.3a", ".5:1"})
        EXPECT_FALSE(parse_lynx_time(bad)) << bad;
}

TEST(TextEncoding, Windows1252NamesBecomeUtf8) {
    EXPECT_EQ(to_utf8("NORD\xC5S"), "NORD\xC3\x85S");  // Nordås' capital Å
    EXPECT_EQ(to_utf8("Garc\xED"
                      "a"),
              "Garc\xC3\xAD"
              "a");                                            // García
    EXPECT_EQ(to_utf8("\x80 \x9C"), "\xE2\x82\xAC \xC5\x93");  // the 0x80-0x9F block: euro sign, oe
}

TEST(TextEncoding, Utf8IsKeptAsItIs) {
    const std::string utf8 =
        "Narve Gilje NORD\xC3\x85S, Mario GARC\xC3\x8D"
        "A";
    EXPECT_EQ(to_utf8(utf8), utf8);
    EXPECT_FALSE(is_valid_utf8("\xC3"));          // cut short
    EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));      // overlong
    EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));  // a surrogate
}

}  // namespace
}  // namespace splitstream::adapters
