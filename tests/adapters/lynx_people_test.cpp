// lynx.ppl, FinishLynx's people file (ID, last name, first name,
// affiliation): it completes the start lists of lynx.evt where a competitor
// line leaves the names or the affiliation empty, and never overrides what
// lynx.evt says.

#include <gtest/gtest.h>

#include "adapters/lynx_adapter.hpp"

namespace splitstream::adapters {
namespace {

meet_file heat_meet() {
    auto loaded = parse_meet_file(R"(
[meet]
feed = "club-meet"

[[event]]
lynx = "12-1-3"
id = "W100-H3"
round = "heat"
)",
                                  "meet.toml");
    EXPECT_TRUE(loaded.meet) << loaded.error;
    return loaded.meet.value_or(meet_file{});
}

// Start list lines as a meet-management system writes them when it leaves
// the people to lynx.ppl: ID and lane, empty names and affiliation.
constexpr const char* bare_evt =
    "12,1,3,Women 100m Heat 3,,,,,,100\r\n"
    "\t204,2,,,\r\n"
    "\t311,3,Novak,Petra,\r\n"  // names given, affiliation left to lynx.ppl
    "\t415,5,Silva,Ana,POR\r\n";

constexpr const char* people =
    "; people\r\n"
    "204,Adeyemi,Grace,NGR\r\n"
    "311,Novakova,Petra,CZE\r\n"  // lynx.evt's last name wins
    "415,Silva,Ana,ESP\r\n"       // lynx.evt's affiliation wins
    "502,Berg,Lina,SWE\r\n";

struct people_fixture : ::testing::Test {
    meet_file meet = heat_meet();
    feed_output output{meet.feed, "club-meet-1"};
    lynx_adapter adapter{meet, output};

    conversion evt(std::string_view text) { return adapter.on_evt(text, "lynx.evt", ts); }
    conversion ppl(std::string_view text) { return adapter.on_ppl(text, "lynx.ppl", ts); }
    conversion lif(std::string_view text) { return adapter.on_lif(text, "012-1-03.lif", ts); }
    static constexpr const char* ts = "2024-06-01T09:43:00.000Z";
};

const feed::startlist_msg* last_startlist(const conversion& c) {
    for (auto it = c.messages.rbegin(); it != c.messages.rend(); ++it)
        if (const auto* sl = std::get_if<feed::startlist_msg>(&it->body)) return sl;
    return nullptr;
}

TEST_F(people_fixture, PeopleReadFirstCompleteTheEmptyFieldsOfTheStartList) {
    EXPECT_TRUE(ppl(people).problems.empty());
    auto c = evt(bare_evt);
    EXPECT_TRUE(c.problems.empty()) << describe(c.problems.front());
    const auto* sl = last_startlist(c);
    ASSERT_TRUE(sl);
    ASSERT_EQ(sl->athletes.size(), 3u);
    EXPECT_EQ(sl->athletes[0].name, "Grace Adeyemi");
    EXPECT_EQ(sl->athletes[0].country, "NGR");
    EXPECT_EQ(sl->athletes[0].lane, 2);
    EXPECT_EQ(sl->athletes[1].name, "Petra Novak");
    EXPECT_EQ(sl->athletes[1].country, "CZE");
    EXPECT_EQ(sl->athletes[2].country, "POR");
}

TEST_F(people_fixture, WithoutPeopleAnEmptyAffiliationIsReportedAsBefore) {
    auto c = evt(bare_evt);
    ASSERT_EQ(c.problems.size(), 2u);
    EXPECT_EQ(describe(c.problems[0]),
              "lynx.evt:2: bad_value: affiliation \"\" is not a country code: map it in the meet file's "
              "[countries]");
    EXPECT_EQ(c.problems[1].where, "lynx.evt:3");
}

TEST_F(people_fixture, PeopleReadAfterTheStartListsSendTheCompletedStartListOnce) {
    evt(bare_evt);
    auto c = ppl(people);
    EXPECT_TRUE(c.problems.empty());
    ASSERT_EQ(c.messages.size(), 1u);
    const auto* sl = last_startlist(c);
    ASSERT_TRUE(sl);
    EXPECT_EQ(sl->athletes[0].name, "Grace Adeyemi");
    EXPECT_EQ(c.messages[0].event, "W100-H3");
    EXPECT_TRUE(ppl(people).messages.empty());  // the same people again: nothing new
    EXPECT_TRUE(evt(bare_evt).messages.empty());
}

TEST_F(people_fixture, PeopleAfterTheStartChangeNoStartListAndSaySo) {
    evt(bare_evt);
    lif("12,1,3,Women 100m Heat 3,,,,,,100\n1,415,5,Silva,Ana,POR,11.402\n");
    auto c = ppl(people);
    EXPECT_TRUE(c.messages.empty());
    ASSERT_FALSE(c.problems.empty());
    EXPECT_EQ(describe(c.problems.back()),
              "lynx.evt:1: bad_value: the start list of W100-H3 changed after the start: not sent");
}

TEST_F(people_fixture, BadPeopleLinesAreReportedCountedAndTheRestStillApplies) {
    auto c =
        ppl("204,Adeyemi,\"Grace,NGR\n"  // line 1: open quote
            "311,Novak\n"                // line 2: too few columns
            ",Nobody,Else,GER\n"         // line 3: no ID
            "415,Silva,Ana,POR\n"        // line 4: fine
            "415,Silva,Anna,ESP\n"       // line 5: ID twice: the first is kept
            "204,Adeyemi,Grace,NGR\n");  // line 6: fine
    ASSERT_EQ(c.problems.size(), 4u);
    EXPECT_EQ(c.problems[0].where, "lynx.ppl:1");
    EXPECT_EQ(c.problems[0].reason, problem_reason::malformed_line);
    EXPECT_EQ(
        describe(c.problems[1]),
        "lynx.ppl:2: column_count: a person line needs ID, last name, first name, affiliation; it has 2 "
        "column(s)");
    EXPECT_EQ(describe(c.problems[2]), "lynx.ppl:3: bad_value: the person has no ID");
    EXPECT_EQ(describe(c.problems[3]), "lynx.ppl:5: bad_value: ID 415 is twice; kept the first");
    EXPECT_EQ(adapter.problems().of(problem_reason::bad_value), 2u);
    EXPECT_EQ(adapter.problems().total(), 4u);

    auto s = evt("12,1,3,Women 100m Heat 3,,,,,,100\n\t204,2,,,\n\t415,5,,,\n");
    EXPECT_TRUE(s.problems.empty());
    const auto* sl = last_startlist(s);
    ASSERT_TRUE(sl);
    EXPECT_EQ(sl->athletes[0].name, "Grace Adeyemi");
    EXPECT_EQ(sl->athletes[1].name, "Ana Silva");
    EXPECT_EQ(sl->athletes[1].country, "POR");
}

TEST_F(people_fixture, Windows1252PeopleArriveAsUtf8) {
    ppl("150,Nord\xe5s,Narve Gilje,NOR\n");
    auto c = evt("12,1,3,Women 100m Heat 3,,,,,,100\n\t150,8,,,\n");
    const auto* sl = last_startlist(c);
    ASSERT_TRUE(sl);
    EXPECT_EQ(sl->athletes[0].name, "Narve Gilje Nord\xc3\xa5s");
}

TEST_F(people_fixture, ArbitraryBytesAsPeopleNeverCrashAndNeverInventAStartList) {
    std::string noise;
    for (int i = 0; i < 4096; ++i) noise += static_cast<char>((i * 7919 + 13) % 256);
    auto c = ppl(noise);
    EXPECT_TRUE(c.messages.empty());
    EXPECT_FALSE(c.problems.empty());
}

}  // namespace
}  // namespace splitstream::adapters
