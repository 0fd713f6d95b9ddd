#pragma once
// What can be wrong with a foreign input (a FinishLynx file line, an ODF
// document). Each problem is reported once with where it was found, counted
// by reason, and skips only the line or element it concerns: the rest of the
// input still applies. Nothing is guessed.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace splitstream::adapters {

enum class problem_reason {
    malformed_line,    // unbalanced quotes, a line that is not comma-delimited text
    column_count,      // fewer columns than the layout needs
    unknown_place,     // a place column that is neither a number nor DNS/DNF/DQ
    unknown_irm,       // an IRM code the adapter does not know
    bad_time,          // a time that is not ss.fff, m:ss.fff or h:mm:ss.fff
    bad_value,         // a number or field out of range (distance, lane)
    unknown_bib,       // an ID not in the event's start list
    no_start_list,     // results for an event with no start list
    bad_meet_file,     // the meet file does not parse or has a wrong value
    not_xml,           // an ODF document that is not well-formed XML
    too_large,         // an input over its size limit
    entity_expansion,  // an XML document that declares entities (DOCTYPE)
    unknown_document,  // an XML document that is not one the adapter maps
};
inline constexpr int problem_reason_count = 13;

const char* to_string(problem_reason r);

struct problem {
    problem_reason reason;
    std::string where;   // "lynx.evt:12", "ODF ATHM1500M...FNL-000100-- v7"
    std::string detail;  // one clear sentence
};

// Problems counted by reason, for the metrics an operator reads.
class problem_counts {
public:
    void add(problem_reason r) { ++counts_[static_cast<std::size_t>(r)]; }
    std::uint64_t of(problem_reason r) const { return counts_[static_cast<std::size_t>(r)]; }
    std::uint64_t total() const;

private:
    std::array<std::uint64_t, problem_reason_count> counts_{};
};

// "lynx.evt:12: column_count: ..." for a log line.
std::string describe(const problem& p);

}  // namespace splitstream::adapters
