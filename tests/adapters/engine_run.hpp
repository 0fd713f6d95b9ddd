#pragma once
// Test helper: a feed (JSON lines) through the race engine the way
// `splitstream process` runs it, and the parts of the derived stream a
// results desk reads: the last results ranking, records, PB/SB claims, IRMs.

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "adapters/feed_json.hpp"
#include "feed/engine.hpp"
#include "ingest/file_processor.hpp"

namespace splitstream::adapters::test {

struct engine_run {
    std::vector<feed::derived_event> events;
    std::vector<std::string> rejected;  // "reason: detail" of each refused line

    // The "ranking" array of the last results event, "" when none.
    std::string last_ranking() const {
        for (auto it = events.rbegin(); it != events.rend(); ++it) {
            if (it->type != feed::event_type::results) continue;
            const auto at = it->json.find("\"ranking\":");
            return at == std::string::npos ? std::string() : it->json.substr(at);
        }
        return {};
    }
    // Whether the last results event is official.
    bool last_results_official() const {
        for (auto it = events.rbegin(); it != events.rend(); ++it)
            if (it->type == feed::event_type::results)
                return it->json.find("\"official\":true") != std::string::npos;
        return false;
    }
    // (kind, bib) of every record event (PB and SB included).
    std::set<std::pair<std::string, std::string>> records() const {
        std::set<std::pair<std::string, std::string>> out;
        for (const auto& e : events)
            if (e.type == feed::event_type::record) out.insert({field(e.json, "kind"), field(e.json, "bib")});
        return out;
    }
    std::vector<std::string> texts(feed::event_type type) const {
        std::vector<std::string> out;
        for (const auto& e : events)
            if (e.type == type) out.push_back(e.text);
        return out;
    }

    static std::string field(const std::string& json, const std::string& key) {
        const auto at = json.find("\"" + key + "\":\"");
        if (at == std::string::npos) return {};
        const auto start = at + key.size() + 4;
        return json.substr(start, json.find('"', start) - start);
    }
};

inline engine_run run_lines(const std::vector<std::string>& lines) {
    engine_run run;
    feed::engine engine;
    ingest::file_processor processor(
        engine, [&](const feed::derived_event& e) { run.events.push_back(e); },
        [&](const ingest::line_report& r) {
            if (r.rejected)
                run.rejected.push_back(std::string(feed::to_string(r.rejected->reason)) + ": " +
                                       r.rejected->detail);
        });
    for (const auto& l : lines) processor.process_line(l);
    return run;
}

inline engine_run run_messages(const std::vector<feed::feed_message>& messages) {
    std::vector<std::string> lines;
    for (const auto& m : messages) lines.push_back(to_feed_json(m));
    return run_lines(lines);
}

}  // namespace splitstream::adapters::test
