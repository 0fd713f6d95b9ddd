#include "ingest/frame_parser.hpp"
#include "tests/test_paths.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace splitstream::ingest {
namespace {

using feed::message_type;
using feed::reject_reason;

std::vector<std::string> reference_feed_lines() {
    std::vector<std::string> lines;
    const std::filesystem::path dir = std::filesystem::path(SPLITSTREAM_SHARED_DIR) / "data" / "feeds";
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() != ".jsonl") continue;
        std::ifstream in(entry.path());
        for (std::string line; std::getline(in, line);) {
            if (!line.empty()) lines.push_back(line);
        }
    }
    return lines;
}

// Every field of a message in one string, so two parses can be compared.
std::string describe(const feed::feed_message& m) {
    std::ostringstream o;
    o << "v=" << m.version << " seq=" << m.seq << " type=" << to_string(m.type()) << " ts=" << m.ts
      << " event=" << m.event << " trace=" << m.trace;
    auto opt = [](const auto& v) { return v ? std::to_string(*v) : std::string("-"); };
    switch (m.type()) {
        case message_type::hello: {
            const auto& b = std::get<feed::hello_msg>(m.body);
            o << " feed=" << b.feed << " epoch=" << b.epoch;
            break;
        }
        case message_type::heartbeat:
            break;
        case message_type::startlist: {
            const auto& b = std::get<feed::startlist_msg>(m.body);
            o << " name=" << b.name << " distance=" << b.distance_m << " venue=" << to_string(b.course)
              << " round=" << b.round << " heat=" << opt(b.heat) << " scheduled=" << b.scheduled
              << " combined=" << b.combined_event << " points=";
            for (auto p : b.timing_points_m) o << p << ',';
            for (const auto& a : b.athletes) {
                o << " athlete{" << a.bib << '|' << a.name << '|' << a.country << '|' << opt(a.lane) << '|'
                  << a.area << '|' << opt(a.pb_ms) << '|' << opt(a.sb_ms) << '}';
            }
            for (const auto& r : b.records) {
                o << " record{" << to_string(r.kind) << '|' << r.mark_ms << '|' << r.holder << '|'
                  << r.country << '|' << r.area << '|' << opt(r.year) << '}';
            }
            break;
        }
        case message_type::status: {
            const auto& b = std::get<feed::status_msg>(m.body);
            o << " status=" << to_string(b.status) << " gun_ts=" << b.gun_ts;
            break;
        }
        case message_type::split: {
            const auto& b = std::get<feed::split_msg>(m.body);
            o << " bib=" << b.bib << " distance=" << b.distance_m << " elapsed=" << b.elapsed_ms;
            break;
        }
        case message_type::finish: {
            const auto& b = std::get<feed::finish_msg>(m.body);
            o << " bib=" << b.bib << " elapsed=" << b.elapsed_ms << " place=" << opt(b.place);
            break;
        }
        case message_type::irm: {
            const auto& b = std::get<feed::irm_msg>(m.body);
            o << " bib=" << b.bib << " code=" << to_string(b.code) << " rule=" << b.rule
              << " reason=" << b.reason << " at=" << opt(b.at_m);
            break;
        }
        case message_type::card: {
            const auto& b = std::get<feed::card_msg>(m.body);
            o << " bib=" << b.bib << " judge=" << b.judge << " offence=" << to_string(b.offence)
              << " kind=" << to_string(b.kind);
            break;
        }
        case message_type::penalty_zone: {
            const auto& b = std::get<feed::penalty_zone_msg>(m.body);
            o << " bib=" << b.bib << " action=" << to_string(b.action) << " elapsed=" << b.elapsed_ms;
            break;
        }
        case message_type::reaction: {
            const auto& b = std::get<feed::reaction_msg>(m.body);
            o << " bib=" << b.bib << " reaction=" << b.reaction_ms;
            break;
        }
    }
    return o.str();
}

std::string describe(const parse_outcome& r) {
    if (r.ok()) return describe(r.message());
    return std::string("rejected ") + to_string(r.rejected().reason) + ": " + r.rejected().detail;
}

parse_outcome parse(std::string_view frame) {
    frame_parser p;
    return p.parse(frame);
}

TEST(frame_parser, hello_with_every_field) {
    auto r = parse(R"({"v":1,"seq":1,"type":"hello","ts":"2024-08-06T19:49:00.000Z","feed":"paris-ath",)"
                   R"("epoch":"2024-08-06a","trace":"t-1"})");
    ASSERT_TRUE(r.ok()) << describe(r);
    const auto& m = r.message();
    EXPECT_EQ(m.version, 1);
    EXPECT_EQ(m.seq, 1u);
    EXPECT_EQ(m.type(), message_type::hello);
    EXPECT_EQ(m.ts, "2024-08-06T19:49:00.000Z");
    EXPECT_EQ(m.trace, "t-1");
    EXPECT_EQ(m.event, "");
    EXPECT_EQ(std::get<feed::hello_msg>(m.body).feed, "paris-ath");
    EXPECT_EQ(std::get<feed::hello_msg>(m.body).epoch, "2024-08-06a");
    EXPECT_EQ(r.seq, 1u);
}

TEST(frame_parser, heartbeat_needs_no_event) {
    auto r = parse(R"({"seq":41,"type":"heartbeat","ts":"2024-08-06T19:49:02Z"})");
    ASSERT_TRUE(r.ok()) << describe(r);
    EXPECT_EQ(r.message().type(), message_type::heartbeat);
    EXPECT_EQ(r.message().seq, 41u);
    EXPECT_EQ(r.message().version, 1);
}

constexpr std::string_view full_startlist =
    R"({"seq":2,"type":"startlist","ts":"2024-08-06T19:49:01.000Z","event":"M-MAR","name":"Men's Marathon",)"
    R"("distance_m":42195,"venue":"road","round":"final","heat":1,"scheduled":"2024-08-10T06:00:00.000Z",)"
    R"("timing_points_m":[5000,10000,21098],)"
    R"("athletes":[{"bib":"1024","name":"Tamirat TOLA","country":"ETH","lane":3,"area":"AFR",)"
    R"("pb_ms":7366000,"sb_ms":7500000},{"bib":"7","name":"Bashir ABDI","country":"BEL"}],)"
    R"("records":[{"kind":"OR","mark_ms":7536000,"holder":"Samuel WANJIRU","country":"KEN","area":"AFR",)"
    R"("year":2008},{"kind":"WR","mark_ms":7235000}]})";

TEST(frame_parser, startlist_with_every_field) {
    auto r = parse(full_startlist);
    ASSERT_TRUE(r.ok()) << describe(r);
    const auto& m = r.message();
    EXPECT_EQ(m.event, "M-MAR");
    const auto& s = std::get<feed::startlist_msg>(m.body);
    EXPECT_EQ(s.name, "Men's Marathon");
    EXPECT_EQ(s.distance_m, 42195);
    EXPECT_EQ(s.course, feed::venue::road);
    EXPECT_EQ(s.round, "final");
    EXPECT_EQ(s.heat, 1);
    EXPECT_EQ(s.scheduled, "2024-08-10T06:00:00.000Z");
    EXPECT_EQ(s.timing_points_m, (std::vector<std::int64_t>{5000, 10000, 21098}));
    ASSERT_EQ(s.athletes.size(), 2u);
    EXPECT_EQ(s.athletes[0].bib, "1024");
    EXPECT_EQ(s.athletes[0].name, "Tamirat TOLA");
    EXPECT_EQ(s.athletes[0].country, "ETH");
    EXPECT_EQ(s.athletes[0].lane, 3);
    EXPECT_EQ(s.athletes[0].area, "AFR");
    EXPECT_EQ(s.athletes[0].pb_ms, 7366000);
    EXPECT_EQ(s.athletes[0].sb_ms, 7500000);
    EXPECT_EQ(s.athletes[1].bib, "7");
    EXPECT_FALSE(s.athletes[1].lane);
    EXPECT_EQ(s.athletes[1].area, "");
    EXPECT_FALSE(s.athletes[1].pb_ms);
    ASSERT_EQ(s.records.size(), 2u);
    EXPECT_EQ(s.records[0].kind, feed::record_kind::or_);
    EXPECT_EQ(s.records[0].mark_ms, 7536000);
    EXPECT_EQ(s.records[0].holder, "Samuel WANJIRU");
    EXPECT_EQ(s.records[0].country, "KEN");
    EXPECT_EQ(s.records[0].area, "AFR");
    EXPECT_EQ(s.records[0].year, 2008);
    EXPECT_EQ(s.records[1].kind, feed::record_kind::wr);
    EXPECT_FALSE(s.records[1].year);
}

// A heat of a round (docs/protocol.md, extension): four optional fields.
TEST(frame_parser, startlist_of_a_heat_of_a_round) {
    auto r = parse(
        R"({"seq":2,"type":"startlist","ts":"2023-08-20T14:01:00.000Z","event":"M100-SF1","name":"SF 1",)"
        R"("distance_m":100,"round":"semifinal","heat":1,"round_id":"M100-SF","heats":3,)"
        R"("qualify_by_place":2,"qualify_by_time":2,"athletes":[]})");
    ASSERT_TRUE(r.ok()) << describe(r);
    const auto& s = std::get<feed::startlist_msg>(r.message().body);
    EXPECT_EQ(s.round_id, "M100-SF");
    EXPECT_EQ(s.heats, 3);
    ASSERT_TRUE(s.qualify);
    EXPECT_EQ(s.qualify->by_place, 2);
    EXPECT_EQ(s.qualify->by_time, 2);

    auto place_only = parse(
        R"({"seq":2,"type":"startlist","ts":"2023-08-20T14:01:00.000Z","event":"M1500-H1","name":"H 1",)"
        R"("distance_m":1500,"heat":1,"round_id":"M1500-R1","heats":3,"qualify_by_place":6,"athletes":[]})");
    ASSERT_TRUE(place_only.ok()) << describe(place_only);
    const auto& p = std::get<feed::startlist_msg>(place_only.message().body);
    EXPECT_EQ(p.qualify, (feed::qualify_rule{6, 0}));

    auto plain = parse(full_startlist);
    ASSERT_TRUE(plain.ok());
    const auto& v1 = std::get<feed::startlist_msg>(plain.message().body);
    EXPECT_EQ(v1.round_id, "");
    EXPECT_FALSE(v1.heats);
    EXPECT_FALSE(v1.qualify) << "a v1 start list is a race on its own";

    auto wrong =
        parse(R"({"seq":2,"type":"startlist","ts":"2023-08-20T14:01:00.000Z","event":"E","name":"N",)"
              R"("distance_m":100,"heat":1,"round_id":"R","heats":3,"qualify_by_place":"2","athletes":[]})");
    ASSERT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.rejected().reason, reject_reason::wrong_type);
}

// The round the qualifiers go to, for their headlines (extension): a
// string, optional, empty when absent.
TEST(frame_parser, startlist_names_the_next_round) {
    auto r = parse(
        R"({"seq":2,"type":"startlist","ts":"2023-08-19T10:00:00.000Z","event":"M1500-H1","name":"H 1",)"
        R"("distance_m":1500,"heat":1,"round_id":"M1500-R1","heats":3,"qualify_by_place":6,)"
        R"("next_round":"semi-finals","athletes":[]})");
    ASSERT_TRUE(r.ok()) << describe(r);
    EXPECT_EQ(std::get<feed::startlist_msg>(r.message().body).next_round, "semi-finals");
    auto plain = parse(full_startlist);
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(std::get<feed::startlist_msg>(plain.message().body).next_round, "");
    auto wrong = parse(
        R"({"seq":2,"type":"startlist","ts":"2023-08-19T10:00:00.000Z","event":"E","name":"N",)"
        R"("distance_m":100,"heat":1,"round_id":"R","heats":3,"qualify_by_place":2,"next_round":1,"athletes":[]})");
    ASSERT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.rejected().reason, reject_reason::wrong_type);
}

TEST(frame_parser, startlist_defaults_to_track) {
    auto r = parse(
        R"({"seq":2,"type":"startlist","ts":"2024-08-06T19:49:01.000Z","event":"M1500-F","name":"1500m",)"
        R"("distance_m":1500,"athletes":[]})");
    ASSERT_TRUE(r.ok()) << describe(r);
    const auto& s = std::get<feed::startlist_msg>(r.message().body);
    EXPECT_EQ(s.course, feed::venue::track);
    EXPECT_TRUE(s.athletes.empty());
    EXPECT_TRUE(s.records.empty());
}

TEST(frame_parser, startlist_reads_the_same_whatever_the_field_order) {
    // The lists come before `type`, so the parser cannot know at first that
    // they belong to a startlist.
    auto reordered =
        parse(R"({"athletes":[{"bib":"7","name":"Bashir ABDI","country":"BEL"}],"records":[{"kind":"WR",)"
              R"("mark_ms":7235000}],"timing_points_m":[5000],"name":"Men's Marathon","distance_m":42195,)"
              R"("seq":2,"ts":"2024-08-06T19:49:01.000Z","event":"M-MAR","type":"startlist"})");
    auto ordered = parse(
        R"({"seq":2,"type":"startlist","ts":"2024-08-06T19:49:01.000Z","event":"M-MAR","name":"Men's Marathon",)"
        R"("distance_m":42195,"timing_points_m":[5000],"athletes":[{"bib":"7","name":"Bashir ABDI",)"
        R"("country":"BEL"}],"records":[{"kind":"WR","mark_ms":7235000}]})");
    ASSERT_TRUE(ordered.ok()) << describe(ordered);
    EXPECT_EQ(describe(reordered), describe(ordered));
}

TEST(frame_parser, status_with_every_field) {
    auto r = parse(
        R"({"seq":3,"type":"status","ts":"2024-08-06T19:50:00.100Z","event":"M1500-F","status":"started",)"
        R"("gun_ts":"2024-08-06T19:50:00.000Z"})");
    ASSERT_TRUE(r.ok()) << describe(r);
    const auto& s = std::get<feed::status_msg>(r.message().body);
    EXPECT_EQ(s.status, feed::status_code::started);
    EXPECT_EQ(s.gun_ts, "2024-08-06T19:50:00.000Z");
    for (auto [text, code] : {std::pair{"recalled", feed::status_code::recalled},
                              std::pair{"unofficial", feed::status_code::unofficial},
                              std::pair{"official", feed::status_code::official},
                              std::pair{"cancelled", feed::status_code::cancelled}}) {
        auto other =
            parse(std::string(R"({"seq":3,"type":"status","ts":"2024-08-06T19:50:00Z","event":"E",)") +
                  R"("status":")" + text + "\"}");
        ASSERT_TRUE(other.ok()) << describe(other);
        EXPECT_EQ(std::get<feed::status_msg>(other.message().body).status, code);
    }
}

TEST(frame_parser, split_with_every_field) {
    auto r = parse(
        R"({"v":1,"seq":4,"type":"split","ts":"2024-08-06T19:51:55.310Z","event":"M1500-F","bib":"1024",)"
        R"("distance_m":800,"elapsed_ms":115210,"trace":"abc"})");
    ASSERT_TRUE(r.ok()) << describe(r);
    const auto& m = r.message();
    EXPECT_EQ(m.seq, 4u);
    EXPECT_EQ(m.event, "M1500-F");
    EXPECT_EQ(m.trace, "abc");
    const auto& s = std::get<feed::split_msg>(m.body);
    EXPECT_EQ(s.bib, "1024");
    EXPECT_EQ(s.distance_m, 800);
    EXPECT_EQ(s.elapsed_ms, 115210);
}

TEST(frame_parser, finish_with_every_field) {
    auto r =
        parse(R"({"seq":5,"type":"finish","ts":"2024-08-06T19:53:28.000Z","event":"M1500-F","bib":"1024",)"
              R"("elapsed_ms":207785,"place":1})");
    ASSERT_TRUE(r.ok()) << describe(r);
    const auto& f = std::get<feed::finish_msg>(r.message().body);
    EXPECT_EQ(f.bib, "1024");
    EXPECT_EQ(f.elapsed_ms, 207785);
    EXPECT_EQ(f.place, 1);
}

TEST(frame_parser, irm_with_every_field) {
    auto r = parse(
        R"({"seq":6,"type":"irm","ts":"2024-08-06T19:55:00.000Z","event":"M1500-F","bib":"1024","code":"DNF",)"
        R"("rule":"TR17.3.1","reason":"stepped off the track","at_m":1200})");
    ASSERT_TRUE(r.ok()) << describe(r);
    const auto& i = std::get<feed::irm_msg>(r.message().body);
    EXPECT_EQ(i.bib, "1024");
    EXPECT_EQ(i.code, feed::irm_code::dnf);
    EXPECT_EQ(i.rule, "TR17.3.1");
    EXPECT_EQ(i.reason, "stepped off the track");
    EXPECT_EQ(i.at_m, 1200);
    for (auto [text, code] : {std::pair{"DNS", feed::irm_code::dns}, std::pair{"DQ", feed::irm_code::dq},
                              std::pair{"OK", feed::irm_code::ok}}) {
        auto other = parse(std::string(R"({"seq":6,"type":"irm","ts":"2024-08-06T19:55:00Z","event":"E",)") +
                           R"("bib":"1","code":")" + text + "\"}");
        ASSERT_TRUE(other.ok()) << describe(other);
        EXPECT_EQ(std::get<feed::irm_msg>(other.message().body).code, code);
    }
}

TEST(frame_parser, ignores_unknown_fields_and_reads_escaped_keys) {
    auto r = parse(
        R"({"seq":4,"x-vendor":{"nested":[1,{"bib":5}]},"type":"split","ts":"2024-08-06T19:51:55.310Z",)"
        R"("event":"M\u0031500-F","b\u0069b":"10\"24","distance_m":800,"elapsed_\u006ds":115210,"wind":-0.4})");
    ASSERT_TRUE(r.ok()) << describe(r);
    EXPECT_EQ(r.message().event, "M1500-F");
    EXPECT_EQ(std::get<feed::split_msg>(r.message().body).bib, "10\"24");
    // An escape past a key's first eight bytes is found too.
    EXPECT_EQ(std::get<feed::split_msg>(r.message().body).elapsed_ms, 115210);
}

TEST(frame_parser, reads_strings_the_same_with_whitespace_around_them) {
    auto r = parse(
        "{ \"seq\" : 4 ,\n\t\"type\"\t:\t\"split\"\r\n, \"ts\": \"2024-08-06T19:51:55.310Z\"  ,"
        "\"event\":\"M1500-F\"\n,\"bib\" :\"1024\" , \"distance_m\":800,\"elapsed_ms\":115210,"
        "\"trace\":  \"a b\"  , \"pad\" : \"  x  \" , \"note\":\"\" }");
    ASSERT_TRUE(r.ok()) << describe(r);
    EXPECT_EQ(r.message().ts, "2024-08-06T19:51:55.310Z");
    EXPECT_EQ(r.message().event, "M1500-F");
    EXPECT_EQ(r.message().trace, "a b");
    EXPECT_EQ(std::get<feed::split_msg>(r.message().body).bib, "1024");
}

TEST(frame_parser, refuses_bad_escapes_in_fields_it_does_not_use) {
    auto r =
        parse(R"({"seq":4,"type":"split","ts":"2024-08-06T19:51:55.310Z","event":"M1500-F","bib":"1024",)"
              R"("distance_m":800,"elapsed_ms":115210,"pad":"abc\q"})");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.rejected().reason, feed::reject_reason::invalid_json) << describe(r);
}

TEST(frame_parser, accepts_timestamps_with_offsets_and_any_fraction) {
    for (const char* ts : {"2024-08-06T19:53:31Z", "2024-08-06T19:53:31.6Z", "2024-08-06T21:53:31.650+02:00",
                           "2024-02-29T00:00:00.000000001-05:30"}) {
        auto r = parse(std::string(R"({"seq":1,"type":"heartbeat","ts":")") + ts + "\"}");
        EXPECT_TRUE(r.ok()) << ts << ": " << describe(r);
    }
}

struct rejection_case {
    std::string frame;
    reject_reason reason;
    std::string detail;
};

void PrintTo(const rejection_case& c, std::ostream* os) {
    *os << c.frame;
}

class frame_parser_rejects : public ::testing::TestWithParam<rejection_case> {};

TEST_P(frame_parser_rejects, with_reason_and_detail) {
    const auto& c = GetParam();
    auto r = parse(c.frame);
    ASSERT_FALSE(r.ok()) << describe(r);
    EXPECT_EQ(to_string(r.rejected().reason), std::string(to_string(c.reason)));
    EXPECT_EQ(r.rejected().detail, c.detail);
}

const std::string split_head =
    R"({"seq":9,"type":"split","ts":"2024-08-06T19:51:55.310Z","event":"M1500-F",)";
const std::string startlist_head =
    R"({"seq":2,"type":"startlist","ts":"2024-08-06T19:49:01.000Z","event":"E","name":"N","distance_m":1500,)";

INSTANTIATE_TEST_SUITE_P(
    every_reason, frame_parser_rejects,
    ::testing::Values(
        rejection_case{R"({"seq":9,"type":"split",)", reject_reason::invalid_json,
                       "invalid JSON: JSON document ended early in the middle of an object or array."},
        rejection_case{
            R"({"seq":9,"type":"heartbeat","ts":"2024-08-06T19:51:55.310Z","x":[1,,2]})",
            reject_reason::invalid_json,
            "invalid JSON: The JSON document has an improper structure: missing or superfluous commas, "
            "braces, missing keys, etc."},
        rejection_case{R"({"seq":9,"type":"heartbeat","ts":"2024-08-06T19:51:55.310Z","x":{"y":tru}})",
                       reject_reason::invalid_json,
                       "invalid JSON: Problem while parsing an atom starting with the letter 't'"},
        rejection_case{R"({"seq":9} {"seq":10})", reject_reason::invalid_json,
                       "invalid JSON: content after the object"},
        rejection_case{R"([{"seq":9}])", reject_reason::invalid_json,
                       "invalid JSON: a frame must be one JSON object"},
        rejection_case{split_head + "\"bib\":\"\xff\",\"distance_m\":800,\"elapsed_ms\":1}",
                       reject_reason::invalid_json, "invalid JSON: The input is not valid UTF-8"},
        rejection_case{split_head + R"("bib":"1","distance_m":800,"elapsed_ms":12x})",
                       reject_reason::invalid_json, "invalid JSON: Problem while parsing a number"},
        rejection_case{split_head + R"("distance_m":800,"elapsed_ms":1000})", reject_reason::missing_field,
                       R"(missing required field "bib")"},
        rejection_case{R"({"type":"heartbeat","ts":"2024-08-06T19:51:55.310Z"})",
                       reject_reason::missing_field, R"(missing required field "seq")"},
        rejection_case{R"({"seq":9,"ts":"2024-08-06T19:51:55.310Z"})", reject_reason::missing_field,
                       R"(missing required field "type")"},
        rejection_case{R"({"seq":9,"type":"heartbeat"})", reject_reason::missing_field,
                       R"(missing required field "ts")"},
        rejection_case{R"({"seq":9,"type":"split","ts":"2024-08-06T19:51:55.310Z","bib":"1"})",
                       reject_reason::missing_field, R"(missing required field "event")"},
        rejection_case{startlist_head + R"("records":[]})", reject_reason::missing_field,
                       R"(missing required field "athletes")"},
        rejection_case{startlist_head + R"("athletes":[{"bib":"1","country":"KEN"}]})",
                       reject_reason::missing_field, R"(missing required field "athletes[0].name")"},
        rejection_case{split_head + R"("bib":"1","distance_m":800,"elapsed_ms":"115210"})",
                       reject_reason::wrong_type, R"(field "elapsed_ms": expected integer, got string)"},
        rejection_case{split_head + R"("bib":"1","distance_m":800,"elapsed_ms":115210.5})",
                       reject_reason::wrong_type, R"(field "elapsed_ms": expected integer, got float)"},
        rejection_case{split_head + R"("bib":1024,"distance_m":800,"elapsed_ms":115210})",
                       reject_reason::wrong_type, R"(field "bib": expected string, got integer)"},
        rejection_case{R"({"seq":"9","type":"heartbeat","ts":"2024-08-06T19:51:55.310Z"})",
                       reject_reason::wrong_type, R"(field "seq": expected unsigned integer, got string)"},
        rejection_case{
            startlist_head + R"("athletes":[{"bib":"1","name":"A","country":"KEN","pb_ms":210.5}]})",
            reject_reason::wrong_type, R"(field "athletes[0].pb_ms": expected integer, got float)"},
        rejection_case{startlist_head + R"("athletes":{"bib":"1"}})", reject_reason::wrong_type,
                       R"(field "athletes": expected array of objects, got object)"},
        rejection_case{R"({"seq":9,"type":"lap","ts":"2024-08-06T19:51:55.310Z","event":"E"})",
                       reject_reason::unknown_type, R"(unknown type "lap")"},
        rejection_case{R"({"v":2,"seq":9,"type":"split","ts":"2024-08-06T19:51:55.310Z"})",
                       reject_reason::bad_version,
                       R"(field "v": unsupported protocol version 2 (supported: 1))"},
        rejection_case{
            R"({"seq":9,"type":"heartbeat","ts":"yesterday"})", reject_reason::bad_timestamp,
            R"(field "ts": expected ISO 8601 UTC time like 2024-08-06T19:53:31.650Z, got "yesterday")"},
        rejection_case{R"({"seq":9,"type":"heartbeat","ts":"2024-08-06 19:53:31.650Z"})",
                       reject_reason::bad_timestamp,
                       R"(field "ts": expected ISO 8601 UTC time like 2024-08-06T19:53:31.650Z, )"
                       R"(got "2024-08-06 19:53:31.650Z")"},
        rejection_case{R"({"seq":9,"type":"heartbeat","ts":"2024-02-30T19:53:31.650Z"})",
                       reject_reason::bad_timestamp,
                       R"(field "ts": expected ISO 8601 UTC time like 2024-08-06T19:53:31.650Z, )"
                       R"(got "2024-02-30T19:53:31.650Z")"},
        rejection_case{R"({"seq":9,"type":"heartbeat","ts":"2024-08-06T19:53:31.650"})",
                       reject_reason::bad_timestamp,
                       R"(field "ts": expected ISO 8601 UTC time like 2024-08-06T19:53:31.650Z, )"
                       R"(got "2024-08-06T19:53:31.650")"},
        rejection_case{
            R"({"seq":3,"type":"status","ts":"2024-08-06T19:50:00Z","event":"E","status":"started",)"
            R"("gun_ts":"now"})",
            reject_reason::bad_timestamp,
            R"(field "gun_ts": expected ISO 8601 UTC time like 2024-08-06T19:53:31.650Z, got "now")"},
        rejection_case{split_head + R"("bib":"1","distance_m":800,"elapsed_ms":-5})",
                       reject_reason::bad_value, R"(field "elapsed_ms": negative time, got -5)"},
        rejection_case{split_head + R"("bib":"1","distance_m":0,"elapsed_ms":5})", reject_reason::bad_value,
                       R"(field "distance_m": must be positive, got 0)"},
        rejection_case{R"({"seq":5,"type":"finish","ts":"2024-08-06T19:53:28Z","event":"E","bib":"1",)"
                       R"("elapsed_ms":207785,"place":0})",
                       reject_reason::bad_value, R"(field "place": must be at least 1, got 0)"},
        rejection_case{
            R"({"seq":3,"type":"status","ts":"2024-08-06T19:50:00Z","event":"E","status":"paused"})",
            reject_reason::bad_value,
            R"(field "status": unknown value "paused" )"
            R"((expected started|recalled|unofficial|official|cancelled))"},
        rejection_case{
            R"({"seq":6,"type":"irm","ts":"2024-08-06T19:55:00Z","event":"E","bib":"1","code":"DSQ"})",
            reject_reason::bad_value, R"(field "code": unknown value "DSQ" (expected DNS|DNF|DQ|OK))"},
        rejection_case{startlist_head + R"("athletes":[],"records":[{"kind":"XR","mark_ms":1}]})",
                       reject_reason::bad_value,
                       R"(field "records[0].kind": unknown value "XR" (expected WR|OR|CR|AR|NR|WL|MR))"},
        rejection_case{startlist_head + R"("athletes":[{"bib":"","name":"A","country":"KEN"}]})",
                       reject_reason::bad_value, R"(field "athletes[0].bib": must not be empty)"},
        rejection_case{R"({"seq":-1,"type":"heartbeat","ts":"2024-08-06T19:51:55.310Z"})",
                       reject_reason::bad_value, R"(field "seq": must not be negative, got -1)"},
        rejection_case{
            startlist_head +
                R"("athletes":[{"bib":"7","name":"A","country":"KEN"},)"
                R"({"bib":"8","name":"B","country":"ETH"},{"bib":"7","name":"C","country":"UGA"}]})",
            reject_reason::duplicate_bib, R"(field "athletes": duplicate bib "7")"}));

TEST(frame_parser, rejects_frames_over_the_size_limit) {
    frame_parser p(parser_options{.max_frame_bytes = 64});
    std::string frame = split_head + R"("bib":"1","distance_m":800,"elapsed_ms":115210})";
    auto r = p.parse(frame);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.rejected().reason, reject_reason::too_large);
    EXPECT_EQ(r.rejected().detail,
              "frame of " + std::to_string(frame.size()) + " bytes is over the limit of 64");
}

TEST(frame_parser, reports_seq_of_rejected_frames) {
    EXPECT_EQ(parse(split_head + R"("distance_m":800,"elapsed_ms":1})").seq, 9u);
    EXPECT_EQ(parse(R"({"seq":12,"type":"lap","ts":"x"})").seq, 12u);
    EXPECT_EQ(parse(R"({"seq":13,"type":"split","bib":[1,2,}})").seq, 13u);
    EXPECT_FALSE(parse(R"({"type":"split"})").seq);
    EXPECT_EQ(parse(R"({"seq":18446744073709551615,"type":"heartbeat","ts":"2024-08-06T19:51:55Z"})").seq,
              18446744073709551615u);
}

TEST(frame_parser, parses_every_line_of_the_reference_feeds) {
    auto lines = reference_feed_lines();
    ASSERT_GT(lines.size(), 100u);
    frame_parser p;
    std::uint64_t expected_seq = 1;
    int splits = 0;
    int finishes = 0;
    for (const auto& line : lines) {
        auto r = p.parse(line);
        ASSERT_TRUE(r.ok()) << line << "\n" << describe(r);
        EXPECT_EQ(r.message().seq, expected_seq++);
        splits += r.message().type() == message_type::split;
        finishes += r.message().type() == message_type::finish;
    }
    EXPECT_EQ(splits, 168);
    EXPECT_EQ(finishes, 12);
}

TEST(frame_parser, reads_the_reference_startlist_completely) {
    auto lines = reference_feed_lines();
    frame_parser p;
    auto r = p.parse(lines.at(1));
    ASSERT_TRUE(r.ok()) << describe(r);
    const auto& s = std::get<feed::startlist_msg>(r.message().body);
    ASSERT_EQ(s.athletes.size(), 12u);
    EXPECT_EQ(s.athletes[6].name, "Mario GARCÍA");
    EXPECT_EQ(s.athletes[5].bib, "136");
    EXPECT_EQ(s.athletes[5].sb_ms, 210200);
    EXPECT_EQ(s.records.size(), 13u);
    EXPECT_EQ(s.records[4].area, "NAC");
}

// A corrupted copy of `line`: bytes flipped, inserted, deleted, cut short,
// or replaced by random bytes.
std::string mutate(const std::string& line, std::mt19937_64& rng) {
    std::string s = line;
    auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % (n == 0 ? 1 : n)); };
    auto byte = [&] {
        static constexpr char interesting[] = "{}[]\":,\\-.0123456789eE tfn\x80\xc3\xff";
        return rng() % 2 ? static_cast<char>(rng()) : interesting[pick(sizeof interesting - 1)];
    };
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
        switch (rng() % 6) {
            case 0:
                if (!s.empty()) s[pick(s.size())] ^= static_cast<char>(1 << (rng() % 8));
                break;
            case 1:
                s.insert(s.begin() + static_cast<std::ptrdiff_t>(pick(s.size() + 1)), byte());
                break;
            case 2:
                if (!s.empty()) s.erase(pick(s.size()), 1 + pick(8));
                break;
            case 3:
                s.resize(pick(s.size() + 1));
                break;
            case 4:
                if (!s.empty()) s[pick(s.size())] = byte();
                break;
            case 5: {
                s.assign(pick(200), '\0');
                for (auto& c : s) c = static_cast<char>(rng());
                break;
            }
        }
    }
    return s;
}

TEST(frame_parser, survives_thousands_of_corrupted_frames) {
    auto lines = reference_feed_lines();
    frame_parser p;
    std::mt19937_64 rng(20230823);
    int accepted = 0;
    int rejected = 0;
    for (int i = 0; i < 30000; ++i) {
        std::string frame = mutate(lines[static_cast<std::size_t>(i) % lines.size()], rng);
        auto r = p.parse(frame);
        if (r.ok()) {
            ++accepted;
            continue;
        }
        ++rejected;
        const auto& detail = r.rejected().detail;
        ASSERT_FALSE(detail.empty()) << frame;
        ASSERT_EQ(detail.find('\n'), std::string::npos) << detail;
    }
    // Both outcomes occur, so the corruption neither always nor never breaks a frame.
    EXPECT_GT(accepted, 100);
    EXPECT_GT(rejected, 10000);
}

TEST(frame_parser, good_frames_between_garbage_parse_as_without_it) {
    auto lines = reference_feed_lines();
    frame_parser clean;
    std::vector<std::string> expected;
    for (const auto& line : lines) expected.push_back(describe(clean.parse(line)));

    frame_parser p;
    std::mt19937_64 rng(7);
    const std::string huge_garbage(100000, '[');
    for (std::size_t i = 0; i < lines.size(); ++i) {
        for (int g = 0; g < 3; ++g) (void)p.parse(mutate(lines[(i * 7 + g) % lines.size()], rng));
        (void)p.parse(huge_garbage);
        EXPECT_EQ(describe(p.parse(lines[i])), expected[i]) << lines[i];
    }
}

}  // namespace
}  // namespace splitstream::ingest
