#include "adapters/lynx_render.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "adapters/feed_output.hpp"
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

std::string thousandths(std::int64_t ms) {
    char buf[40];
    const auto h = ms / 3'600'000, m = ms / 60'000 % 60, s = ms / 1000 % 60, f = ms % 1000;
    if (h)
        std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld.%03lld", static_cast<long long>(h),
                      static_cast<long long>(m), static_cast<long long>(s), static_cast<long long>(f));
    else
        std::snprintf(buf, sizeof buf, "%lld:%02lld.%03lld", static_cast<long long>(m),
                      static_cast<long long>(s), static_cast<long long>(f));
    return buf;
}

std::string toml_string(const std::string& s) {
    std::string out = "\"";
    for (char c : s) out += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
    return out + "\"";
}

std::string mark(std::int64_t ms) {
    return thousandths(ms);  // exact: the meet file reads thousandths
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
    std::string meet =
        "# What the FinishLynx files of this session do not carry.\n[meet]\nfeed = " + toml_string(feed) +
        "\n\n";
    std::vector<rendered_file> lifs;
    int number = 0;
    for (const auto& id : order) {
        ++number;
        const auto* ev = sent.find(id);
        const auto& sl = *ev->startlist;
        evt += std::to_string(number) + ",1,1," + field(sl.name) + ",,,,,," + std::to_string(sl.distance_m) +
               "\r\n";
        meet += "[[event]]\nlynx = \"" + std::to_string(number) + "-1-1\"\nid = " + toml_string(id) +
                "\nname = " + toml_string(sl.name) + "\ndistance_m = " + std::to_string(sl.distance_m) +
                "\nround = " + toml_string(sl.round) + "\n";
        if (sl.heat) meet += "heat = " + std::to_string(*sl.heat) + "\n";
        if (sl.course == feed::venue::road) meet += "venue = \"road\"\n";
        meet += "\n";
        for (const auto& r : sl.records) {
            meet += "[[event.record]]\nkind = \"" + std::string(feed::to_string(r.kind)) + "\"\nmark = \"" +
                    mark(r.mark_ms) + "\"\n";
            if (!r.holder.empty()) meet += "holder = " + toml_string(r.holder) + "\n";
            if (!r.country.empty()) meet += "country = " + toml_string(r.country) + "\n";
            if (!r.area.empty()) meet += "area = " + toml_string(r.area) + "\n";
            if (r.year) meet += "year = " + std::to_string(*r.year) + "\n";
            meet += "\n";
        }
        std::string lif = std::to_string(number) + ",1,1," + field(sl.name) + ",,,,,," +
                          std::to_string(sl.distance_m) + "\r\n";
        std::vector<const feed::athlete_entry*> finished;
        std::vector<const feed::athlete_entry*> out;
        for (const auto& a : sl.athletes) {
            const auto [first, last] = first_last(a.name);
            evt += "\t" + field(a.bib) + "," + (a.lane ? std::to_string(*a.lane) : std::string()) + "," +
                   field(last) + "," + field(first) + "," + field(a.country) + "\r\n";
            if (a.pb_ms || a.sb_ms) {
                meet += "[[athlete]]\nid = " + toml_string(a.bib) + "\n";
                if (a.pb_ms) meet += "pb = \"" + mark(*a.pb_ms) + "\"\n";
                if (a.sb_ms) meet += "sb = \"" + mark(*a.sb_ms) + "\"\n";
                meet += "\n";
            }
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
            line(std::to_string(++place), *a, thousandths(*ev->athletes.at(a->bib).finish_ms));
        for (const auto* a : out) line(feed::to_string(ev->athletes.at(a->bib).status), *a, "");
        char name[32];
        std::snprintf(name, sizeof name, "%03d-1-01.lif", number);
        if (place || !out.empty()) lifs.push_back({name, lif});
    }
    std::vector<rendered_file> files{{"lynx.evt", evt}};
    for (auto& f : lifs) files.push_back(std::move(f));
    files.push_back({"meet.toml", meet});
    return files;
}

}  // namespace splitstream::adapters
