#include "feed/marks.hpp"

#include <gtest/gtest.h>

#include "feed/areas.hpp"
#include "feed/display_name.hpp"

using namespace splitstream::feed;

TEST(Marks, TrackTimesRoundUpToTheNextHundredth) {
    EXPECT_EQ(format_mark(207791, venue::track), "3:27.80");
    EXPECT_EQ(format_mark(207790, venue::track), "3:27.79");
    EXPECT_EQ(format_mark(209371, venue::track), "3:29.38");
    EXPECT_EQ(official_mark_ms(209371, venue::track), 209380);
}

TEST(Marks, PrintsSecondsMinutesAndHours) {
    EXPECT_EQ(format_mark(9580, venue::track), "9.58");
    EXPECT_EQ(format_mark(43030, venue::track), "43.03");
    EXPECT_EQ(format_mark(60000, venue::track), "1:00.00");
    EXPECT_EQ(format_mark(3725001, venue::track), "1:02:05.01");
}

TEST(Marks, RoadTimesRoundUpToTheWholeSecond) {
    EXPECT_EQ(format_mark(7269001, venue::road), "2:01:10");
    EXPECT_EQ(format_mark(7269000, venue::road), "2:01:09");
    EXPECT_EQ(format_mark(1665400, venue::road), "27:46");
    EXPECT_EQ(official_mark_ms(1665400, venue::road), 1666000);
}

// The simulator prints its marks with format_mark (it had a copy of its
// own, which agreed from -18 ms up and printed "0.-1" for -25 ms).
TEST(Marks, EdgesOfTheHundredthMinuteAndHour) {
    EXPECT_EQ(format_mark(59990, venue::track), "59.99");
    EXPECT_EQ(format_mark(59991, venue::track), "1:00.00");
    EXPECT_EQ(format_mark(59995, venue::track), "1:00.00");
    EXPECT_EQ(format_mark(3599990, venue::track), "59:59.99");
    EXPECT_EQ(format_mark(3599995, venue::track), "1:00:00.00");
    EXPECT_EQ(format_mark(36000000, venue::track), "10:00:00.00");
    EXPECT_EQ(format_mark(360000000, venue::track), "100:00:00.00");
    EXPECT_EQ(format_mark(0, venue::track), "0.00");
    EXPECT_EQ(format_mark(1, venue::track), "0.01");
}

TEST(Marks, RoadAndTrackRoundTheSameTimeDifferently) {
    EXPECT_EQ(format_mark(59995, venue::road), "1:00");
    EXPECT_EQ(format_mark(59000, venue::road), "59");
    EXPECT_EQ(format_mark(3599001, venue::road), "1:00:00");
    EXPECT_EQ(format_mark(3599001, venue::track), "59:59.01");
}

TEST(Marks, ANegativeTimePrintsAsZero) {
    EXPECT_EQ(format_mark(-25, venue::track), "0.00");
    EXPECT_EQ(format_mark(-1000, venue::track), "0.00");
    EXPECT_EQ(format_mark(-1000, venue::road), "0");
}

TEST(Marks, GapsPrintWithAPlus) {
    EXPECT_EQ(format_gap(271, venue::track), "+0.28");
}

TEST(Areas, EveryAreaIsKnownByItsFederations) {
    EXPECT_EQ(area_of("GBR"), "EUR");
    EXPECT_EQ(area_of("KEN"), "AFR");
    EXPECT_EQ(area_of("USA"), "NAC");
    EXPECT_EQ(area_of("JPN"), "ASI");
    EXPECT_EQ(area_of("AUS"), "OCE");
    EXPECT_EQ(area_of("BRA"), "SAM");
    EXPECT_EQ(area_of("BRN"), "ASI");
    EXPECT_EQ(area_of("ANA"), "");
    EXPECT_EQ(area_of("XYZ"), "");
}

TEST(DisplayName, FamilyNamesInCapitalsReadAsNames) {
    EXPECT_EQ(display_name("Josh KERR"), "Josh Kerr");
    EXPECT_EQ(display_name("Narve Gilje NORDÅS"), "Narve Gilje Nordås");
    EXPECT_EQ(display_name("Mario GARCÍA"), "Mario García");
    EXPECT_EQ(display_name("Jakob INGEBRIGTSEN"), "Jakob Ingebrigtsen");
    EXPECT_EQ(display_name("Ewa ŚWOBODA"), "Ewa Śwoboda");
    EXPECT_EQ(display_name("Paweł WOJCIECHOWSKI-ŁUKASZ"), "Paweł Wojciechowski-Łukasz");
    EXPECT_EQ(display_name("Sha'Carri RICHARDSON"), "Sha'Carri Richardson");
    EXPECT_EQ(display_name("Jean-Pierre O'NEILL-SMITH"), "Jean-Pierre O'Neill-Smith");
    EXPECT_EQ(display_name("Mo Farah"), "Mo Farah");
}
