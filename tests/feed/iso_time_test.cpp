#include "feed/iso_time.hpp"

#include <gtest/gtest.h>

namespace splitstream::feed {
namespace {

TEST(iso_time, reads_utc_times_in_the_shapes_feeds_send) {
    // Paris 2024, men's 1500 m final: the gun.
    const std::int64_t gun = 1722973951310;
    EXPECT_EQ(parse_iso_ms("2024-08-06T19:52:31.310Z"), gun);
    EXPECT_EQ(parse_iso_ms("2024-08-06T19:52:31.310"), gun) << "no zone: UTC";
    EXPECT_EQ(parse_iso_ms("2024-08-06 19:52:31.310Z"), gun) << "a space for the T";
    EXPECT_EQ(parse_iso_ms("2024-08-06T19:52:31.310999Z"), gun) << "digits past the ms are dropped";
    EXPECT_EQ(parse_iso_ms("2024-08-06T19:52:31Z"), gun - 310);
    EXPECT_EQ(parse_iso_ms("2024-08-06T19:52:31.3Z"), gun - 10);
}

TEST(iso_time, applies_a_zone_offset) {
    const std::int64_t gun = 1722973951310;
    EXPECT_EQ(parse_iso_ms("2024-08-06T21:52:31.310+02:00"), gun) << "Paris summer time";
    EXPECT_EQ(parse_iso_ms("2024-08-06T19:52:31.310+00:00"), gun);
    EXPECT_EQ(parse_iso_ms("2024-08-06T14:52:31.310-05:00"), gun);
    EXPECT_EQ(parse_iso_ms("2024-08-07T05:22:31.310+09:30"), gun) << "minutes count too";
}

TEST(iso_time, refuses_other_text) {
    EXPECT_FALSE(parse_iso_ms(""));
    EXPECT_FALSE(parse_iso_ms("2024-08-06"));
    EXPECT_FALSE(parse_iso_ms("2024-13-06T19:52:31Z"));
    EXPECT_FALSE(parse_iso_ms("2024-08-06T24:52:31Z"));
    EXPECT_FALSE(parse_iso_ms("2024-08-06T19:52:31.310CET"));
    EXPECT_FALSE(parse_iso_ms("2024-08-06T19:52:31.310+2:00"));
    EXPECT_FALSE(parse_iso_ms("2024-08-06T19:52:31.310+24:00"));
    EXPECT_FALSE(parse_iso_ms("19:52:31.310"));
}

// The frame parser's grammar (strict) and the one for typed times and
// recordings (lenient) were once two parsers; these are the texts on which
// they differed, and the ones on which they must still agree.
constexpr auto strict = iso_grammar::strict;
constexpr auto lenient = iso_grammar::lenient;

TEST(iso_time, strict_requires_a_zone_and_lenient_takes_none_as_utc) {
    EXPECT_FALSE(parse_iso_ms("2024-08-06T19:52:31.310", strict));
    EXPECT_EQ(parse_iso_ms("2024-08-06T19:52:31.310", lenient),
              parse_iso_ms("2024-08-06T19:52:31.310Z", strict));
    EXPECT_FALSE(parse_iso_ms("2024-08-06T19:52:31", strict));
    EXPECT_TRUE(parse_iso_ms("2024-08-06T19:52:31", lenient));
}

TEST(iso_time, strict_takes_only_a_t_between_date_and_time) {
    EXPECT_FALSE(parse_iso_ms("2024-08-06 19:52:31.310Z", strict));
    EXPECT_EQ(parse_iso_ms("2024-08-06 19:52:31.310Z", lenient), 1722973951310);
    EXPECT_FALSE(parse_iso_ms("2024-08-06t19:52:31.310Z", strict));
    EXPECT_FALSE(parse_iso_ms("2024-08-06t19:52:31.310Z", lenient));
}

TEST(iso_time, strict_checks_the_days_of_each_month_and_lenient_only_31) {
    EXPECT_EQ(parse_iso_ms("2024-04-30T12:00:00Z", strict), parse_iso_ms("2024-04-30T12:00:00Z", lenient));
    EXPECT_FALSE(parse_iso_ms("2024-04-31T12:00:00Z", strict));
    EXPECT_EQ(parse_iso_ms("2024-04-31T12:00:00Z", lenient), parse_iso_ms("2024-05-01T12:00:00Z", strict))
        << "31 April runs on into May";
    EXPECT_FALSE(parse_iso_ms("2024-02-30T12:00:00Z", strict));
    EXPECT_TRUE(parse_iso_ms("2024-02-30T12:00:00Z", lenient));
    EXPECT_TRUE(parse_iso_ms("2024-12-31T12:00:00Z", strict));
    for (auto grammar : {strict, lenient}) {
        EXPECT_FALSE(parse_iso_ms("2024-04-32T12:00:00Z", grammar));
        EXPECT_FALSE(parse_iso_ms("2024-04-00T12:00:00Z", grammar));
    }
}

TEST(iso_time, strict_takes_29_february_in_leap_years_only) {
    const std::int64_t leap_day = 1709208000000;  // 2024-02-29T12:00:00Z
    EXPECT_EQ(parse_iso_ms("2024-02-29T12:00:00Z", strict), leap_day);
    EXPECT_EQ(parse_iso_ms("2024-02-29T12:00:00Z", lenient), leap_day);
    EXPECT_EQ(parse_iso_ms("2000-02-29T12:00:00Z", strict), 951825600000) << "divisible by 400: leap";
    EXPECT_FALSE(parse_iso_ms("2023-02-29T12:00:00Z", strict));
    EXPECT_FALSE(parse_iso_ms("1900-02-29T12:00:00Z", strict)) << "divisible by 100 only: not leap";
    EXPECT_EQ(parse_iso_ms("2023-02-29T12:00:00Z", lenient), parse_iso_ms("2023-03-01T12:00:00Z", strict));
}

TEST(iso_time, both_apply_the_same_offsets_and_refuse_the_same_malformed_ones) {
    const std::int64_t gun = 1722973951310;
    for (auto grammar : {strict, lenient}) {
        EXPECT_EQ(parse_iso_ms("2024-08-06T21:52:31.310+02:00", grammar), gun);
        EXPECT_EQ(parse_iso_ms("2024-08-06T14:22:31.310-05:30", grammar), gun);
        EXPECT_EQ(parse_iso_ms("2024-08-07T19:51:31.310+23:59", grammar), gun);
        EXPECT_FALSE(parse_iso_ms("2024-08-06T19:52:31.310+24:00", grammar));
        EXPECT_FALSE(parse_iso_ms("2024-08-06T19:52:31.310+02:60", grammar));
        EXPECT_FALSE(parse_iso_ms("2024-08-06T19:52:31.310+0200", grammar));
        EXPECT_FALSE(parse_iso_ms("2024-08-06T19:52:31.310+2:00", grammar));
        EXPECT_FALSE(parse_iso_ms("2024-08-06T19:52:31.310Z+02:00", grammar));
    }
}

TEST(iso_time, strict_takes_one_to_nine_fraction_digits_and_lenient_any) {
    const std::int64_t second = 1722973951000;  // 2024-08-06T19:52:31Z
    EXPECT_FALSE(parse_iso_ms("2024-08-06T19:52:31.Z", strict));
    EXPECT_EQ(parse_iso_ms("2024-08-06T19:52:31.Z", lenient), second);
    EXPECT_EQ(parse_iso_ms("2024-08-06T19:52:31.123456789Z", strict), second + 123);
    EXPECT_FALSE(parse_iso_ms("2024-08-06T19:52:31.1234567891Z", strict));
    EXPECT_EQ(parse_iso_ms("2024-08-06T19:52:31.1234567891Z", lenient), second + 123);
}

TEST(iso_time, both_take_a_leap_second_and_refuse_hours_past_23) {
    for (auto grammar : {strict, lenient}) {
        EXPECT_TRUE(parse_iso_ms("2016-12-31T23:59:60Z", grammar));
        EXPECT_FALSE(parse_iso_ms("2016-12-31T23:59:61Z", grammar));
        EXPECT_FALSE(parse_iso_ms("2016-12-31T24:00:00Z", grammar));
        EXPECT_FALSE(parse_iso_ms("2016-12-31T23:60:00Z", grammar));
    }
}

TEST(iso_time, formats_what_it_reads_back_across_leap_days_and_before_1970) {
    for (const char* t : {"2024-08-06T19:52:31.310Z", "2024-02-29T23:59:59.999Z", "2000-03-01T00:00:00.000Z",
                          "1969-12-31T23:59:59.999Z", "1970-01-01T00:00:00.000Z"}) {
        auto ms = parse_iso_ms(t);
        ASSERT_TRUE(ms) << t;
        EXPECT_EQ(format_iso_ms(*ms), t);
    }
    EXPECT_EQ(format_iso_ms(-1), "1969-12-31T23:59:59.999Z");
}

}  // namespace
}  // namespace splitstream::feed
