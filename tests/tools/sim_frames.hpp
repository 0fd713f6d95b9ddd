#pragma once
// Test helpers: read a generated feed back as plain values.

#include <simdjson.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "replay/recording.hpp"

namespace splitstream::sim::testing {

struct frame_view {
    std::uint64_t seq = 0;
    std::string type, event, bib, status, code;
    std::int64_t distance_m = 0;
    std::int64_t elapsed_ms = 0;
    std::int64_t offset_ms = 0;
};

inline std::vector<frame_view> view(const replay::feed_recording& rec) {
    std::vector<frame_view> out;
    simdjson::dom::parser parser;
    for (const auto& f : rec.frames) {
        simdjson::dom::element el;
        if (parser.parse(f.text).get(el) != simdjson::SUCCESS) {
            frame_view invalid;
            invalid.type = "INVALID";
            out.push_back(invalid);
            continue;
        }
        frame_view v;
        v.offset_ms = f.offset_ms;
        std::string_view s;
        std::int64_t i;
        if (el["seq"].get_uint64().get(v.seq)) v.seq = 0;
        if (!el["type"].get_string().get(s)) v.type = s;
        if (!el["event"].get_string().get(s)) v.event = s;
        if (!el["bib"].get_string().get(s)) v.bib = s;
        if (!el["status"].get_string().get(s)) v.status = s;
        if (!el["code"].get_string().get(s)) v.code = s;
        if (!el["distance_m"].get_int64().get(i)) v.distance_m = i;
        if (!el["elapsed_ms"].get_int64().get(i)) v.elapsed_ms = i;
        out.push_back(v);
    }
    return out;
}

// The last finish of each athlete of `event`, in finishing order (by time).
inline std::vector<std::pair<std::string, std::int64_t>> finishes(const std::vector<frame_view>& frames,
                                                                  const std::string& event) {
    std::map<std::string, std::int64_t> last;
    for (const auto& f : frames)
        if (f.type == "finish" && f.event == event) last[f.bib] = f.elapsed_ms;
    std::vector<std::pair<std::string, std::int64_t>> out(last.begin(), last.end());
    std::stable_sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.second < b.second; });
    return out;
}

// The bib with the lowest elapsed time at each timing point of `event`.
inline std::map<std::int64_t, std::string> leaders(const std::vector<frame_view>& frames,
                                                   const std::string& event) {
    std::map<std::int64_t, std::pair<std::int64_t, std::string>> best;
    for (const auto& f : frames) {
        if (f.type != "split" || f.event != event) continue;
        auto it = best.find(f.distance_m);
        if (it == best.end() || f.elapsed_ms < it->second.first) best[f.distance_m] = {f.elapsed_ms, f.bib};
    }
    std::map<std::int64_t, std::string> out;
    for (auto& [d, v] : best) out[d] = v.second;
    return out;
}

}  // namespace splitstream::sim::testing
