#pragma once
// The meet file (TOML): what FinishLynx and ODF do not carry and feed v1
// needs: records in force per event, PB and SB when the source has none,
// distance and timing points, which source heat is which feed event, and
// affiliation -> country. docs/adapters.md documents every key with an
// example (tests/data/adapters/budapest-2023.meet.toml).

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "feed/message.hpp"

namespace splitstream::adapters {

struct meet_event {
    std::string id;               // the feed v1 event id
    std::string lynx;             // FinishLynx "event-round-heat", e.g. "7-1-1"; empty: none
    std::string odf;              // ODF DocumentCode of the unit; empty: none
    std::string name;             // empty: the source's
    std::int64_t distance_m = 0;  // 0: the source's
    std::string round;            // "final" gives medals; empty: the source's round number
    std::optional<int> heat;
    feed::venue course = feed::venue::track;
    std::vector<std::int64_t> timing_points_m;
    std::int64_t lap_m = 0;  // for scoreboard splits given as laps to go
    std::vector<feed::record_entry> records;
};

struct meet_athlete {
    std::optional<std::int64_t> pb_ms;
    std::optional<std::int64_t> sb_ms;
};

struct meet_file {
    std::string feed = "timing";   // the feed name in the hello
    std::string date;              // YYYY-MM-DD: the day of the start times in the files
    std::string utc_offset = "Z";  // the timing system's clock: "Z", "+02:00"
    std::vector<meet_event> events;
    std::map<std::string, meet_athlete, std::less<>> athletes;  // by source ID (bib)
    std::map<std::string, std::string, std::less<>> countries;  // affiliation -> country code

    const meet_event* by_lynx(int event, int round, int heat) const;
    const meet_event* by_odf(std::string_view document_code) const;
    // The country of an affiliation: mapped in [countries], else the
    // affiliation itself when it is a three-letter code; nullopt otherwise.
    std::optional<std::string> country_of(std::string_view affiliation) const;
    // Unix ms of a time of day on the meet's date in its clock; nullopt when
    // the meet has no date or the time does not read.
    std::optional<std::int64_t> time_of_day_ms(std::string_view time_of_day) const;
};

struct meet_load {
    std::optional<meet_file> meet;
    std::string error;  // why not, naming the key or the TOML line
};

meet_load parse_meet_file(std::string_view toml_text, std::string_view source_name);
meet_load load_meet_file(const std::filesystem::path& path);

}  // namespace splitstream::adapters
