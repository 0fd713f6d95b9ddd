#include "adapters/lynx_render.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "adapters/feed_output.hpp"
#include "adapters/meet_render.hpp"
#include "feed/marks.hpp"

namespace splitstream::adapters {

namespace {

// A field as FinishLynx writes it: quoted when it holds a comma or a quote.
std::string field(const std::string& s) {
    if (s.find_first_of(",\"") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::pair<std::string, std::string> first_last(const std::string& name) {
    const auto space = name.rfind(' ');
    if (space == std::string::npos) return {"", name};
    return {name.substr(0, space), name.substr(space + 1)};
}

}  // namespace

std::vector<rendered_file> render_lynx(const std::vector<feed::feed_message>& session,
                                       const std::string& feed) {
    feed_output sent(feed, feed);
    std::vector<std::string> order;  // events in the order they were defined
    for (const auto& m : session) {
        if (std::holds_alternative<feed::startlist_msg>(m.body) &&
            std::find(order.begin(), order.end(), m.event) == order.end())
            order.push_back(m.event);
        sent.observe(m);
    }
    std::string evt = "; start lists\r\n";
    std::vector<rendered_file> lifs;
    int number = 0;
    for (const auto& id : order) {
        ++number;
        const auto* ev = sent.find(id);
        const auto& sl = *ev->startlist;
        evt += std::to_string(number) + ",1,1," + field(sl.name) + ",,,,,," + std::to_string(sl.distance_m) +
               "\r\n";
        std::string lif = std::to_string(number) + ",1,1," + field(sl.name) + ",,,,,," +
                          std::to_string(sl.distance_m) + "\r\n";
        std::vector<const feed::athlete_entry*> finished;
        std::vector<const feed::athlete_entry*> out;
        for (const auto& a : sl.athletes) {
            const auto [first, last] = first_last(a.name);
            evt += "\t" + field(a.bib) + "," + (a.lane ? std::to_string(*a.lane) : std::string()) + "," +
                   field(last) + "," + field(first) + "," + field(a.country) + "\r\n";
            const auto& s = ev->athletes.at(a.bib);
            if (s.status != feed::irm_code::ok)
                out.push_back(&a);
            else if (s.finish_ms)
                finished.push_back(&a);
        }
        std::stable_sort(finished.begin(), finished.end(), [&](auto* x, auto* y) {
            const auto& sx = ev->athletes.at(x->bib);
            const auto& sy = ev->athletes.at(y->bib);
            return std::pair(*sx.finish_ms, sx.place.value_or(0)) <
                   std::pair(*sy.finish_ms, sy.place.value_or(0));
        });
        auto line = [&](const std::string& place, const feed::athlete_entry& a, const std::string& time) {
            const auto [first, last] = first_last(a.name);
            lif += place + "," + field(a.bib) + "," + (a.lane ? std::to_string(*a.lane) : std::string()) +
                   "," + field(last) + "," + field(first) + "," + field(a.country) + "," + time + "\r\n";
        };
        int place = 0;
        for (const auto* a : finished)
            line(std::to_string(++place), *a, exact_time(*ev->athletes.at(a->bib).finish_ms));
        for (const auto* a : out) line(feed::to_string(ev->athletes.at(a->bib).status), *a, "");
        char name[32];
        std::snprintf(name, sizeof name, "%03d-1-01.lif", number);
        if (place || !out.empty()) lifs.push_back({name, lif});
    }
    std::vector<rendered_file> files{{"lynx.evt", evt}};
    for (auto& f : lifs) files.push_back(std::move(f));
    // Event n of the session is FinishLynx event n, round 1, heat 1.
    files.push_back({"meet.toml", render_meet_file(feed, session_events(session), [](std::size_t i) {
                         return meet_keys{.lynx = std::to_string(i + 1) + "-1-1", .odf = {}, .lap_m = 0};
                     })});
    return files;
}

}  // namespace splitstream::adapters
