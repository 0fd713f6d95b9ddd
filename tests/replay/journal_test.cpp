#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "replay/journal_reader.hpp"
#include "replay/journal_writer.hpp"
#include "tests/replay/replay_test_support.hpp"

namespace splitstream::replay {
namespace {

namespace fs = std::filesystem;

ingest::received_frame frame(std::string bytes, std::int64_t n, int line = 0) {
    return {.bytes = std::move(bytes),
            .wall_ns = 1'700'000'000'000'000'000 + n,
            .mono_ns = 5'000 + n,
            .line = line};
}

std::string split_json(int seq) {
    return R"({"seq":)" + std::to_string(seq) +
           R"(,"type":"split","ts":"2024-08-06T19:51:55.310Z","event":"M1500-F","bib":"1024","distance_m":800,"elapsed_ms":115210})";
}

std::unique_ptr<journal_writer> open_writer(const writer_options& o, open_report& report) {
    std::error_code ec;
    auto w = journal_writer::open(o, report, ec);
    EXPECT_FALSE(ec) << ec.message();
    return w;
}

// Number of records read before the reader stopped; `end` says why.
std::size_t count_records(const fs::path& path, read_end& end) {
    std::error_code ec;
    auto r = journal_reader::open(path, {}, ec);
    EXPECT_TRUE(r) << ec.message();
    if (!r) return 0;
    std::size_t n = 0;
    journal_record rec;
    while (r->next(rec)) ++n;
    end = r->end();
    return n;
}

// Frame text of each frame record, in order; notices as "notice:<state>".
std::vector<std::string> texts(const fs::path& path) {
    std::error_code ec;
    auto r = journal_reader::open(path, {}, ec);
    std::vector<std::string> out;
    if (!r) return out;
    journal_record rec;
    while (r->next(rec))
        out.push_back(rec.kind == record_kind::notice ? "notice:" + rec.notice.state
                                                      : std::string(rec.frame.bytes));
    return out;
}

TEST(journal, every_record_kind_reads_back_as_written) {
    auto path = fresh_dir("roundtrip") / "journal";
    open_report report;
    auto w = open_writer({.path = path, .epoch = "2024-08-06a", .sync = sync_policy::every_record}, report);
    ASSERT_TRUE(w);
    EXPECT_TRUE(report.created);

    ASSERT_FALSE(w->append_applied(frame(split_json(4), 1, 0)));
    ASSERT_FALSE(w->append_rejected(frame("{not json", 2, 1), {.reason = feed::reject_reason::invalid_json,
                                                               .detail = "expected a value at 1"}));
    ASSERT_FALSE(
        w->append_rejected(frame(split_json(5), 3, 0),
                           {.reason = feed::reject_reason::time_backwards, .detail = "bib 1024 went back"}));
    ASSERT_FALSE(w->append_duplicate(frame(split_json(4), 4, 1)));
    ASSERT_FALSE(w->append_received(frame(split_json(6), 5, 2)));
    feed::feed_notice n{
        .state = "gap",
        .ts = "2024-08-06T19:51:56.000Z",
        .src_seq = 6,
        .text = "Feed gap: 7 to 9 missing",
        .details = {{"from", std::int64_t{7}}, {"to", std::int64_t{9}}, {"line", std::string("A")}}};
    ASSERT_FALSE(w->append_notice(n));
    EXPECT_EQ(w->stats().records, 6u);
    EXPECT_EQ(w->stats().syncs, 6u);
    w.reset();

    std::error_code ec;
    auto r = journal_reader::open(path, {}, ec);
    ASSERT_TRUE(r) << ec.message();
    EXPECT_EQ(r->header().epoch, "2024-08-06a");
    EXPECT_GT(r->header().created_wall_ns, 0);

    journal_record rec;
    ASSERT_TRUE(r->next(rec));
    EXPECT_EQ(rec.kind, record_kind::frame_applied);
    EXPECT_EQ(rec.frame.bytes, split_json(4));
    EXPECT_EQ(rec.frame.wall_ns, 1'700'000'000'000'000'001);
    EXPECT_EQ(rec.frame.mono_ns, 5'001);
    EXPECT_EQ(rec.frame.line, 0);
    EXPECT_FALSE(rec.frame.reason);

    ASSERT_TRUE(r->next(rec));
    EXPECT_EQ(rec.kind, record_kind::frame_rejected);
    EXPECT_EQ(rec.frame.bytes, "{not json");
    EXPECT_EQ(rec.frame.line, 1);
    ASSERT_TRUE(rec.frame.reason);
    EXPECT_EQ(*rec.frame.reason, feed::reject_reason::invalid_json);
    EXPECT_EQ(rec.frame.detail, "expected a value at 1");

    ASSERT_TRUE(r->next(rec));
    EXPECT_EQ(rec.kind, record_kind::frame_rejected);
    EXPECT_EQ(*rec.frame.reason, feed::reject_reason::time_backwards);
    EXPECT_EQ(rec.frame.detail, "bib 1024 went back");

    ASSERT_TRUE(r->next(rec));
    EXPECT_EQ(rec.kind, record_kind::frame_duplicate);
    EXPECT_EQ(rec.frame.line, 1);

    ASSERT_TRUE(r->next(rec));
    EXPECT_EQ(rec.kind, record_kind::frame_received);
    EXPECT_EQ(rec.frame.bytes, split_json(6));
    EXPECT_EQ(rec.frame.line, 2);

    ASSERT_TRUE(r->next(rec));
    EXPECT_EQ(rec.kind, record_kind::notice);
    EXPECT_EQ(rec.notice.state, "gap");
    EXPECT_EQ(rec.notice.ts, "2024-08-06T19:51:56.000Z");
    EXPECT_EQ(rec.notice.src_seq, 6u);
    EXPECT_EQ(rec.notice.text, "Feed gap: 7 to 9 missing");
    EXPECT_EQ(rec.notice.details, n.details);

    EXPECT_FALSE(r->next(rec));
    EXPECT_EQ(r->end().stop, read_stop::end);
    EXPECT_EQ(r->end().offset, fs::file_size(path));
}

TEST(journal, reopening_appends_after_existing_records) {
    auto path = fresh_dir("reopen") / "journal";
    open_report report;
    {
        auto w = open_writer({.path = path, .epoch = "e1"}, report);
        ASSERT_FALSE(w->append_applied(frame(split_json(1), 1)));
        ASSERT_FALSE(w->append_applied(frame(split_json(2), 2)));
    }
    {
        auto w = open_writer({.path = path, .epoch = "e1"}, report);
        EXPECT_FALSE(report.created);
        EXPECT_EQ(report.records, 2u);
        EXPECT_EQ(report.truncated_bytes, 0u);
        ASSERT_FALSE(w->append_applied(frame(split_json(3), 3)));
    }
    EXPECT_EQ(texts(path), (std::vector<std::string>{split_json(1), split_json(2), split_json(3)}));
}

TEST(journal, a_journal_of_another_epoch_is_refused) {
    auto path = fresh_dir("epoch") / "journal";
    open_report report;
    open_writer({.path = path, .epoch = "e1"}, report);
    std::error_code ec;
    auto w = journal_writer::open({.path = path, .epoch = "e2"}, report, ec);
    EXPECT_FALSE(w);
    EXPECT_EQ(ec, journal_errc::epoch_mismatch);

    // An empty epoch adopts the journal's own.
    auto adopted = journal_writer::open({.path = path, .epoch = ""}, report, ec);
    ASSERT_TRUE(adopted);
    EXPECT_EQ(adopted->epoch(), "e1");
}

TEST(journal, a_file_that_is_not_a_journal_is_refused) {
    auto path = fresh_dir("foreign") / "journal";
    std::ofstream(path) << split_json(1) << "\n";
    std::error_code ec;
    EXPECT_FALSE(journal_reader::open(path, {}, ec));
    EXPECT_EQ(ec, journal_errc::bad_magic);
    open_report report;
    EXPECT_FALSE(journal_writer::open({.path = path, .epoch = "e1"}, report, ec));
    EXPECT_EQ(ec, journal_errc::bad_magic);
    // The file is left as it was.
    EXPECT_EQ(fs::file_size(path), split_json(1).size() + 1);
}

TEST(journal, a_cut_at_every_byte_of_the_last_record_reopens_with_the_complete_records) {
    auto dir = fresh_dir("torn");
    auto whole = dir / "whole";
    open_report report;
    std::uint64_t before_last = 0;
    {
        auto w = open_writer({.path = whole, .epoch = "e1"}, report);
        for (int i = 1; i <= 3; ++i) ASSERT_FALSE(w->append_applied(frame(split_json(i), i)));
        before_last = w->file_size();
        ASSERT_FALSE(w->append_rejected(frame(split_json(4), 4),
                                        {.reason = feed::reject_reason::unknown_bib, .detail = "bib 9"}));
    }
    const std::uint64_t full = fs::file_size(whole);
    ASSERT_GT(full, before_last + record_header_bytes);

    for (std::uint64_t cut = before_last; cut < full; ++cut) {
        SCOPED_TRACE("cut at " + std::to_string(cut));
        auto path = dir / "journal";
        fs::remove(path);
        fs::copy_file(whole, path);
        fs::resize_file(path, cut);

        auto w = open_writer({.path = path, .epoch = "e1"}, report);
        ASSERT_TRUE(w);
        EXPECT_EQ(report.records, 3u);
        EXPECT_EQ(report.truncated_bytes, cut - before_last);
        if (cut > before_last) {
            EXPECT_EQ(report.tail, read_stop::torn);
            EXPECT_EQ(report.truncated_at, before_last);
        }
        ASSERT_FALSE(w->append_applied(frame(split_json(5), 5)));
        w.reset();

        read_end end;
        count_records(path, end);
        EXPECT_EQ(end.stop, read_stop::end);
        EXPECT_EQ(texts(path),
                  (std::vector<std::string>{split_json(1), split_json(2), split_json(3), split_json(5)}));
    }
}

TEST(journal, a_flipped_byte_in_the_middle_stops_the_reader_and_the_writer_refuses) {
    auto path = fresh_dir("corrupt") / "journal";
    open_report report;
    std::uint64_t second = 0;
    {
        auto w = open_writer({.path = path, .epoch = "e1"}, report);
        ASSERT_FALSE(w->append_applied(frame(split_json(1), 1)));
        second = w->file_size();
        for (int i = 2; i <= 5; ++i) ASSERT_FALSE(w->append_applied(frame(split_json(i), i)));
    }
    {
        std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(second + record_header_bytes + 30));
        f.put('X');
    }
    read_end end;
    EXPECT_EQ(count_records(path, end), 1u);
    EXPECT_EQ(end.stop, read_stop::corrupt);
    EXPECT_EQ(end.offset, second);

    // Good records follow the damage: cutting there would lose them.
    std::error_code ec;
    EXPECT_FALSE(journal_writer::open({.path = path, .epoch = "e1"}, report, ec));
    EXPECT_EQ(ec, journal_errc::corrupt_record);

    // The operator may choose to cut anyway.
    auto w = journal_writer::open({.path = path, .epoch = "e1", .corruption = on_corruption::truncate},
                                  report, ec);
    ASSERT_TRUE(w) << ec.message();
    EXPECT_EQ(report.tail, read_stop::corrupt);
    EXPECT_EQ(report.truncated_at, second);
    EXPECT_EQ(report.records, 1u);
}

TEST(journal, any_changed_byte_stops_the_reader_at_the_record_that_holds_it) {
    auto dir = fresh_dir("mutate");
    auto whole = dir / "whole";
    std::vector<std::uint64_t> starts;  // offset of each record
    {
        open_report report;
        auto w = open_writer({.path = whole, .epoch = "e1", .sync = sync_policy::os}, report);
        for (int i = 1; i <= 4; ++i) {
            starts.push_back(w->file_size());
            ASSERT_FALSE(w->append_applied(frame(split_json(i), i)));
        }
        starts.push_back(w->file_size());
        ASSERT_FALSE(
            w->append_notice({.state = "stale", .ts = "t", .src_seq = 4, .text = "", .details = {}}));
    }
    std::string bytes;
    {
        std::ifstream in(whole, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    auto path = dir / "journal";
    for (std::uint64_t at = starts.front(); at < bytes.size(); ++at) {
        for (unsigned char flip : {0x01, 0x80, 0xFF}) {
            SCOPED_TRACE("byte " + std::to_string(at) + " ^ " + std::to_string(flip));
            std::string mutated = bytes;
            mutated[at] = static_cast<char>(mutated[at] ^ flip);
            std::ofstream(path, std::ios::binary | std::ios::trunc) << mutated;
            std::size_t holder = 0;
            while (holder + 1 < starts.size() && starts[holder + 1] <= at) ++holder;
            read_end end;
            EXPECT_EQ(count_records(path, end), holder);
            EXPECT_NE(end.stop, read_stop::end);
            EXPECT_EQ(end.offset, starts[holder]);
        }
    }
}

TEST(journal, a_zero_filled_tail_after_a_power_cut_is_cut) {
    auto path = fresh_dir("zeros") / "journal";
    open_report report;
    std::uint64_t good = 0;
    {
        auto w = open_writer({.path = path, .epoch = "e1"}, report);
        ASSERT_FALSE(w->append_applied(frame(split_json(1), 1)));
        good = w->file_size();
    }
    fs::resize_file(path, good + 4096);  // extends with zeros
    auto w = open_writer({.path = path, .epoch = "e1"}, report);
    ASSERT_TRUE(w);
    EXPECT_EQ(report.truncated_bytes, 4096u);
    EXPECT_EQ(fs::file_size(path), good);
}

TEST(journal, rotated_files_are_read_back_in_order) {
    auto path = fresh_dir("rotate") / "journal";
    open_report report;
    {
        auto w =
            open_writer({.path = path, .epoch = "e1", .sync = sync_policy::os, .rotate_bytes = 400}, report);
        for (int i = 1; i <= 10; ++i) ASSERT_FALSE(w->append_applied(frame(split_json(i), i)));
        EXPECT_GE(w->stats().rotations, 3u);
    }
    // Reopening continues the numbering instead of overwriting a segment.
    {
        auto w =
            open_writer({.path = path, .epoch = "e1", .sync = sync_policy::os, .rotate_bytes = 400}, report);
        for (int i = 11; i <= 20; ++i) ASSERT_FALSE(w->append_applied(frame(split_json(i), i)));
    }
    auto segments = journal_segments(path);
    ASSERT_GE(segments.size(), 6u);
    EXPECT_EQ(segments.front().filename(), "journal.1");
    EXPECT_EQ(segments.back().filename(), "journal");
    for (const auto& s : segments) EXPECT_LE(fs::file_size(s), 400u);

    std::vector<std::string> expected;
    for (int i = 1; i <= 20; ++i) expected.push_back(split_json(i));
    EXPECT_EQ(texts(path), expected);

    // One segment on its own reads as a journal too.
    std::error_code ec;
    auto one = journal_reader::open(segments.front(), {.include_rotated = false}, ec);
    ASSERT_TRUE(one);
    journal_record rec;
    ASSERT_TRUE(one->next(rec));
    EXPECT_EQ(rec.frame.bytes, split_json(1));
}

TEST(journal, interval_policy_syncs_only_when_the_caller_says_the_interval_passed) {
    auto path = fresh_dir("interval") / "journal";
    open_report report;
    auto w = open_writer({.path = path,
                          .epoch = "e1",
                          .sync = sync_policy::interval,
                          .sync_interval = std::chrono::milliseconds(50)},
                         report);
    const auto t0 = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
    ASSERT_FALSE(w->maybe_sync(t0));
    EXPECT_EQ(w->stats().syncs, 0u);  // nothing to sync yet
    ASSERT_FALSE(w->append_applied(frame(split_json(1), 1)));
    ASSERT_FALSE(w->maybe_sync(t0));
    EXPECT_EQ(w->stats().syncs, 1u);
    ASSERT_FALSE(w->append_applied(frame(split_json(2), 2)));
    ASSERT_FALSE(w->maybe_sync(t0 + std::chrono::milliseconds(49)));
    EXPECT_EQ(w->stats().syncs, 1u);
    ASSERT_FALSE(w->maybe_sync(t0 + std::chrono::milliseconds(50)));
    EXPECT_EQ(w->stats().syncs, 2u);
}

TEST(journal, os_policy_never_syncs) {
    auto path = fresh_dir("os") / "journal";
    open_report report;
    auto w = open_writer({.path = path, .epoch = "e1", .sync = sync_policy::os}, report);
    ASSERT_FALSE(w->append_applied(frame(split_json(1), 1)));
    ASSERT_FALSE(w->maybe_sync(std::chrono::steady_clock::now()));
    EXPECT_EQ(w->stats().syncs, 0u);
}

}  // namespace
}  // namespace splitstream::replay
