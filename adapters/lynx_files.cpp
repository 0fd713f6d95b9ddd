#include "adapters/lynx_files.hpp"

#include <set>

#include "adapters/lynx_text.hpp"

namespace splitstream::adapters {

namespace {

// The lines of a file, each with its 1-based number; CR LF and LF both end a
// line.
template <class F>
void for_each_line(std::string_view text, F&& f) {
    int number = 0;
    while (!text.empty()) {
        const auto end = text.find('\n');
        auto line = text.substr(0, end);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        f(line, ++number);
        if (end == std::string_view::npos) break;
        text.remove_prefix(end + 1);
    }
}

bool blank(std::string_view line) {
    return line.find_first_not_of(" \t,") == std::string_view::npos;
}

std::string where(std::string_view file, int line) {
    return std::string(file) + ":" + std::to_string(line);
}

// Event, round and heat; round and heat default to 1 when empty.
std::optional<lynx_heat> read_heat(const std::vector<std::string>& f, std::string_view file, int line,
                                   std::vector<problem>& problems) {
    if (f.size() < 3) {
        problems.push_back(
            {problem_reason::column_count, where(file, line),
             "an event line needs event, round and heat; it has " + std::to_string(f.size()) + " column(s)"});
        return std::nullopt;
    }
    lynx_heat h;
    h.line = line;
    auto event = parse_lynx_int(f[0]);
    auto round = f[1].empty() ? std::optional<int>(1) : parse_lynx_int(f[1]);
    auto heat = f[2].empty() ? std::optional<int>(1) : parse_lynx_int(f[2]);
    if (!event || !round || !heat) {
        problems.push_back({problem_reason::bad_value, where(file, line),
                            "event, round and heat must be whole numbers, not \"" + f[0] + "\", \"" + f[1] +
                                "\", \"" + f[2] + "\""});
        return std::nullopt;
    }
    h.event = *event;
    h.round = *round;
    h.heat = *heat;
    if (f.size() > 3) h.name = f[3];
    if (f.size() > 9) h.distance = f[9];
    if (f.size() > 10) h.start_time = f[10];
    return h;
}

std::optional<int> read_lane(const std::string& text, std::string_view file, int line,
                             std::vector<problem>& problems, bool& ok) {
    ok = true;
    if (text.empty()) return std::nullopt;
    auto lane = parse_lynx_int(text);
    if (!lane) {
        problems.push_back(
            {problem_reason::bad_value, where(file, line), "lane \"" + text + "\" is not a number"});
        ok = false;
    }
    return lane;
}

// A line's fields, or nullopt with the problem reported (an open quote).
std::optional<std::vector<std::string>> fields_of(std::string_view line, std::string_view file, int number,
                                                  std::vector<problem>& problems) {
    auto fields = split_lynx_fields(line);
    if (!fields)
        problems.push_back({problem_reason::malformed_line, where(file, number), "a quote is left open"});
    return fields;
}

}  // namespace

evt_file parse_evt(std::string_view text, std::string_view file) {
    evt_file out;
    for_each_line(text, [&](std::string_view line, int number) {
        if (line.empty() || line[0] == ';' || blank(line)) return;
        const bool competitor = line[0] == '\t' || line[0] == ' ' || line[0] == ',';
        auto fields = fields_of(competitor ? line.substr(1) : line, file, number, out.problems);
        if (!fields) return;
        if (!competitor) {
            if (auto h = read_heat(*fields, file, number, out.problems)) out.heats.push_back(std::move(*h));
            return;
        }
        if (out.heats.empty()) {
            out.problems.push_back({problem_reason::malformed_line, where(file, number),
                                    "a competitor line before any event line"});
            return;
        }
        const auto& f = *fields;
        if (f.size() < 5) {
            out.problems.push_back(
                {problem_reason::column_count, where(file, number),
                 "a competitor line needs ID, lane, last name, first name, affiliation; it has " +
                     std::to_string(f.size()) + " column(s)"});
            return;
        }
        if (f[0].empty()) {
            out.problems.push_back(
                {problem_reason::bad_value, where(file, number), "the competitor has no ID"});
            return;
        }
        bool lane_ok = true;
        lynx_competitor c{f[0],  read_lane(f[1], file, number, out.problems, lane_ok), f[2], f[3], f[4],
                          number};
        if (lane_ok) out.heats.back().competitors.push_back(std::move(c));
    });
    return out;
}

ppl_file parse_ppl(std::string_view text, std::string_view file) {
    ppl_file out;
    std::set<std::string> seen;
    for_each_line(text, [&](std::string_view line, int number) {
        if (line.empty() || line[0] == ';' || blank(line)) return;
        auto fields = fields_of(line, file, number, out.problems);
        if (!fields) return;
        const auto& f = *fields;
        if (f.size() < 4) {
            out.problems.push_back({problem_reason::column_count, where(file, number),
                                    "a person line needs ID, last name, first name, affiliation; it has " +
                                        std::to_string(f.size()) + " column(s)"});
            return;
        }
        if (f[0].empty()) {
            out.problems.push_back({problem_reason::bad_value, where(file, number), "the person has no ID"});
            return;
        }
        if (!seen.insert(f[0]).second) {
            out.problems.push_back(
                {problem_reason::bad_value, where(file, number), "ID " + f[0] + " is twice; kept the first"});
            return;
        }
        out.people.push_back({f[0], f[1], f[2], f[3], number});
    });
    return out;
}

lif_file parse_lif(std::string_view text, std::string_view file) {
    lif_file out;
    bool header_unreadable = false;
    for_each_line(text, [&](std::string_view line, int number) {
        if (header_unreadable || line.empty() || line[0] == ';' || blank(line)) return;
        auto fields = fields_of(line, file, number, out.problems);
        if (!fields) return;
        const auto& f = *fields;
        if (!out.header) {
            out.header = read_heat(f, file, number, out.problems);
            header_unreadable = !out.header;
            if (header_unreadable)
                out.problems.push_back({problem_reason::malformed_line, where(file, number),
                                        "no readable header line: the file's results cannot be placed"});
            return;
        }
        if (f.size() < 6) {
            out.problems.push_back({problem_reason::column_count, where(file, number),
                                    "a result line needs place, ID, lane, last name, first name, affiliation "
                                    "(then time, ...); it has " +
                                        std::to_string(f.size()) + " column(s)"});
            return;
        }
        bool lane_ok = true;
        lif_result r{f[0],
                     f[1],
                     read_lane(f[2], file, number, out.problems, lane_ok),
                     f[3],
                     f[4],
                     f[5],
                     f.size() > 6 ? f[6] : std::string(),
                     number};
        if (lane_ok) out.results.push_back(std::move(r));
    });
    return out;
}

}  // namespace splitstream::adapters
