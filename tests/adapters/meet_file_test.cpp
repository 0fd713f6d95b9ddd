// The meet file: what it reads, and how it says what is wrong.

#include "adapters/meet_file.hpp"

#include <gtest/gtest.h>

namespace splitstream::adapters {
namespace {

TEST(MeetFile, ReadsEventsRecordsAthletesAndCountries) {
    auto m = parse_meet_file(R"(
[meet]
feed = "nationals"
date = "2024-07-20"
utc_offset = "-04:00"

[countries]
"Oslo IL" = "NOR"

[[event]]
lynx = "3-2-1"
odf = "ATHM1500M----------FNL-000100--"
id = "M1500-F"
distance_m = 1500
round = "final"
timing_points_m = [400, 800, 1200]
lap_m = 400

[[event.record]]
kind = "NR"
mark = "3:29.02"
holder = "Someone"
country = "USA"
year = 2023

[[athlete]]
id = "115"
pb = "3:30.70"
sb = "3:31.00"
)",
                             "nationals.toml");
    ASSERT_TRUE(m.meet) << m.error;
    const auto* e = m.meet->by_lynx(3, 2, 1);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e, m.meet->by_odf("ATHM1500M----------FNL-000100--"));
    EXPECT_EQ(e->timing_points_m, (std::vector<std::int64_t>{400, 800, 1200}));
    ASSERT_EQ(e->records.size(), 1u);
    EXPECT_EQ(e->records[0].mark_ms, 209020);
    EXPECT_EQ(e->records[0].year, 2023);
    EXPECT_EQ(m.meet->athletes.at("115").pb_ms, 210700);
    EXPECT_EQ(m.meet->country_of("Oslo IL"), "NOR");
    EXPECT_EQ(m.meet->country_of("KEN"), "KEN");
    EXPECT_EQ(m.meet->country_of("Kenya"), std::nullopt);
    // 21:16 in a -04:00 clock is 01:16 UTC the next day.
    EXPECT_EQ(m.meet->time_of_day_ms("21:16:00.000"), 1721524560000);
}

TEST(MeetFile, SaysWhichKeyIsWrong) {
    EXPECT_EQ(
        parse_meet_file("[[event]]\nid = \"X\"\n[[event.record]]\nkind = \"XR\"\nmark = \"1.00\"\n", "m.toml")
            .error,
        "m.toml: event[0].record[0].kind: unknown record kind \"XR\" (WR, OR, CR, AR, NR, WL, MR)");
    EXPECT_EQ(parse_meet_file("[[athlete]]\nid = \"1\"\npb = \"fast\"\n", "m.toml").error,
              "m.toml: athlete[0].pb must be a mark such as \"3:29.38\"");
    EXPECT_EQ(parse_meet_file("[[event]]\nlynx = \"1-1-1\"\n", "m.toml").error,
              "m.toml: event[0].id is required");
    const auto syntax = parse_meet_file("[meet\n", "m.toml");
    EXPECT_FALSE(syntax.meet);
    EXPECT_EQ(syntax.error.rfind("m.toml:1: ", 0), 0u) << syntax.error;
}

}  // namespace
}  // namespace splitstream::adapters
