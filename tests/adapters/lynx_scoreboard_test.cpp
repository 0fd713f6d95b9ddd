// The FinishLynx scoreboard output splitstream.lss makes: the reference race
// as a session (gun, running splits with laps to go, UNOFFICIAL and OFFICIAL
// results blocks), chunked as TCP delivers it, and each bad line.

#include "adapters/lynx_scoreboard.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "adapters/lynx_adapter.hpp"
#include "feed/marks.hpp"
#include "ingest/frame_parser.hpp"
#include "tests/adapters/engine_run.hpp"
#include "tests/test_paths.hpp"

namespace splitstream::adapters {
namespace {

std::string read(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::filesystem::path data_dir() {
    return std::filesystem::path(test_paths::source_dir) / "tests/data/adapters/budapest-2023";
}

std::string line(const std::string& field, const std::string& value) {
    return "SS1\x1f" + field + "\x1f" + value + "\r\n";
}

std::string thousandths(std::int64_t ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%lld:%02lld.%03lld", static_cast<long long>(ms / 60000),
                  static_cast<long long>(ms % 60000 / 1000), static_cast<long long>(ms % 1000));
    return buf;
}

// The reference race as splitstream.lss would have FinishLynx send it.
std::string reference_session() {
    std::map<std::int64_t, std::vector<std::pair<std::string, std::int64_t>>> splits;
    std::vector<std::pair<std::string, std::int64_t>> finishes;
    ingest::frame_parser parser;
    for (const auto& l : test_paths::reference_feed_lines()) {
        auto parsed = parser.parse(l);
        if (!parsed.ok()) continue;
        if (auto* s = std::get_if<feed::split_msg>(&parsed.message().body))
            splits[s->distance_m].push_back({s->bib, s->elapsed_ms});
        if (auto* f = std::get_if<feed::finish_msg>(&parsed.message().body))
            finishes.push_back({f->bib, f->elapsed_ms});
    }
    auto header = [](const std::string& status) {
        return line("STATUS", status) + line("EVENT", "1") + line("ROUND", "1") + line("HEAT", "1");
    };
    std::string s = line("EVENT", "1") + line("ROUND", "1") + line("HEAT", "1") + line("GUN", "0.0");
    for (const std::int64_t at : {300, 700, 1100}) {
        s += header("");
        for (const auto& [bib, ms] : splits[at])
            s += line("PLACE", "") + line("ID", bib) + line("TIME", "") + line("SPLIT", thousandths(ms)) +
                 line("LAPS", std::to_string((1500 - at) / 400)) + line("END", bib);
        s += line("DONE", "");
    }
    for (const std::string status : {"UNOFFICIAL", "OFFICIAL"}) {
        s += header(status);
        int place = 0;
        for (const auto& [bib, ms] : finishes)
            s += line("PLACE", std::to_string(++place)) + line("ID", bib) + line("TIME", thousandths(ms)) +
                 line("SPLIT", "") + line("LAPS", "0") + line("END", bib);
        s += line("DONE", status);
    }
    return s;
}

struct scoreboard_fixture : ::testing::Test {
    meet_file meet = load_meet_file(data_dir() / "meet.toml").meet.value_or(meet_file{});
    feed_output output{"lss", "lss-1"};
    lynx_adapter files{meet, output};
    lynx_scoreboard scoreboard{meet, output};
    std::vector<feed::feed_message> all;
    void SetUp() override {
        auto c = files.on_evt(read(data_dir() / "lynx.evt"), "lynx.evt", "2023-08-23T19:15:00.000Z");
        all = c.messages;
    }
    conversion send(std::string_view bytes) {
        auto c = scoreboard.on_bytes(bytes, "scoreboard", "2023-08-23T19:16:00.000Z");
        all.insert(all.end(), c.messages.begin(), c.messages.end());
        return c;
    }
};

TEST_F(scoreboard_fixture, TheReferenceSessionGivesTheResultsRecordsClaimsAndSplitsOfTheFeedV1Run) {
    const auto session = reference_session();
    // TCP delivers it in pieces that cut lines anywhere.
    for (std::size_t at = 0; at < session.size(); at += 37) {
        auto c = send(std::string_view(session).substr(at, 37));
        EXPECT_TRUE(c.problems.empty()) << describe(c.problems.front());
    }
    const auto lss = test::run_messages(all);
    EXPECT_TRUE(lss.rejected.empty()) << lss.rejected.front();
    const auto reference = test::run_lines(test_paths::reference_feed_lines());
    EXPECT_EQ(lss.last_ranking(), reference.last_ranking());
    EXPECT_TRUE(lss.last_results_official());
    EXPECT_EQ(lss.records(), reference.records());
    EXPECT_EQ(lss.texts(feed::event_type::finish), reference.texts(feed::event_type::finish));
    // The split events at the points the scoreboard carries (300, 700, 1100 m) are the feed v1 run's.
    std::vector<std::string> reference_splits;
    for (const auto& t : reference.texts(feed::event_type::split))
        if (t.find(" at 300 m") != std::string::npos || t.find(" at 700 m") != std::string::npos ||
            t.find(" at 1100 m") != std::string::npos)
            reference_splits.push_back(t);
    EXPECT_EQ(lss.texts(feed::event_type::split), reference_splits);
    EXPECT_EQ(reference_splits.size(), 36u);
}

TEST_F(scoreboard_fixture, EachBadLineIsReportedCountedAndSkipped) {
    auto c =
        send(line("EVENT", "1") + "hello\r\n" + line("COLOUR", "red") + line("ID", "136") +
             line("EVENT", "one") + line("STATUS", "UNOFFICIAL") + line("PLACE", "1") + line("ID", "999") +
             line("TIME", "3:40.00") + line("END", "") + line("PLACE", "X") + line("ID", "136") +
             line("TIME", "3:29.38") + line("END", "") + line("PLACE", "2") + line("ID", "129") +
             line("TIME", "3:29.65") + line("END", "") + line("DONE", "") + std::string(2000, 'x') + "\n");
    std::vector<problem_reason> reasons;
    for (const auto& p : c.problems) reasons.push_back(p.reason);
    EXPECT_EQ(reasons,
              (std::vector<problem_reason>{problem_reason::malformed_line, problem_reason::malformed_line,
                                           problem_reason::malformed_line, problem_reason::bad_value,
                                           problem_reason::unknown_bib, problem_reason::unknown_place,
                                           problem_reason::malformed_line}));
    EXPECT_EQ(describe(c.problems[1]), "scoreboard:3: malformed_line: unknown field \"COLOUR\"");
    // Ingebrigtsen's line still applies.
    int finishes = 0;
    for (const auto& m : c.messages) finishes += m.type() == feed::message_type::finish;
    EXPECT_EQ(finishes, 1);
}

}  // namespace
}  // namespace splitstream::adapters
