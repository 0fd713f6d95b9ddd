#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "ingest/frame_parser.hpp"
#include "tests/test_paths.hpp"
#include "tests/tools/sim_frames.hpp"
#include "tools/sim/session.hpp"
#include "tools/sim/spec_loader.hpp"
#include "tools/sim/text_format.hpp"

namespace splitstream::sim {
namespace {

using testing::finishes;
using testing::leaders;
using testing::view;

std::string shared_file(const std::string& rel) {
    auto text = read_text_file(std::string(SPLITSTREAM_SHARED_DIR) + "/" + rel);
    EXPECT_TRUE(text) << rel;
    return text.value_or("");
}

session_spec parse_or_fail(const std::string& json) {
    auto spec = parse_session_spec(json, [](const std::string&) { return std::nullopt; });
    EXPECT_TRUE(spec.ok()) << spec.error;
    return spec.value.value_or(session_spec{});
}

const char* const spec_800 = R"({
  "start": "2024-08-06T19:00:00.000Z",
  "events": [{
    "id": "M800-F", "name": "Men's 800m Final", "distance_m": 800,
    "pacing": {"model": "sit_and_kick", "kick_m": 200, "kick": 0.1},
    "athletes": [
      {"bib": "1", "name": "A ONE", "country": "KEN", "target": "1:43.50"},
      {"bib": "2", "name": "B TWO", "country": "GBR", "target": "1:42.91"},
      {"bib": "3", "name": "C THREE", "country": "USA", "target": 103921},
      {"bib": "4", "name": "D FOUR", "country": "ESP", "target": "1:44.00"},
      {"bib": "5", "name": "E FIVE", "country": "FRA", "target": "1:43.51"}
    ]
  }]
})";

TEST(race_generator, spec_race_finishes_in_the_specified_order_with_the_specified_marks) {
    auto spec = parse_or_fail(spec_800);
    for (std::uint64_t seed : {1u, 2u, 99u}) {
        auto frames = view(build_session(spec, seed));
        auto order = finishes(frames, "M800-F");
        ASSERT_EQ(order.size(), 5u);
        std::vector<std::string> bibs;
        for (auto& [bib, ms] : order) bibs.push_back(bib);
        EXPECT_EQ(bibs, (std::vector<std::string>{"2", "1", "5", "3", "4"})) << "seed " << seed;
        std::map<std::string, std::int64_t> ms(order.begin(), order.end());
        EXPECT_EQ(format_track_mark(ms["2"]), "1:42.91");
        EXPECT_EQ(format_track_mark(ms["1"]), "1:43.50");
        EXPECT_EQ(format_track_mark(ms["5"]), "1:43.51");
        EXPECT_EQ(ms["3"], 103921) << "an integer target is exact to the thousandth";
        EXPECT_EQ(format_track_mark(ms["4"]), "1:44.00");
        // Thousandths lie inside the printed hundredth, never on it.
        EXPECT_NE(ms["2"] % 10, 0);
    }
}

TEST(race_generator, every_frame_is_a_valid_feed_message_and_times_only_go_forward) {
    auto rec = build_session(default_session(), 7);
    ingest::frame_parser parser;
    std::map<std::pair<std::string, std::string>, std::int64_t> last_elapsed;
    std::int64_t last_offset = 0;
    std::uint64_t expected_seq = 1;
    for (const auto& f : rec.frames) {
        auto outcome = parser.parse(f.text);
        ASSERT_TRUE(outcome.ok()) << f.text;
        EXPECT_EQ(outcome.message().seq, expected_seq++);
        EXPECT_GE(f.offset_ms, last_offset);
        last_offset = f.offset_ms;
    }
    for (const auto& f : view(rec)) {
        if (f.type != "split") continue;
        auto& last = last_elapsed[{f.event, f.bib}];
        EXPECT_GT(f.elapsed_ms, last) << f.event << " " << f.bib << " at " << f.distance_m;
        last = f.elapsed_ms;
    }
}

TEST(race_generator, a_seeded_session_is_byte_identical_across_runs_and_differs_for_another_seed) {
    auto text = [](std::uint64_t seed) {
        std::ostringstream out;
        write_jsonl(build_session(default_session(), seed), out);
        return out.str();
    };
    auto a = text(42);
    EXPECT_EQ(a, text(42));
    EXPECT_NE(a, text(43));
    EXPECT_GT(a.size(), 10000u);
}

TEST(race_generator, the_default_session_has_three_events_a_leader_change_a_record_and_an_incident) {
    auto frames = view(build_session(default_session(), 1));
    std::set<std::string> events;
    for (auto& f : frames)
        if (f.type == "startlist") events.insert(f.event);
    EXPECT_GE(events.size(), 3u);

    int leader_changes = 0;
    for (auto& e : events) {
        auto lead = leaders(frames, e);
        std::string previous;
        for (auto& [d, bib] : lead) {
            if (!previous.empty() && bib != previous) ++leader_changes;
            previous = bib;
        }
    }
    EXPECT_GE(leader_changes, 3);

    // Records in force come from the startlists; a finish under one is a record.
    auto spec = default_session();
    int records = 0;
    for (const auto& e : spec.events)
        for (const auto& r : e.records)
            for (auto& [bib, ms] : finishes(frames, e.id)) {
                auto athlete =
                    std::find_if(e.athletes.begin(), e.athletes.end(), [&](auto& a) { return a.bib == bib; });
                bool applies =
                    r.kind != "NR" || (athlete != e.athletes.end() && athlete->country == r.country);
                if (applies && (ms + 9) / 10 * 10 < r.mark_ms) ++records;
            }
    EXPECT_GE(records, 1);

    std::set<std::string> codes;
    bool recalled = false;
    for (auto& f : frames) {
        if (f.type == "irm") codes.insert(f.code);
        if (f.type == "status" && f.status == "recalled") recalled = true;
    }
    EXPECT_TRUE(codes.count("DNF"));
    EXPECT_TRUE(codes.count("DQ"));
    EXPECT_TRUE(codes.count("DNS"));
    EXPECT_TRUE(recalled);
}

TEST(race_generator, events_overlap_in_time) {
    auto frames = view(build_session(default_session(), 1));
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> span;
    for (auto& f : frames) {
        if (f.event.empty()) continue;
        auto [it, fresh] = span.try_emplace(f.event, f.offset_ms, f.offset_ms);
        it->second.second = f.offset_ms;
    }
    int overlaps = 0;
    for (auto& [a, sa] : span)
        for (auto& [b, sb] : span)
            if (a < b && sa.first < sb.second && sb.first < sa.second) ++overlaps;
    EXPECT_GE(overlaps, 2);
}

TEST(race_generator, a_photo_finish_correction_sends_a_second_finish_for_the_athlete) {
    auto frames = view(build_session(default_session(), 3));
    std::vector<std::int64_t> times;
    for (auto& f : frames)
        if (f.type == "finish" && f.event == "W100-F" && f.bib == "2203") times.push_back(f.elapsed_ms);
    ASSERT_EQ(times.size(), 2u);
    EXPECT_EQ(times[0] - times[1], 14);
}

TEST(results_file, reproduces_the_budapest_order_marks_and_named_leaders) {
    auto event = parse_results_file(shared_file("data/races/budapest-2023-men-1500m-final.json"));
    ASSERT_TRUE(event.ok()) << event.error;
    session_spec spec;
    spec.events.push_back(*event.value);
    auto frames = view(build_session(spec, 5));
    const std::string id = event.value->id;
    EXPECT_EQ(id, "M1500-F");

    std::map<std::string, std::string> name_of;
    for (auto& a : event.value->athletes) name_of[a.bib] = a.name;
    const std::vector<std::pair<std::string, std::string>> official = {
        {"Josh KERR", "3:29.38"},    {"Jakob INGEBRIGTSEN", "3:29.65"}, {"Narve Gilje NORDÅS", "3:29.68"},
        {"Abel KIPSANG", "3:29.89"}, {"Yared NUGUSE", "3:30.25"},       {"Mario GARCÍA", "3:30.26"},
        {"Cole HOCKER", "3:30.70"},  {"Reynold CHERUIYOT", "3:30.78"},  {"Neil GOURLEY", "3:31.10"},
        {"Niels LAROS", "3:31.25"},  {"Azeddine HABZ", "3:33.14"},      {"Isaac NADER", "3:35.41"}};
    auto order = finishes(frames, id);
    ASSERT_EQ(order.size(), official.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        EXPECT_EQ(name_of[order[i].first], official[i].first) << "place " << i + 1;
        EXPECT_EQ(format_track_mark(order[i].second), official[i].second) << official[i].first;
    }

    auto lead = leaders(frames, id);
    EXPECT_EQ(name_of[lead[200]], "Abel KIPSANG");
    EXPECT_EQ(name_of[lead[400]], "Abel KIPSANG");
    EXPECT_EQ(name_of[lead[800]], "Jakob INGEBRIGTSEN");
    EXPECT_EQ(name_of[lead[1200]], "Jakob INGEBRIGTSEN");
    EXPECT_EQ(name_of[lead[1300]], "Josh KERR");
    // The leaders' times the reports give.
    for (auto& f : frames) {
        if (f.type == "split" && f.distance_m == 800 && name_of[f.bib] == "Jakob INGEBRIGTSEN") {
            EXPECT_EQ(f.elapsed_ms, 114230);
        }
    }
}

TEST(results_file, the_embedded_default_session_is_the_one_in_specs) {
    auto file = read_text_file(std::string(SPLITSTREAM_SOURCE_DIR) + "/tools/sim/specs/default-session.json");
    ASSERT_TRUE(file);
    EXPECT_EQ(*file, default_session_json());
}

TEST(spec_loader, names_the_field_that_is_wrong) {
    auto spec = parse_session_spec(R"({"events":[{"id":"X","distance_m":400,"athletes":[{"bib":"1","name":"A",
        "country":"KEN","target":"fast"}]}]})",
                                   [](const std::string&) { return std::nullopt; });
    ASSERT_FALSE(spec.ok());
    EXPECT_NE(spec.error.find("spec.events[0].athletes[0].target"), std::string::npos) << spec.error;

    auto bad_incident = parse_session_spec(R"({"events":[{"id":"X","distance_m":400,"athletes":[{"bib":"1",
        "name":"A","country":"KEN","target":"50.00"}],"incidents":[{"type":"dnf","bib":"9","at_m":200}]}]})",
                                           [](const std::string&) { return std::nullopt; });
    ASSERT_FALSE(bad_incident.ok());
    EXPECT_NE(bad_incident.error.find("unknown bib 9"), std::string::npos) << bad_incident.error;
}

TEST(text_format, marks_round_up_to_the_hundredth) {
    EXPECT_EQ(format_track_mark(207791), "3:27.80");
    EXPECT_EQ(format_track_mark(207790), "3:27.79");
    EXPECT_EQ(format_track_mark(10701), "10.71");
    EXPECT_EQ(parse_mark_ms("3:29.38"), 209380);
    EXPECT_EQ(parse_mark_ms("14:31.80"), 871800);
    EXPECT_EQ(format_iso_ms(*parse_iso_ms("2023-08-23T19:16:13.606Z")), "2023-08-23T19:16:13.606Z");
}

}  // namespace
}  // namespace splitstream::sim
