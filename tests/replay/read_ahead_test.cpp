#include "replay/read_ahead.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "replay/journal_writer.hpp"
#include "tests/replay/replay_test_support.hpp"

namespace splitstream::replay {
namespace {

namespace fs = std::filesystem;

fs::path fresh_journal(const std::string& name) {
    return fresh_dir(name) / "journal";
}

std::string split_json(int seq) {
    return R"({"seq":)" + std::to_string(seq) +
           R"(,"type":"split","ts":"2024-08-06T19:51:55.310Z","event":"M1500-F","bib":")" +
           std::to_string(1000 + seq % 12) + R"(","distance_m":)" + std::to_string(seq) +
           R"(,"elapsed_ms":115210})";
}

// A journal over many small rotated files, with every kind of record.
void write_journal(const fs::path& path, int frames) {
    open_report report;
    std::error_code ec;
    auto w = journal_writer::open(
        {.path = path, .epoch = "e1", .sync = sync_policy::os, .rotate_bytes = 16 * 1024}, report, ec);
    ASSERT_TRUE(w) << ec.message();
    for (int i = 1; i <= frames; ++i) {
        ingest::received_frame f{.bytes = split_json(i), .wall_ns = i, .mono_ns = i, .line = 0};
        if (i % 97 == 0) {
            ASSERT_FALSE(
                w->append_rejected(f, {feed::reject_reason::unknown_bib, "bib not in the start list"}));
        } else if (i % 89 == 0) {
            ASSERT_FALSE(w->append_duplicate(f));
        } else if (i % 83 == 0) {
            feed::feed_notice n;
            n.state = "gap";
            n.ts = "2024-08-06T19:51:55.310Z";
            ASSERT_FALSE(w->append_notice(n));
        } else {
            ASSERT_FALSE(w->append_applied(f));
        }
    }
}

// Reads the journal through read_ahead and checks every record against a
// plain read: order, kinds, parses (who did them is up to read_ahead).
// `caller_parsed`: how many batches the caller parsed.
void check_every_record(const std::string& name, read_ahead_options options, std::uint64_t& caller_parsed) {
    const auto path = fresh_journal(name);
    const int frames = 3000;  // about twelve batches, several files
    write_journal(path, frames);
    ASSERT_GE(journal_segments(path).size(), 4u);

    std::error_code ec;
    auto plain = journal_reader::open(path, {}, ec);
    ASSERT_TRUE(plain) << ec.message();
    std::vector<std::string> expected;
    journal_record rec;
    while (plain->next(rec))
        expected.push_back(
            std::string(to_string(rec.kind)) + ":" +
            (rec.kind == record_kind::notice ? rec.notice.state : std::string(rec.frame.bytes)));
    ASSERT_EQ(expected.size(), static_cast<std::size_t>(frames));

    auto reader = journal_reader::open(path, {}, ec);
    ASSERT_TRUE(reader);
    ingest::frame_parser parser;
    std::vector<std::string> got;
    std::size_t parsed = 0;
    std::vector<std::string_view> kept;  // views from early batches must outlive later files
    {
        read_ahead ahead(*reader, parser, options);
        for (auto batch = ahead.next(); !batch.empty(); batch = ahead.next()) {
            for (const auto& item : batch) {
                const auto& r = item.record;
                got.push_back(std::string(to_string(r.kind)) + ":" +
                              (r.kind == record_kind::notice ? r.notice.state : std::string(r.frame.bytes)));
                EXPECT_EQ(item.parsed_here, needs_parse(r));
                if (item.parsed_here) {
                    ++parsed;
                    ASSERT_TRUE(item.parsed.ok());
                    EXPECT_EQ(std::get<feed::split_msg>(item.parsed.message().body).distance_m,
                              static_cast<std::int64_t>(item.parsed.message().seq));
                }
                if (r.kind == record_kind::frame_applied && kept.size() < 10) kept.push_back(r.frame.bytes);
            }
        }
        caller_parsed = ahead.batches_parsed_by_caller();
    }
    EXPECT_EQ(reader->end().stop, read_stop::end);
    EXPECT_EQ(got, expected);
    // Applied frames are parsed; engine refusals too (their seq counts);
    // duplicates and notices are not.
    EXPECT_EQ(parsed, static_cast<std::size_t>(frames - frames / 89 - frames / 83));
    for (std::size_t i = 0; i < kept.size(); ++i) EXPECT_EQ(kept[i], split_json(static_cast<int>(i) + 1));
}

TEST(read_ahead, gives_every_record_in_order_across_batches_and_files_with_parses_done) {
    // Who parses which batch depends on timing; the records do not.
    std::uint64_t caller_parsed = 0;
    check_every_record("order", {.worker_parses = true}, caller_parsed);
}

TEST(read_ahead, when_the_worker_only_reads_the_caller_parses_every_batch) {
    // The one-core mode, and the caller's own parser on every batch.
    std::uint64_t caller_parsed = 0;
    check_every_record("caller", {.worker_parses = false}, caller_parsed);
    EXPECT_EQ(caller_parsed, (3000u + 255u) / 256u);
}

TEST(read_ahead, stopping_before_the_end_joins_the_reader_thread) {
    const auto path = fresh_journal("stop");
    write_journal(path, 2000);
    std::error_code ec;
    auto reader = journal_reader::open(path, {}, ec);
    ASSERT_TRUE(reader);
    ingest::frame_parser parser;
    {
        read_ahead ahead(*reader, parser);
        auto first = ahead.next();
        ASSERT_FALSE(first.empty());
        EXPECT_EQ(first.front().record.frame.bytes, split_json(1));
    }  // destroyed with most of the journal unread: must not hang or crash
    // The parser is the caller's again.
    EXPECT_TRUE(parser.parse(split_json(5)).ok());
}

TEST(read_ahead, an_empty_journal_ends_at_once) {
    const auto path = fresh_journal("empty");
    write_journal(path, 0);
    std::error_code ec;
    auto reader = journal_reader::open(path, {}, ec);
    ASSERT_TRUE(reader) << ec.message();
    ingest::frame_parser parser;
    read_ahead ahead(*reader, parser);
    EXPECT_TRUE(ahead.next().empty());
    EXPECT_TRUE(ahead.next().empty());
}

}  // namespace
}  // namespace splitstream::replay
