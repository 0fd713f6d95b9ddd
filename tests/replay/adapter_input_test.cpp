// The `adapter_input` record (kind 6): a timing system's raw input, kept in
// the journal for audit. It reads back byte for byte, a malformed one stops
// the reader like any damaged record, and recovery ignores it: the derived
// stream comes only from the frames.

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "feed/engine.hpp"
#include "ingest/frame_parser.hpp"
#include "replay/journal_reader.hpp"
#include "replay/journal_writer.hpp"
#include "replay/recovery.hpp"
#include "tests/replay/replay_test_support.hpp"
#include "tests/test_paths.hpp"

namespace splitstream::replay {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> reference_lines() {
    std::ifstream in(test_paths::reference_feed());
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) lines.push_back(line);
    return lines;
}

// Bytes no text reader would keep: NULs, a lone CR, Windows-1252.
std::string binary_input() {
    std::string s("1,122,,Nader\0\r\n\xc5NORD\xc5S\x1f\xff", 24);
    s += std::string(70'000, 'x');
    return s;
}

std::unique_ptr<journal_writer> open_writer(const fs::path& path) {
    open_report report;
    std::error_code ec;
    auto w = journal_writer::open({.path = path, .epoch = "e1", .sync = sync_policy::os}, report, ec);
    EXPECT_TRUE(w) << ec.message();
    return w;
}

TEST(adapter_input, reads_back_byte_for_byte_between_frames) {
    auto path = fresh_dir("roundtrip") / "journal";
    const auto raw = binary_input();
    {
        auto w = open_writer(path);
        ASSERT_FALSE(w->append_input({.wall_ns = 1'700'000'000'123'000'000,
                                      .source = "lynx-dir",
                                      .name = "001-1-01.lif",
                                      .bytes = raw}));
        ASSERT_FALSE(w->append_applied({.bytes = "{\"seq\":1}", .wall_ns = 2, .mono_ns = 2, .line = 1000}));
        ASSERT_FALSE(w->append_input(
            {.wall_ns = 3, .source = "lynx-scoreboard", .name = "scoreboard 127.0.0.1:4000", .bytes = ""}));
    }
    std::error_code ec;
    auto r = journal_reader::open(path, {}, ec);
    ASSERT_TRUE(r) << ec.message();
    journal_record rec;
    ASSERT_TRUE(r->next(rec));
    EXPECT_EQ(rec.kind, record_kind::adapter_input);
    EXPECT_FALSE(is_frame(rec.kind));
    EXPECT_STREQ(to_string(rec.kind), "input");
    EXPECT_EQ(rec.input.wall_ns, 1'700'000'000'123'000'000);
    EXPECT_EQ(rec.input.source, "lynx-dir");
    EXPECT_EQ(rec.input.name, "001-1-01.lif");
    EXPECT_EQ(rec.input.bytes, raw);
    ASSERT_TRUE(r->next(rec));
    EXPECT_EQ(rec.kind, record_kind::frame_applied);
    EXPECT_EQ(rec.frame.bytes, "{\"seq\":1}");
    ASSERT_TRUE(r->next(rec));
    EXPECT_EQ(rec.kind, record_kind::adapter_input);
    EXPECT_EQ(rec.input.source, "lynx-scoreboard");
    EXPECT_EQ(rec.input.name, "scoreboard 127.0.0.1:4000");
    EXPECT_TRUE(rec.input.bytes.empty());
    EXPECT_FALSE(r->next(rec));
    EXPECT_EQ(r->end().stop, read_stop::end);
}

// A record with a valid checksum around `payload`, as a buggy or hostile
// writer could leave it.
std::string record_with_valid_crc(std::uint8_t kind, const std::string& payload) {
    std::string out(record_header_bytes, '\0');
    const auto len = static_cast<std::uint32_t>(payload.size());
    std::memcpy(out.data(), &len, 4);
    out[4] = static_cast<char>(kind);
    std::uint32_t crc = crc32c(0, out.data(), 8);
    crc = crc32c(crc, payload.data(), payload.size());
    std::memcpy(out.data() + 8, &crc, 4);
    return out + payload;
}

TEST(adapter_input, a_malformed_input_record_stops_the_reader_as_corrupt_after_the_good_ones) {
    const std::string no_source = std::string(8, '\0') + std::string(1, '\0') + std::string(4, '\0');
    const std::string short_name = std::string(8, '\0') + "\x03" + "odf" + "\xff\x00\x00\x00" + "ab";
    const std::string cut = std::string(5, '\0');
    for (const auto& [what, bad] : std::vector<std::pair<std::string, std::string>>{
             {"no source", record_with_valid_crc(6, no_source)},
             {"name past the end", record_with_valid_crc(6, short_name)},
             {"shorter than its times", record_with_valid_crc(6, cut)},
             {"an unknown kind 7", record_with_valid_crc(7, "whatever")}}) {
        auto path = fresh_dir("bad") / "journal";
        std::uint64_t bad_at = 0;
        {
            auto w = open_writer(path);
            ASSERT_FALSE(
                w->append_input({.wall_ns = 1, .source = "odf-dir", .name = "0001.xml", .bytes = "<a/>"}));
            bad_at = w->file_size();
        }
        {
            std::ofstream out(path, std::ios::binary | std::ios::app);
            out << bad;
        }
        std::error_code ec;
        auto r = journal_reader::open(path, {}, ec);
        ASSERT_TRUE(r) << ec.message();
        journal_record rec;
        ASSERT_TRUE(r->next(rec)) << what;
        EXPECT_EQ(rec.input.bytes, "<a/>");
        EXPECT_FALSE(r->next(rec)) << what;
        EXPECT_EQ(r->end().stop, read_stop::corrupt) << what;
        EXPECT_EQ(r->end().offset, bad_at) << what;
    }
}

TEST(adapter_input, an_input_over_the_record_limit_is_refused_and_leaves_the_journal_whole) {
    auto path = fresh_dir("large") / "journal";
    auto w = open_writer(path);
    const std::string huge(max_record_payload, 'x');
    EXPECT_EQ(w->append_input({.wall_ns = 1, .source = "odf-dir", .name = "big.xml", .bytes = huge}),
              journal_errc::record_too_large);
    ASSERT_FALSE(w->append_input({.wall_ns = 2, .source = "odf-dir", .name = "ok.xml", .bytes = "<a/>"}));
    w.reset();
    std::error_code ec;
    auto r = journal_reader::open(path, {}, ec);
    journal_record rec;
    ASSERT_TRUE(r->next(rec));
    EXPECT_EQ(rec.input.name, "ok.xml");
    EXPECT_FALSE(r->next(rec));
    EXPECT_EQ(r->end().stop, read_stop::end);
}

// Writes the reference race as applied frames, with an input record before
// every tenth frame when `with_inputs`.
void write_race(const fs::path& path, bool with_inputs) {
    auto w = open_writer(path);
    feed::engine engine;
    ingest::frame_parser parser;
    std::int64_t t = 0;
    const auto lines = reference_lines();
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (with_inputs && i % 10 == 0) {
            const auto name = "input-" + std::to_string(i);
            const auto raw = binary_input() + lines[i];
            ASSERT_FALSE(w->append_input({.wall_ns = ++t, .source = "lynx-dir", .name = name, .bytes = raw}));
        }
        auto parsed = parser.parse(lines[i]);
        ASSERT_TRUE(parsed.ok());
        engine.apply(parsed.message());
        ASSERT_FALSE(w->append_applied({.bytes = lines[i], .wall_ns = ++t, .mono_ns = t, .line = 1000}));
    }
}

TEST(adapter_input, recovery_rebuilds_the_same_stream_with_or_without_the_inputs) {
    auto dir = fresh_dir("recovery");
    write_race(dir / "plain", false);
    write_race(dir / "audited", true);
    auto rebuild = [](const fs::path& path, recovery_result& out, feed::engine& engine) {
        ingest::frame_parser parser;
        std::error_code ec;
        out = recover(path, engine, parser, {}, ec);
        ASSERT_FALSE(ec) << ec.message();
    };
    feed::engine plain_engine, audited_engine;
    recovery_result plain, audited;
    rebuild(dir / "plain", plain, plain_engine);
    rebuild(dir / "audited", audited, audited_engine);
    ASSERT_EQ(audited.events.size(), plain.events.size());
    for (std::size_t i = 0; i < plain.events.size(); ++i) {
        EXPECT_EQ(audited.events[i].seq, plain.events[i].seq);
        EXPECT_EQ(audited.events[i].json, plain.events[i].json);
    }
    EXPECT_EQ(audited_engine.events_json(), plain_engine.events_json());
    EXPECT_EQ(audited.last_feed_seq, plain.last_feed_seq);
    EXPECT_EQ(audited.counts.applied, 185u);
    EXPECT_EQ(audited.counts.inputs, 19u);
    EXPECT_EQ(plain.counts.inputs, 0u);
    EXPECT_EQ(audited.counts.rejected + audited.counts.duplicates + audited.counts.diverged, 0u);
    EXPECT_EQ(audited.end.stop, read_stop::end);
}

}  // namespace
}  // namespace splitstream::replay
