// A simulated championship session written as FinishLynx files (what `sim
// --format lif` writes) and read back through the adapter gives the results
// the session's feed v1 gives, event by event.

#include "adapters/lynx_render.hpp"

#include <gtest/gtest.h>

#include <map>

#include "adapters/offline_convert.hpp"
#include "ingest/frame_parser.hpp"
#include "tests/adapters/engine_run.hpp"
#include "tools/sim/session.hpp"

namespace splitstream::adapters {
namespace {

// The ranking of each event's last results event.
std::map<std::string, std::string> rankings(const test::engine_run& run) {
    std::map<std::string, std::string> out;
    for (const auto& e : run.events)
        if (e.type == feed::event_type::results) out[e.event] = e.json.substr(e.json.find("\"ranking\":"));
    return out;
}

TEST(LynxRender, ASimulatedSessionThroughFinishLynxFilesGivesTheSameResults) {
    const auto rec = sim::build_session(sim::default_session(), 2023);
    std::vector<std::string> lines;
    std::vector<feed::feed_message> messages;
    ingest::frame_parser parser;
    for (const auto& f : rec.frames) {
        lines.push_back(f.text);
        auto parsed = parser.parse(f.text);
        if (parsed.ok()) messages.push_back(parsed.message());
    }
    const auto files = render_lynx(messages, "sim");
    ASSERT_GE(files.size(), 3u);
    EXPECT_EQ(files.front().name, "lynx.evt");
    EXPECT_EQ(files.back().name, "meet.toml");
    auto meet = parse_meet_file(files.back().text, "meet.toml");
    ASSERT_TRUE(meet.meet) << meet.error;
    std::vector<named_input> inputs;
    for (std::size_t i = 0; i + 1 < files.size(); ++i)
        inputs.push_back({files[i].name, files[i].text, "2023-08-23T19:00:00.000Z"});
    const auto converted = convert_inputs(*meet.meet, source_format::lif, inputs);
    EXPECT_TRUE(converted.problems.empty()) << describe(converted.problems.front());

    const auto direct = test::run_lines(lines);
    const auto lynx = test::run_messages(converted.messages);
    EXPECT_TRUE(lynx.rejected.empty()) << lynx.rejected.front();
    // A LIF has no column for the rule of a DQ: everything else must match.
    auto want = rankings(direct);
    for (auto& [event, ranking] : want)
        for (auto at = ranking.find(",\"rule\":"); at != std::string::npos; at = ranking.find(",\"rule\":"))
            ranking.erase(at, ranking.find('}', at) - at);
    ASSERT_GE(want.size(), 2u);
    EXPECT_EQ(rankings(lynx), want);
}

}  // namespace
}  // namespace splitstream::adapters
