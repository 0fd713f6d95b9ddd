#pragma once
// Test helper: a feed v1 session rendered in a foreign format and read back
// through its adapter compared with the session itself, event by event, on
// what a results desk reads: rankings, records (PB/SB included), IRMs and,
// where the format carries splits, the splits and leader changes.

#include <functional>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "ingest/frame_parser.hpp"
#include "tests/adapters/engine_run.hpp"
#include "tools/sim/session.hpp"

namespace splitstream::adapters::test {

inline std::vector<feed::feed_message> parse_lines(const std::vector<std::string>& lines) {
    std::vector<feed::feed_message> out;
    ingest::frame_parser parser;
    for (const auto& l : lines) {
        auto parsed = parser.parse(l);
        if (parsed.ok()) out.push_back(parsed.message());
    }
    return out;
}

// The built-in session with the seed the docs use.
inline std::vector<std::string> default_session_lines() {
    std::vector<std::string> lines;
    for (const auto& f : sim::build_session(sim::default_session(), 2023).frames) lines.push_back(f.text);
    return lines;
}

// `lines` without the splits a format cannot carry: what its adapter can at
// best give back.
inline std::vector<std::string> keep_splits(
    const std::vector<std::string>& lines,
    const std::function<bool(const std::string& event, std::int64_t distance_m)>& carried) {
    std::vector<std::string> out;
    ingest::frame_parser parser;
    std::map<std::string, std::int64_t> distance;
    for (const auto& l : lines) {
        auto parsed = parser.parse(l);
        if (parsed.ok()) {
            const auto& m = parsed.message();
            if (const auto* sl = std::get_if<feed::startlist_msg>(&m.body))
                distance[m.event] = sl->distance_m;
            if (const auto* s = std::get_if<feed::split_msg>(&m.body))
                if (!carried(m.event, s->distance_m)) continue;
        }
        out.push_back(l);
    }
    return out;
}

// Each event's last ranking, without the members listed in `drop` (what the
// format cannot carry, e.g. "rule").
inline std::map<std::string, std::string> rankings(const engine_run& run,
                                                   const std::vector<std::string>& drop = {}) {
    std::map<std::string, std::string> out;
    for (const auto& e : run.events)
        if (e.type == feed::event_type::results) out[e.event] = e.json.substr(e.json.find("\"ranking\":"));
    for (auto& [event, ranking] : out)
        for (const auto& member : drop)
            for (auto at = ranking.find(",\"" + member + "\":"); at != std::string::npos;
                 at = ranking.find(",\"" + member + "\":")) {
                auto end = ranking.find_first_of(",}", at + member.size() + 4);
                if (ranking[at + member.size() + 4] == '"')
                    end = ranking.find('"', at + member.size() + 5) + 1;
                ranking.erase(at, end - at);
            }
    return out;
}

// (event, bib, code) of every IRM event.
inline std::set<std::tuple<std::string, std::string, std::string>> irms(const engine_run& run) {
    std::set<std::tuple<std::string, std::string, std::string>> out;
    for (const auto& e : run.events)
        if (e.type == feed::event_type::irm)
            out.insert({e.event, engine_run::field(e.json, "bib"), engine_run::field(e.json, "code")});
    return out;
}

// (event, kind, bib) of every record event, PB and SB included.
inline std::set<std::tuple<std::string, std::string, std::string>> records(const engine_run& run) {
    std::set<std::tuple<std::string, std::string, std::string>> out;
    for (const auto& e : run.events)
        if (e.type == feed::event_type::record)
            out.insert({e.event, engine_run::field(e.json, "kind"), engine_run::field(e.json, "bib")});
    return out;
}

// Whether each event's results ended official.
inline std::map<std::string, bool> official(const engine_run& run) {
    std::map<std::string, bool> out;
    for (const auto& e : run.events)
        if (e.type == feed::event_type::results)
            out[e.event] = e.json.find("\"official\":true") != std::string::npos;
    return out;
}

}  // namespace splitstream::adapters::test
