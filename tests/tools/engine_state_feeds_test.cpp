// An engine snapshot holds the whole state (feed/engine.hpp save/restore):
// for every recorded race in tests/data and the shared data, and every
// simulator spec's session, an engine restored at a cut derives from the
// rest of the feed exactly what the uninterrupted engine derived, byte for
// byte and seq for seq, and shows the same state at the cut and at the end.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "feed/engine.hpp"
#include "ingest/frame_parser.hpp"
#include "tests/test_paths.hpp"
#include "tools/sim/session.hpp"
#include "tools/sim/spec_loader.hpp"

namespace splitstream {
namespace {

namespace fs = std::filesystem;

struct parsed_feed {
    std::vector<feed::feed_message> messages;  // the frames the parser accepts
    std::set<std::string> rounds;              // round ids the start lists name
};

parsed_feed parse(const std::vector<std::string>& lines) {
    parsed_feed out;
    ingest::frame_parser parser;
    for (const auto& line : lines) {
        auto parsed = parser.parse(line);
        if (!parsed.ok()) continue;
        if (const auto* s = std::get_if<feed::startlist_msg>(&parsed.message().body);
            s && !s->round_id.empty())
            out.rounds.insert(s->round_id);
        out.messages.push_back(std::move(parsed.message()));
    }
    return out;
}

// What a client can see of the state: GET /v1/events and the state of
// every event and round.
std::vector<std::string> views(const feed::engine& e, const std::set<std::string>& rounds) {
    std::vector<std::string> out{e.events_json()};
    for (const auto& id : e.event_ids()) out.push_back(id + " " + e.snapshot_json(id).value_or("none"));
    for (const auto& id : rounds) out.push_back(id + " " + e.snapshot_json(id).value_or("none"));
    return out;
}

struct derived {
    std::uint64_t seq;
    std::string json;
    bool operator==(const derived&) const = default;
};

// Applies messages[from..] and returns their events.
std::vector<derived> run_from(feed::engine& e, const parsed_feed& feed, std::size_t from) {
    std::vector<derived> out;
    for (std::size_t i = from; i < feed.messages.size(); ++i)
        for (auto& ev : e.apply(feed.messages[i]).events) out.push_back({ev.seq, std::move(ev.json)});
    return out;
}

// Cuts after every frame of a short feed, at about 50 points of a long one.
void check_cuts(const std::vector<std::string>& lines) {
    const auto feed = parse(lines);
    ASSERT_FALSE(feed.messages.empty());
    feed::engine whole;
    const auto all = run_from(whole, feed, 0);
    ASSERT_FALSE(all.empty());
    const auto end_views = views(whole, feed.rounds);

    const std::size_t n = feed.messages.size();
    const std::size_t step = n <= 200 ? 1 : n / 50;
    feed::engine live;
    std::size_t applied = 0;
    std::size_t events_before = 0;
    int cuts = 0;
    for (std::size_t cut = 0; cut <= n; cut += step) {
        for (; applied < cut; ++applied) events_before += live.apply(feed.messages[applied]).events.size();
        SCOPED_TRACE("cut after " + std::to_string(cut) + " of " + std::to_string(n) + " frames");
        const auto bytes = live.save();
        auto restored = feed::engine::restore(bytes);
        ASSERT_TRUE(restored.value) << restored.error;
        EXPECT_TRUE(restored.value->save() == bytes) << "save(restore(save(e))) == save(e)";
        EXPECT_EQ(restored.value->head(), live.head());
        EXPECT_EQ(views(*restored.value, feed.rounds), views(live, feed.rounds)) << "the state at the cut";
        const auto rest = run_from(*restored.value, feed, cut);
        const std::vector<derived> expected(all.begin() + static_cast<std::ptrdiff_t>(events_before),
                                            all.end());
        ASSERT_EQ(rest, expected) << "the events after the cut";
        EXPECT_EQ(views(*restored.value, feed.rounds), end_views) << "the state at the end";
        ++cuts;
    }
    EXPECT_GE(cuts, std::min<std::size_t>(n, 50));
}

std::vector<std::string> read_lines(const fs::path& file) {
    std::vector<std::string> lines;
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) lines.push_back(line);
    return lines;
}

std::vector<fs::path> feeds_under(const fs::path& dir) {
    std::vector<fs::path> out;
    for (const auto& entry : fs::recursive_directory_iterator(dir))
        if (entry.path().extension() == ".jsonl") out.push_back(entry.path());
    std::sort(out.begin(), out.end());
    return out;
}

TEST(engine_state, every_recorded_race_restored_at_any_frame_derives_the_same_rest) {
    auto files = feeds_under(fs::path(SPLITSTREAM_SOURCE_DIR) / "tests" / "data");
    for (const auto& f : feeds_under(fs::path(SPLITSTREAM_SHARED_DIR) / "data")) files.push_back(f);
    ASSERT_GE(files.size(), 9u) << "the real races of tests/data and the shared data";
    for (const auto& file : files) {
        SCOPED_TRACE(file.string());
        check_cuts(read_lines(file));
    }
}

TEST(engine_state, every_simulated_session_restored_at_fifty_points_derives_the_same_rest) {
    const auto dir = fs::path(SPLITSTREAM_SOURCE_DIR) / "tools" / "sim" / "specs";
    int sessions = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        auto spec = sim::load_session_spec(entry.path().string());
        if (!spec.ok()) continue;  // a results file the sessions name, not a session
        SCOPED_TRACE(entry.path().string());
        std::vector<std::string> lines;
        for (auto& frame : sim::build_session(*spec.value, 7).frames) lines.push_back(std::move(frame.text));
        check_cuts(lines);
        ++sessions;
    }
    EXPECT_GE(sessions, 5);
}

}  // namespace
}  // namespace splitstream
