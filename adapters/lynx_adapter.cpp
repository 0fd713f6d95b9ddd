#include "adapters/lynx_adapter.hpp"

#include <set>

#include "adapters/heat_results.hpp"
#include "adapters/lynx_text.hpp"
#include "adapters/text_encoding.hpp"
#include "feed/iso_time.hpp"

namespace splitstream::adapters {

namespace {

std::string where(std::string_view file, int line) {
    return std::string(file) + ":" + std::to_string(line);
}

std::string full_name(const std::string& first, const std::string& last) {
    if (first.empty()) return last;
    if (last.empty()) return first;
    return first + " " + last;
}

// "1500", "1500m", "1500 m": the leading metres.
std::int64_t leading_metres(std::string_view text) {
    std::int64_t m = 0;
    std::size_t i = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9' && m < 1'000'000; ++i)
        m = m * 10 + (text[i] - '0');
    return m;
}

// The place column: a number places the athlete; DNS, DNF and anything with a
// Q (DQ, DSQ) rule on them, as FinishLynx's readers do.
struct place_reading {
    std::optional<int> place;
    std::optional<feed::irm_code> irm;
    bool unplaced = false;  // no place and no time: not read yet
    bool known = true;
};

place_reading read_place(const std::string& place, const std::string& time) {
    place_reading r;
    if (place.empty()) {
        r.unplaced = time.empty();
        r.known = time.empty();
    } else if (auto p = parse_lynx_int(place); p && *p > 0) {
        r.place = p;
    } else if (place == "DNS") {
        r.irm = feed::irm_code::dns;
    } else if (place == "DNF") {
        r.irm = feed::irm_code::dnf;
    } else if (place.find('Q') != std::string::npos) {
        r.irm = feed::irm_code::dq;
    } else {
        r.known = false;
    }
    return r;
}

}  // namespace

lynx_adapter::lynx_adapter(const meet_file& meet, feed_output& output) : meet_(meet), output_(output) {}

std::string lynx_adapter::event_id(const lynx_heat& h) const {
    if (const auto* me = meet_.by_lynx(h.event, h.round, h.heat)) return me->id;
    return "lynx-" + std::to_string(h.event) + "-" + std::to_string(h.round) + "-" + std::to_string(h.heat);
}

void lynx_adapter::note(conversion& out, std::vector<problem> found) {
    for (auto& p : found) {
        counts_.add(p.reason);
        out.problems.push_back(std::move(p));
    }
}

conversion lynx_adapter::on_evt(std::string_view bytes, std::string_view file, std::string_view ts) {
    conversion out;
    auto evt = parse_evt(to_utf8(bytes), file);
    note(out, std::move(evt.problems));
    evt_ = std::move(evt.heats);
    evt_name_ = std::string(file);
    send_start_lists(out, ts);
    return out;
}

conversion lynx_adapter::on_ppl(std::string_view bytes, std::string_view file, std::string_view ts) {
    conversion out;
    auto ppl = parse_ppl(to_utf8(bytes), file);
    note(out, std::move(ppl.problems));
    people_.clear();
    for (auto& p : ppl.people) people_.emplace(p.id, std::move(p));
    if (evt_) send_start_lists(out, ts);
    return out;
}

lynx_competitor lynx_adapter::completed(const lynx_competitor& c) const {
    const auto it = people_.find(c.id);
    if (it == people_.end()) return c;
    lynx_competitor out = c;
    // The names go together: a first name from one file and a last name
    // from the other could make a person who does not exist.
    if (c.last_name.empty() && c.first_name.empty()) {
        out.last_name = it->second.last_name;
        out.first_name = it->second.first_name;
    }
    if (c.affiliation.empty()) out.affiliation = it->second.affiliation;
    return out;
}

void lynx_adapter::send_start_lists(conversion& out, std::string_view ts) {
    const std::string_view file = evt_name_;
    std::vector<problem> found;
    for (const auto& h : *evt_) {
        const auto* me = meet_.by_lynx(h.event, h.round, h.heat);
        feed::startlist_msg sl;
        sl.name = me && !me->name.empty() ? me->name : h.name;
        if (sl.name.empty()) sl.name = "Event " + std::to_string(h.event);
        sl.distance_m = me && me->distance_m ? me->distance_m : leading_metres(h.distance);
        if (sl.distance_m <= 0) {
            found.push_back({problem_reason::bad_value, where(file, h.line),
                             "event " + event_id(h) + " has no distance: set distance_m in the meet file"});
            continue;
        }
        sl.course = me ? me->course : feed::venue::track;
        sl.round = me && !me->round.empty() ? me->round : std::to_string(h.round);
        sl.heat = me ? me->heat : std::optional<int>(h.heat);
        if (me) {
            sl.timing_points_m = me->timing_points_m;
            sl.records = me->records;
        }
        std::set<std::string> seen;
        for (const auto& listed : h.competitors) {
            const auto c = completed(listed);
            if (!seen.insert(c.id).second) {
                found.push_back(
                    {problem_reason::bad_value, where(file, c.line),
                     "ID " + c.id + " is twice in the start list of " + event_id(h) + "; kept the first"});
                continue;
            }
            feed::athlete_entry a;
            a.bib = c.id;
            a.name = full_name(c.first_name, c.last_name);
            a.lane = c.lane;
            if (auto country = meet_.country_of(c.affiliation)) {
                a.country = *country;
            } else {
                found.push_back({problem_reason::bad_value, where(file, c.line),
                                 "affiliation \"" + c.affiliation +
                                     "\" is not a country code: map it in the meet file's [countries]"});
            }
            if (auto it = meet_.athletes.find(c.id); it != meet_.athletes.end()) {
                a.pb_ms = it->second.pb_ms;
                a.sb_ms = it->second.sb_ms;
            }
            sl.athletes.push_back(std::move(a));
        }
        const auto id = event_id(h);
        const auto* sent = output_.find(id);
        if (sent && sent->startlist_json == startlist_body_json(sl)) continue;
        if (sent && sent->phase != sent_phase::scheduled) {
            found.push_back({problem_reason::bad_value, where(file, h.line),
                             "the start list of " + id + " changed after the start: not sent"});
            continue;
        }
        feed::feed_message m;
        m.event = id;
        m.body = std::move(sl);
        output_.emit(std::move(m), ts, out.messages);
    }
    note(out, std::move(found));
}

conversion lynx_adapter::on_lif(std::string_view bytes, std::string_view file, std::string_view ts) {
    conversion out;
    auto lif = parse_lif(to_utf8(bytes), file);
    note(out, std::move(lif.problems));
    if (!lif.header) return out;
    std::vector<problem> found;
    const auto id = event_id(*lif.header);
    const auto* sent = output_.find(id);
    if (!sent || !sent->startlist) {
        found.push_back({problem_reason::no_start_list, where(file, lif.header->line),
                         "results for " + id + ", which has no start list (lynx.evt): file skipped"});
        note(out, std::move(found));
        return out;
    }
    heat_results now;
    now.event = id;
    now.started = true;
    if (auto gun = meet_.time_of_day_ms(lif.header->start_time)) now.gun_ts = feed::format_iso_ms(*gun);
    std::set<std::string> seen;
    for (const auto& r : lif.results) {
        if (!sent->has_bib(r.id)) {
            found.push_back({problem_reason::unknown_bib, where(file, r.line),
                             "ID " + r.id + " is not in the start list of " + id});
            continue;
        }
        if (!seen.insert(r.id).second) {
            found.push_back({problem_reason::bad_value, where(file, r.line),
                             "ID " + r.id + " is listed twice; kept the first"});
            continue;
        }
        const auto reading = read_place(r.place, r.time);
        if (!reading.known) {
            found.push_back({problem_reason::unknown_place, where(file, r.line),
                             "place \"" + r.place + "\" is neither a number nor DNS, DNF or DQ"});
            continue;
        }
        if (reading.unplaced) continue;
        athlete_outcome o;
        o.bib = r.id;
        o.place = reading.place;
        o.irm = reading.irm;
        if (reading.place) {
            o.elapsed_ms = parse_lynx_time(r.time);
            if (!o.elapsed_ms) {
                found.push_back(
                    {problem_reason::bad_time, where(file, r.line),
                     "time \"" + r.time + "\" of ID " + r.id + " is not ss.fff, m:ss.fff or h:mm:ss.fff"});
                continue;
            }
        }
        now.outcomes.push_back(std::move(o));
    }
    if (!now.outcomes.empty() && now.outcomes.size() == sent->startlist->athletes.size())
        now.status = results_status::unofficial;
    for (auto& m : diff_results(sent, now)) output_.emit(std::move(m), ts, out.messages);
    note(out, std::move(found));
    return out;
}

}  // namespace splitstream::adapters
