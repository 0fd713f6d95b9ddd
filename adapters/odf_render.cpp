#include "adapters/odf_render.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include "adapters/feed_output.hpp"
#include "adapters/meet_render.hpp"
#include "feed/iso_time.hpp"
#include "feed/marks.hpp"

namespace splitstream::adapters {

namespace {

// DT_CURRENT goes out at most this often per unit (the ODF dictionary's rate).
constexpr std::int64_t current_every_ms = 2000;

struct live_passing {
    std::string bib;
    std::int64_t distance_m = 0;
    std::int64_t elapsed_ms = 0;
};

// The live positions waiting for their DT_CURRENT.
struct pending_current {
    std::int64_t first_ms = 0;
    std::string last_ts;
    std::vector<live_passing> passings;
};

struct unit {
    std::string code;
    std::vector<std::int64_t> points;  // every intermediate distance of the session, in order
    int version = 0;
    std::optional<pending_current> current;
};

void set(pugi::xml_node n, const char* name, const std::string& value) {
    n.append_attribute(name).set_value(value.c_str());
}

std::pair<std::string, std::string> given_family(const std::string& name) {
    const auto space = name.rfind(' ');
    if (space == std::string::npos) return {"", name};
    return {name.substr(0, space), name.substr(space + 1)};
}

int position_of(const unit& u, std::int64_t distance_m) {
    const auto it = std::find(u.points.begin(), u.points.end(), distance_m);
    return static_cast<int>(it - u.points.begin()) + 1;
}

pugi::xml_node body(pugi::xml_document& doc, const unit& u, const char* type, const char* status) {
    auto decl = doc.append_child(pugi::node_declaration);
    set(decl, "version", "1.0");
    set(decl, "encoding", "UTF-8");
    auto b = doc.append_child("OdfBody");
    set(b, "CompetitionCode", "SPLITSTREAM");
    set(b, "DocumentCode", u.code);
    set(b, "DocumentType", type);
    set(b, "Version", std::to_string(u.version));
    set(b, "ResultStatus", status);
    set(b, "FeedFlag", "P");
    return b;
}

void competitor(pugi::xml_node result, const feed::athlete_entry& a, bool with_entries) {
    auto c = result.append_child("Competitor");
    set(c, "Code", a.bib);
    set(c, "Type", "A");
    set(c, "Organisation", a.country);
    auto athlete = c.append_child("Composition").append_child("Athlete");
    set(athlete, "Code", a.bib);
    set(athlete, "Order", "1");
    set(athlete, "Bib", a.bib);
    if (!with_entries) return;
    const auto [given, family] = given_family(a.name);
    auto d = athlete.append_child("Description");
    set(d, "GivenName", given);
    set(d, "FamilyName", family);
    for (const auto& [code, mark] : {std::pair("PB", a.pb_ms), std::pair("SB", a.sb_ms)}) {
        if (!mark) continue;
        auto e = c.append_child("EventUnitEntry");
        set(e, "Type", "EUE");
        set(e, "Code", code);
        set(e, "Value", exact_time(*mark));
    }
}

std::string text_of(const pugi::xml_document& doc) {
    std::ostringstream s;
    doc.save(s, " ", pugi::format_default, pugi::encoding_utf8);
    return s.str();
}

const char* status_of(sent_phase phase) {
    switch (phase) {
        case sent_phase::scheduled:
            return "START_LIST";
        case sent_phase::started:
            return "LIVE";
        case sent_phase::unofficial:
            return "UNOFFICIAL";
        case sent_phase::official:
            return "OFFICIAL";
    }
    return "LIVE";
}

// The whole unit as it stands: a DT_RESULT.
std::string dt_result(const unit& u, const sent_event& ev, const std::string& gun_ts) {
    pugi::xml_document doc;
    auto competition = body(doc, u, "DT_RESULT", status_of(ev.phase)).append_child("Competition");
    auto infos = competition.append_child("ExtendedInfos");
    if (ev.phase != sent_phase::scheduled && !gun_ts.empty())
        set(infos.append_child("UnitDateTime"), "StartDate", gun_ts);
    for (std::size_t i = 0; i < u.points.size(); ++i) {
        auto x = infos.append_child("ExtendedInfo");
        set(x, "Type", "UI");
        set(x, "Code", "INTERMEDIATE");
        set(x, "Pos", std::to_string(i + 1));
        set(x, "Value", std::to_string(u.points[i]));
    }
    // Ranks: by time, then the judges' place; the rest keep start order.
    const auto& athletes = ev.startlist->athletes;
    std::vector<const feed::athlete_entry*> ranked;
    for (const auto& a : athletes) {
        const auto& s = ev.athletes.at(a.bib);
        if (s.status == feed::irm_code::ok && s.finish_ms) ranked.push_back(&a);
    }
    std::stable_sort(ranked.begin(), ranked.end(), [&](auto* x, auto* y) {
        const auto& sx = ev.athletes.at(x->bib);
        const auto& sy = ev.athletes.at(y->bib);
        return std::pair(*sx.finish_ms, sx.place.value_or(0)) <
               std::pair(*sy.finish_ms, sy.place.value_or(0));
    });
    std::vector<const feed::athlete_entry*> order = ranked;
    for (const auto& a : athletes)
        if (std::find(order.begin(), order.end(), &a) == order.end()) order.push_back(&a);
    for (std::size_t i = 0; i < order.size(); ++i) {
        const auto& a = *order[i];
        const auto& s = ev.athletes.at(a.bib);
        auto r = competition.append_child("Result");
        set(r, "SortOrder", std::to_string(i + 1));
        if (a.lane) set(r, "StartOrder", std::to_string(*a.lane));
        set(r, "StartSortOrder",
            std::to_string(std::find_if(athletes.begin(), athletes.end(),
                                        [&](const auto& x) { return x.bib == a.bib; }) -
                           athletes.begin() + 1));
        const bool placed = i < ranked.size();
        if (placed) {
            set(r, "Rank", std::to_string(i + 1));
            set(r, "ResultType", "TIME");
            set(r, "Result", feed::format_mark(*s.finish_ms, ev.startlist->course));
        } else if (s.status != feed::irm_code::ok) {
            set(r, "IRM", feed::to_string(s.status));
            set(r, "ResultType", "IRM");
        }
        auto extended = r.append_child("ExtendedResults");
        for (const auto& [distance, ms] : s.splits) {
            auto x = extended.append_child("ExtendedResult");
            set(x, "Type", "ER");
            set(x, "Code", "INTERMEDIATE");
            set(x, "Pos", std::to_string(position_of(u, distance)));
            set(x, "Value", exact_time(ms));
        }
        if (placed) {
            auto x = extended.append_child("ExtendedResult");
            set(x, "Type", "ER");
            set(x, "Code", "MS");
            set(x, "Value", exact_time(*s.finish_ms));
        }
        if (s.status != feed::irm_code::ok && !s.rule.empty()) {
            auto x = extended.append_child("ExtendedResult");
            set(x, "Type", "ER");
            set(x, "Code", "RULE");
            set(x, "Value", s.rule);
        }
        competitor(r, a, true);
    }
    return text_of(doc);
}

// The live positions of `c`: a DT_CURRENT.
std::string dt_current(const unit& u, const sent_event& ev, const pending_current& c) {
    pugi::xml_document doc;
    auto competition = body(doc, u, "DT_CURRENT", "LIVE").append_child("Competition");
    auto passings = c.passings;
    std::stable_sort(passings.begin(), passings.end(), [](const auto& x, const auto& y) {
        return std::pair(-x.distance_m, x.elapsed_ms) < std::pair(-y.distance_m, y.elapsed_ms);
    });
    int sort = 0;
    const auto& athletes = ev.startlist->athletes;
    for (const auto& p : passings) {
        const auto athlete =
            std::find_if(athletes.begin(), athletes.end(), [&](const auto& e) { return e.bib == p.bib; });
        if (athlete == athletes.end()) continue;  // not in the start list: the adapter could not place it
        // Rank at that point among every athlete who has passed it.
        int rank = 1;
        for (const auto& [bib, a] : ev.athletes)
            if (auto it = a.splits.find(p.distance_m); it != a.splits.end() && it->second < p.elapsed_ms)
                ++rank;
        auto r = competition.append_child("Result");
        set(r, "SortOrder", std::to_string(++sort));
        auto x = r.append_child("ExtendedResults").append_child("ExtendedResult");
        set(x, "Type", "ER");
        set(x, "Code", "LIVE");
        set(x, "Value", exact_time(p.elapsed_ms));
        set(x, "Rank", std::to_string(rank));
        set(x, "Arrive", std::to_string(position_of(u, p.distance_m)));
        competitor(r, *athlete, false);
    }
    return text_of(doc);
}

std::string file_name(std::size_t number, const std::string& event, const char* type) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%06zu", number);
    std::string safe;
    for (unsigned char c : event)
        safe += std::isalnum(c) || c == '-' || c == '_' ? static_cast<char>(c) : '_';
    return std::string(buf) + "-" + safe + "-" + type + ".xml";
}

}  // namespace

std::string odf_unit_code(const std::string& event_id) {
    std::string code = "ATH";
    for (unsigned char c : event_id)
        if (std::isalnum(c)) code += static_cast<char>(std::toupper(c));
    if (code.size() < 34) code.append(34 - code.size(), '-');
    return code;
}

odf_session render_odf(const std::vector<feed::feed_message>& session, const std::string& feed) {
    odf_session out;
    const auto events = session_events(session);
    std::map<std::string, unit> units;
    for (const auto& e : events) {
        auto& u = units[e.id];
        u.code = odf_unit_code(e.id);
        std::set<std::int64_t> points(e.startlist.timing_points_m.begin(), e.startlist.timing_points_m.end());
        for (const auto& m : session)
            if (const auto* s = std::get_if<feed::split_msg>(&m.body); s && m.event == e.id)
                points.insert(s->distance_m);
        u.points.assign(points.begin(), points.end());
    }
    out.meet_toml = render_meet_file(
        feed, events, [&](std::size_t i) { return meet_keys{.lynx = {}, .odf = units[events[i].id].code}; });

    feed_output state(feed, feed);
    std::map<std::string, std::string> gun_ts;
    auto push = [&](const std::string& event, const char* type, std::string ts, std::string xml) {
        out.documents.push_back(
            {file_name(out.documents.size() + 1, event, type), std::move(ts), std::move(xml)});
    };
    auto flush = [&](const std::string& event) {
        auto& u = units[event];
        if (!u.current) return;
        ++u.version;
        push(event, "DT_CURRENT", u.current->last_ts, dt_current(u, *state.find(event), *u.current));
        u.current.reset();
    };
    // Flushes every DT_CURRENT due by `now_ms`, oldest first.
    auto flush_due = [&](std::int64_t now_ms) {
        std::vector<std::pair<std::string, std::string>> due;  // (last ts, event)
        for (const auto& [event, u] : units)
            if (u.current && now_ms >= u.current->first_ms + current_every_ms)
                due.push_back({u.current->last_ts, event});
        std::sort(due.begin(), due.end());
        for (const auto& [ts, event] : due) flush(event);
    };

    for (const auto& m : session) {
        const auto now_ms = feed::parse_iso_ms(m.ts).value_or(0);
        flush_due(now_ms);
        const auto* before = state.find(m.event);
        const auto phase_before = before ? before->phase : sent_phase::scheduled;
        auto it = units.find(m.event);
        if (it == units.end()) continue;
        auto& u = it->second;
        // Nothing of an event goes out before its start list.
        if (!std::holds_alternative<feed::startlist_msg>(m.body) && (!before || !before->startlist)) continue;
        if (const auto* s = std::get_if<feed::split_msg>(&m.body)) {
            if (u.current && std::any_of(u.current->passings.begin(), u.current->passings.end(),
                                         [&](const auto& p) { return p.bib == s->bib; }))
                flush(m.event);
            state.observe(m);
            if (!u.current) u.current = pending_current{now_ms, {}, {}};
            u.current->last_ts = m.ts;
            u.current->passings.push_back({s->bib, s->distance_m, s->elapsed_ms});
            continue;
        }
        flush(m.event);
        state.observe(m);
        const auto* ev = state.find(m.event);
        if (!ev || !ev->startlist) continue;
        bool send = true;
        switch (m.type()) {
            case feed::message_type::hello:
            case feed::message_type::heartbeat:
            case feed::message_type::split:
            case feed::message_type::reaction:  // ODF results carry no reaction times here
                send = false;
                break;
            case feed::message_type::startlist:
                send = ev->phase == sent_phase::scheduled;
                break;
            case feed::message_type::status: {
                const auto& st = std::get<feed::status_msg>(m.body);
                if (st.status == feed::status_code::started) gun_ts[m.event] = st.gun_ts;
                // ODF has no recall: the unit goes back to its start list until the next gun.
                send = st.status != feed::status_code::recalled && st.status != feed::status_code::cancelled;
                break;
            }
            case feed::message_type::finish:
            case feed::message_type::irm:
                send = phase_before != sent_phase::scheduled;  // otherwise it goes out with the gun
                break;
            case feed::message_type::card:
            case feed::message_type::penalty_zone:
                break;  // ODF units here carry no race walking judging
        }
        if (!send) continue;
        ++u.version;
        push(m.event, "DT_RESULT", m.ts, dt_result(u, *ev, gun_ts[m.event]));
    }
    std::vector<std::pair<std::string, std::string>> left;
    for (const auto& [event, u] : units)
        if (u.current) left.push_back({u.current->last_ts, event});
    std::sort(left.begin(), left.end());
    for (const auto& [ts, event] : left) flush(event);
    return out;
}

}  // namespace splitstream::adapters
