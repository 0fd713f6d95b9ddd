#pragma once
// Internal to the frame parser: the startlist's three lists
// (`timing_points_m`, `athletes`, `records`), read in place while the frame
// is walked rather than collected as values. Only startlists carry them.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "feed/message.hpp"
#include "ingest/frame_checker.hpp"
#include "ingest/frame_scan.hpp"

namespace splitstream::ingest::frame_parsing {

// The three startlist lists, parsed while the object is walked.
struct startlist_lists {
    std::vector<std::int64_t> timing_points_m;
    std::vector<feed::athlete_entry> athletes;
    std::vector<feed::record_entry> records;
    std::vector<feed::judge_entry> judges;
    bool has_athletes = false;
    checker check;  // first schema error inside the lists

    void clear() {
        timing_points_m.clear();
        athletes.clear();
        records.clear();
        judges.clear();
        has_athletes = false;
        check = checker{};
    }
};

// Each reads its list from `v` and appends to `lists`. A JSON error is
// returned; a schema error is kept in `lists.check`. `buffer_end` is the end
// of the padded frame buffer (see key_of).
simdjson::error_code parse_timing_points(ondemand::value v, startlist_lists& lists);
simdjson::error_code parse_athletes(ondemand::value v, const char* buffer_end, startlist_lists& lists);
simdjson::error_code parse_records(ondemand::value v, const char* buffer_end, startlist_lists& lists);
simdjson::error_code parse_judges(ondemand::value v, const char* buffer_end, startlist_lists& lists);

// The first judge id that appears twice, if any.
std::optional<std::string_view> duplicate_judge(const std::vector<feed::judge_entry>& judges);

// The first bib that appears twice, if any.
std::optional<std::string_view> duplicate_bib(const std::vector<feed::athlete_entry>& athletes);

}  // namespace splitstream::ingest::frame_parsing
