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
