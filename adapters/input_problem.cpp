#include "adapters/input_problem.hpp"

namespace splitstream::adapters {

const char* to_string(problem_reason r) {
    switch (r) {
        case problem_reason::malformed_line:
            return "malformed_line";
        case problem_reason::column_count:
            return "column_count";
        case problem_reason::unknown_place:
            return "unknown_place";
        case problem_reason::unknown_irm:
            return "unknown_irm";
        case problem_reason::bad_time:
            return "bad_time";
        case problem_reason::bad_value:
            return "bad_value";
        case problem_reason::unknown_bib:
            return "unknown_bib";
        case problem_reason::no_start_list:
            return "no_start_list";
        case problem_reason::bad_meet_file:
            return "bad_meet_file";
        case problem_reason::not_xml:
            return "not_xml";
        case problem_reason::too_large:
            return "too_large";
        case problem_reason::entity_expansion:
            return "entity_expansion";
        case problem_reason::unknown_document:
            return "unknown_document";
    }
    return "?";
}

std::uint64_t problem_counts::total() const {
    std::uint64_t n = 0;
    for (auto c : counts_) n += c;
    return n;
}

std::string describe(const problem& p) {
    return p.where + ": " + to_string(p.reason) + ": " + p.detail;
}

}  // namespace splitstream::adapters
