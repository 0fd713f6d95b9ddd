#pragma once
// The layouts of FinishLynx's exchange files (FinishLynx online manual,
// "Database files"): lynx.evt (start lists), lynx.ppl (people) and *.lif
// (the results of one heat). Text in (already UTF-8), fields out; what they mean for the feed is
// lynx_adapter's job. A line that does not fit its layout is a problem and is
// skipped; the rest of the file still reads.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/input_problem.hpp"

namespace splitstream::adapters {

struct lynx_competitor {
    std::string id;  // the bib
    std::optional<int> lane;
    std::string last_name;
    std::string first_name;
    std::string affiliation;
    int line = 0;
};

// An EVT event line or a LIF header: event, round, heat, event name, wind,
// wind unit, template, capture time, capture duration, distance, start time.
struct lynx_heat {
    int event = 0;
    int round = 1;
    int heat = 1;
    std::string name;
    std::string distance;                      // as written ("1500", "1500m")
    std::string start_time;                    // time of day, as written
    std::vector<lynx_competitor> competitors;  // EVT only
    int line = 0;
};

struct evt_file {
    std::vector<lynx_heat> heats;
    std::vector<problem> problems;
};

// `file` names the input in problems ("lynx.evt:12").
evt_file parse_evt(std::string_view text, std::string_view file);

// A lynx.ppl line: ID, last name, first name, affiliation.
struct lynx_person {
    std::string id;
    std::string last_name;
    std::string first_name;
    std::string affiliation;
    int line = 0;
};

struct ppl_file {
    std::vector<lynx_person> people;  // each ID once: the first line that names it
    std::vector<problem> problems;
};

ppl_file parse_ppl(std::string_view text, std::string_view file);

// A LIF result line: place, ID, lane, last name, first name, affiliation,
// time, license, delta, reaction time, splits, ...
struct lif_result {
    std::string place;  // "1", "DNF", "DQ", ... as written
    std::string id;
    std::optional<int> lane;
    std::string last_name;
    std::string first_name;
    std::string affiliation;
    std::string time;  // as written; may be empty (DNS, not yet read)
    int line = 0;
};

struct lif_file {
    std::optional<lynx_heat> header;
    std::vector<lif_result> results;
    std::vector<problem> problems;
};

lif_file parse_lif(std::string_view text, std::string_view file);

}  // namespace splitstream::adapters
