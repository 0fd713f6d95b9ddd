#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "feed/engine.hpp"
#include "ingest/frame_parser.hpp"
#include "replay/journal_writer.hpp"
#include "replay/recovery.hpp"
#include "tests/replay/replay_test_support.hpp"
#include "tests/test_paths.hpp"

namespace splitstream::replay {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> read_lines(const fs::path& path) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) lines.push_back(line);
    return lines;
}

struct event_view {
    std::uint64_t seq;
    std::string json;
    bool operator==(const event_view&) const = default;
};

// What a daemon does with each frame: parse, apply, journal the decision,
// collect the derived events it would publish.
class daemon_model {
public:
    daemon_model(const fs::path& journal, const std::string& epoch) {
        open_report report;
        std::error_code ec;
        writer_ =
            journal_writer::open({.path = journal, .epoch = epoch, .sync = sync_policy::os}, report, ec);
        EXPECT_TRUE(writer_) << ec.message();
    }

    void frame(const std::string& bytes) {
        ingest::received_frame f{.bytes = bytes, .wall_ns = ++clock_, .mono_ns = clock_, .line = 0};
        auto parsed = parser_.parse(bytes);
        if (!parsed.ok()) {
            ASSERT_FALSE(writer_->append_rejected(f, parsed.rejected()));
            return;
        }
        auto result = engine.apply(parsed.message());
        if (result.rejected) {
            ASSERT_FALSE(writer_->append_rejected(f, *result.rejected));
            return;
        }
        ASSERT_FALSE(writer_->append_applied(f));
        for (const auto& e : result.events) published.push_back({e.seq, e.json});
    }

    void duplicate(const std::string& bytes) {
        ASSERT_FALSE(
            writer_->append_duplicate({.bytes = bytes, .wall_ns = ++clock_, .mono_ns = clock_, .line = 1}));
    }

    void notice(const feed::feed_notice& n) {
        auto e = engine.notice(n);
        ASSERT_FALSE(writer_->append_notice(n));
        published.push_back({e.seq, e.json});
    }

    feed::engine engine;
    std::vector<event_view> published;

private:
    ingest::frame_parser parser_;
    std::unique_ptr<journal_writer> writer_;
    std::int64_t clock_ = 0;
};

std::vector<event_view> views(const std::vector<feed::derived_event>& events) {
    std::vector<event_view> out;
    for (const auto& e : events) out.push_back({e.seq, e.json});
    return out;
}

// The reference race as a daemon would see it on a bad day: a connect
// notice, a frame that is not JSON, a frame the engine refuses, a duplicate
// and a gap notice in the middle.
void run_reference_race(daemon_model& d) {
    auto lines = read_lines(test_paths::reference_feed());
    ASSERT_EQ(lines.size(), 185u);
    d.notice(
        {.state = "connected", .ts = "2023-08-23T19:13:59.000Z", .src_seq = 0, .text = "", .details = {}});
    for (std::size_t i = 0; i < lines.size(); ++i) {
        d.frame(lines[i]);
        if (i == 20) {
            d.frame(R"({"seq":22,"type":"split",)");
            d.duplicate(lines[i]);
        }
        if (i == 60) {
            d.frame(
                R"({"seq":62,"type":"split","ts":"2023-08-23T19:16:40.000Z","event":"M1500-F","bib":"999","distance_m":600,"elapsed_ms":80000})");
            d.notice({.state = "gap",
                      .ts = "2023-08-23T19:16:40.100Z",
                      .src_seq = 61,
                      .text = "",
                      .details = {{"from", std::int64_t{62}}, {"to", std::int64_t{62}}}});
        }
    }
}

TEST(recovery, rebuilds_the_same_events_and_state_as_the_live_run) {
    auto journal = fresh_dir("same") / "journal";
    daemon_model live(journal, "stream-7");
    run_reference_race(live);
    ASSERT_GT(live.published.size(), 185u);

    feed::engine engine;
    ingest::frame_parser parser;
    std::error_code ec;
    auto r = recover(journal, engine, parser, {}, ec);
    ASSERT_FALSE(ec) << ec.message();

    EXPECT_EQ(r.epoch, "stream-7");
    EXPECT_EQ(views(r.events), live.published);
    EXPECT_EQ(r.head, live.engine.head());
    EXPECT_EQ(engine.head(), live.engine.head());
    EXPECT_EQ(engine.snapshot_json("M1500-F"), live.engine.snapshot_json("M1500-F"));
    EXPECT_EQ(engine.events_json(), live.engine.events_json());
    ASSERT_TRUE(r.last_feed_seq);
    EXPECT_EQ(*r.last_feed_seq, 185u);
    EXPECT_EQ(r.feed_epoch, "budapest-2023-men-1500m-final-1");
    EXPECT_EQ(r.counts.applied, 185u);
    EXPECT_EQ(r.counts.rejected, 2u);
    EXPECT_EQ(r.counts.duplicates, 1u);
    EXPECT_EQ(r.counts.notices, 2u);
    EXPECT_EQ(r.counts.diverged, 0u);
    EXPECT_EQ(r.end.stop, read_stop::end);

    // The next notice after a restart continues the same sequence.
    feed::feed_notice resumed{
        .state = "resumed", .ts = "2023-08-23T20:00:00.000Z", .src_seq = 185, .text = "", .details = {}};
    EXPECT_EQ(engine.notice(resumed).json, live.engine.notice(resumed).json);
}

TEST(recovery, keeps_only_the_newest_events_when_the_history_is_limited) {
    auto journal = fresh_dir("limit") / "journal";
    daemon_model live(journal, "stream-7");
    run_reference_race(live);

    feed::engine engine;
    ingest::frame_parser parser;
    std::error_code ec;
    auto r = recover(journal, engine, parser, {.history_limit = 10}, ec);
    ASSERT_EQ(r.events.size(), 10u);
    std::vector<event_view> newest(live.published.end() - 10, live.published.end());
    EXPECT_EQ(views(r.events), newest);
    EXPECT_EQ(engine.head(), live.engine.head());
}

TEST(recovery, a_torn_last_record_ends_recovery_at_the_last_complete_frame) {
    auto journal = fresh_dir("torn") / "journal";
    std::size_t events_before_last = 0;
    {
        daemon_model live(journal, "stream-7");
        auto lines = read_lines(test_paths::reference_feed());
        for (std::size_t i = 0; i + 1 < lines.size(); ++i) live.frame(lines[i]);
        events_before_last = live.published.size();
        live.frame(lines.back());
    }
    fs::resize_file(journal, fs::file_size(journal) - 5);

    feed::engine engine;
    ingest::frame_parser parser;
    std::error_code ec;
    auto r = recover(journal, engine, parser, {}, ec);
    ASSERT_FALSE(ec);
    EXPECT_EQ(r.end.stop, read_stop::torn);
    EXPECT_EQ(r.events.size(), events_before_last);
    EXPECT_EQ(*r.last_feed_seq, 184u);  // ingest asks the upstream for 185 again
}

TEST(recovery, a_journal_made_by_record_drops_duplicates_like_the_daemon) {
    auto dir = fresh_dir("record");
    auto journal = dir / "journal";
    auto lines = read_lines(test_paths::reference_feed());
    {
        open_report report;
        std::error_code ec;
        auto w = journal_writer::open({.path = journal, .epoch = "", .sync = sync_policy::os}, report, ec);
        ASSERT_TRUE(w);
        std::int64_t t = 0;
        for (std::size_t i = 0; i < lines.size(); ++i) {
            ASSERT_FALSE(w->append_received({.bytes = lines[i], .wall_ns = ++t, .mono_ns = t, .line = 0}));
            if (i == 30) {
                ASSERT_FALSE(
                    w->append_received({.bytes = lines[i - 1], .wall_ns = ++t, .mono_ns = t, .line = 0}));
            }
        }
    }
    daemon_model direct(dir / "direct", "x");
    for (const auto& l : lines) direct.frame(l);

    feed::engine engine;
    ingest::frame_parser parser;
    std::error_code ec;
    auto r = recover(journal, engine, parser, {}, ec);
    EXPECT_EQ(views(r.events), direct.published);
    EXPECT_EQ(r.counts.duplicates, 1u);
    EXPECT_EQ(r.counts.applied, 185u);
}

TEST(recovery, a_missing_journal_is_an_error) {
    feed::engine engine;
    ingest::frame_parser parser;
    std::error_code ec;
    recover(fresh_dir("missing") / "journal", engine, parser, {}, ec);
    EXPECT_EQ(ec, std::errc::no_such_file_or_directory);
}

}  // namespace
}  // namespace splitstream::replay
