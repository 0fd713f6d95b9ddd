#include "adapters/meet_render.hpp"

#include <algorithm>
#include <cstdio>

namespace splitstream::adapters {

namespace {

std::string toml_string(const std::string& s) {
    std::string out = "\"";
    for (char c : s) out += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
    return out + "\"";
}

}  // namespace

std::string exact_time(std::int64_t ms) {
    char buf[48];
    const auto h = ms / 3'600'000, m = ms / 60'000 % 60, s = ms / 1000 % 60, f = ms % 1000;
    if (h)
        std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld.%03lld", static_cast<long long>(h),
                      static_cast<long long>(m), static_cast<long long>(s), static_cast<long long>(f));
    else
        std::snprintf(buf, sizeof buf, "%lld:%02lld.%03lld", static_cast<long long>(m),
                      static_cast<long long>(s), static_cast<long long>(f));
    return buf;
}

std::vector<session_event> session_events(const std::vector<feed::feed_message>& session) {
    std::vector<session_event> out;
    for (const auto& m : session) {
        const auto* sl = std::get_if<feed::startlist_msg>(&m.body);
        if (!sl) continue;
        auto it = std::find_if(out.begin(), out.end(), [&](const auto& e) { return e.id == m.event; });
        if (it == out.end())
            out.push_back({m.event, *sl});
        else
            it->startlist = *sl;
    }
    return out;
}

std::string render_meet_file(const std::string& feed, const std::vector<session_event>& events,
                             const std::function<meet_keys(std::size_t)>& keys) {
    std::string meet = "# What the timing system's output of this session does not carry.\n[meet]\nfeed = " +
                       toml_string(feed) + "\n\n";
    std::string athletes;
    std::vector<std::string> seen;
    for (std::size_t i = 0; i < events.size(); ++i) {
        const auto& [id, sl] = events[i];
        const auto k = keys(i);
        meet += "[[event]]\nid = " + toml_string(id) + "\n";
        if (!k.lynx.empty()) meet += "lynx = " + toml_string(k.lynx) + "\n";
        if (!k.odf.empty()) meet += "odf = " + toml_string(k.odf) + "\n";
        meet += "name = " + toml_string(sl.name) + "\ndistance_m = " + std::to_string(sl.distance_m) +
                "\nround = " + toml_string(sl.round) + "\n";
        if (sl.heat) meet += "heat = " + std::to_string(*sl.heat) + "\n";
        if (sl.course == feed::venue::road) meet += "venue = \"road\"\n";
        if (k.lap_m > 0) meet += "lap_m = " + std::to_string(k.lap_m) + "\n";
        if (!sl.timing_points_m.empty()) {
            meet += "timing_points_m = [";
            for (std::size_t p = 0; p < sl.timing_points_m.size(); ++p)
                meet += (p ? ", " : "") + std::to_string(sl.timing_points_m[p]);
            meet += "]\n";
        }
        meet += "\n";
        for (const auto& r : sl.records) {
            meet += "[[event.record]]\nkind = \"" + std::string(feed::to_string(r.kind)) + "\"\nmark = \"" +
                    exact_time(r.mark_ms) + "\"\n";
            if (!r.holder.empty()) meet += "holder = " + toml_string(r.holder) + "\n";
            if (!r.country.empty()) meet += "country = " + toml_string(r.country) + "\n";
            if (!r.area.empty()) meet += "area = " + toml_string(r.area) + "\n";
            if (r.year) meet += "year = " + std::to_string(*r.year) + "\n";
            meet += "\n";
        }
        // An athlete ID is one per meet: the first event that lists it gives its PB/SB.
        for (const auto& a : sl.athletes) {
            if ((!a.pb_ms && !a.sb_ms) || std::find(seen.begin(), seen.end(), a.bib) != seen.end()) continue;
            seen.push_back(a.bib);
            athletes += "[[athlete]]\nid = " + toml_string(a.bib) + "\n";
            if (a.pb_ms) athletes += "pb = \"" + exact_time(*a.pb_ms) + "\"\n";
            if (a.sb_ms) athletes += "sb = \"" + exact_time(*a.sb_ms) + "\"\n";
            athletes += "\n";
        }
    }
    return meet + athletes;
}

}  // namespace splitstream::adapters
