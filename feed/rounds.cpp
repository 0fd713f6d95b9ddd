// Rounds of heats and their qualifiers. The rules: World Athletics
// Technical Rules TR 20 (qualification from heats) and TR 21 (ties), as
// docs/protocol.md cites them.

#include "feed/rounds.hpp"

#include <algorithm>
#include <vector>

#include "feed/display_name.hpp"
#include "feed/json_writer.hpp"
#include "feed/marks.hpp"

namespace splitstream::feed {

namespace {

rejection reject(reject_reason r, std::string detail) {
    return rejection{r, std::move(detail)};
}

std::string num(std::int64_t v) {
    return std::to_string(v);
}

// "Men's 100m Semi-Final Heat 2" -> "Men's 100m Semi-Final": the round's
// name is its heats' name without the heat.
std::string round_title(const startlist_msg& m, const std::string& round_id) {
    std::string name = m.name.empty() ? round_id : m.name;
    const auto at = name.rfind(" Heat ");
    if (at != std::string::npos && at + 6 < name.size() &&
        std::all_of(name.begin() + static_cast<std::ptrdiff_t>(at) + 6, name.end(),
                    [](char c) { return c >= '0' && c <= '9'; }))
        name.erase(at);
    while (!name.empty() && (name.back() == ',' || name.back() == ' ' || name.back() == '-')) name.pop_back();
    return name;
}

std::string headline_of(const heat_result& r) {
    std::string s = display_name(r.name);
    if (!r.country.empty()) s += " (" + r.country + ")";
    return s;
}

std::string ordinal(int n) {
    const int tens = n % 100;
    const char* suffix = (tens >= 11 && tens <= 13) ? "th"
                         : n % 10 == 1              ? "st"
                         : n % 10 == 2              ? "nd"
                         : n % 10 == 3              ? "rd"
                                                    : "th";
    return std::to_string(n) + suffix;
}

// One ticker line per qualifier: "Josh Kerr (GBR) through to the final as a
// fastest loser, 3:33.41", "... through to the final, 2nd in heat 1, 3:34.00".
std::string qualifier_line(const qualifier& x, const std::string& next_round, venue course) {
    std::string s = headline_of(x.result) + " through to ";
    s += next_round.empty() ? std::string("the next round") : "the " + next_round;
    if (x.by == qualified_by::time)
        s += " as a fastest loser, ";
    else
        s += ", " + ordinal(*x.result.place) + " in heat " + std::to_string(x.result.heat) + ", ";
    return s + format_mark(*x.result.elapsed_ms, course);
}

void write_qualifier_list(json_writer& w, const std::vector<qualifier>& list, const std::string& next_round,
                          venue course, bool with_lines) {
    w.begin_array();
    for (const auto& x : list) {
        w.begin_object();
        w.field("bib", std::string_view(x.result.bib));
        w.field("name", std::string_view(x.result.name));
        w.field("country", std::string_view(x.result.country));
        w.field("heat", x.result.heat);
        w.field("place", *x.result.place);
        w.field("mark", format_mark(*x.result.elapsed_ms, course));
        w.field("elapsed_ms", *x.result.elapsed_ms);
        w.field("by", to_string(x.by));
        if (with_lines) w.field("text", qualifier_line(x, next_round, course));
        w.end_object();
    }
    w.end_array();
}

}  // namespace

// What the `qualifiers` event and the round's state both open with.
void round_book::round_state::write_header(json_writer& w) const {
    w.field("round", std::string_view(id));
    w.field("name", std::string_view(title));
    w.field("heats", heats);
    w.key("rule").begin_object();
    w.field("by_place", rule.by_place);
    w.field("by_time", rule.by_time);
    w.end_object();
    if (!next_round.empty()) w.field("next_round", std::string_view(next_round));
}

std::optional<rejection> round_book::check(std::string_view event, const startlist_msg& m,
                                           const race_map& races) const {
    const auto member = round_of_.find(event);
    if (m.round_id.empty()) {
        if (member != round_of_.end())
            return reject(reject_reason::invalid_transition, "event " + std::string(event) +
                                                                 " is a heat of round " + member->second +
                                                                 ": its start list must name that round");
        return std::nullopt;
    }
    if (member != round_of_.end() && member->second != m.round_id)
        return reject(reject_reason::invalid_transition, "event " + std::string(event) +
                                                             " is a heat of round " + member->second +
                                                             ", not of " + m.round_id);
    if (!m.heat || !m.heats || !m.qualify)
        return reject(reject_reason::missing_field, "round " + m.round_id +
                                                        ": a heat of a round needs heat, heats and its rule "
                                                        "(qualify_by_place, qualify_by_time)");
    const auto& rule = *m.qualify;
    if (*m.heats < 1 || *m.heat > *m.heats)
        return reject(reject_reason::bad_value, "round " + m.round_id + ": heat " + num(*m.heat) + " of " +
                                                    num(*m.heats) + " heats does not exist");
    if (rule.by_place < 0 || rule.by_time < 0 || rule.by_place + rule.by_time == 0)
        return reject(reject_reason::bad_value, "round " + m.round_id + ": qualification rule " +
                                                    num(rule.by_place) + " by place, " + num(rule.by_time) +
                                                    " by time sends nobody through");

    // The entrants: this start list and the other heats' already accepted.
    std::int64_t entrants = static_cast<std::int64_t>(m.athletes.size());
    int heats_known = 1;
    const auto round = rounds_.find(m.round_id);
    if (round != rounds_.end()) {
        const auto& r = round->second;
        if (r.heats != *m.heats)
            return reject(reject_reason::bad_value, "round " + m.round_id + " has " + num(r.heats) +
                                                        " heats; this start list says " + num(*m.heats));
        if (!(r.rule == rule))
            return reject(reject_reason::bad_value,
                          "round " + m.round_id + " qualifies " + num(r.rule.by_place) + " by place and " +
                              num(r.rule.by_time) + " by time; this start list says " + num(rule.by_place) +
                              " and " + num(rule.by_time));
        for (const auto& [heat, id] : r.heat_events) {
            if (id == event) continue;
            if (heat == *m.heat)
                return reject(reject_reason::bad_value,
                              "round " + m.round_id + ": heat " + num(heat) + " is already event " + id);
            ++heats_known;
            entrants += static_cast<std::int64_t>(races.find(id)->second->definition().athletes.size());
        }
    }
    // TR 20: the places to fill must not outnumber the athletes; known only
    // once every heat has its start list.
    const std::int64_t places = rule.by_place * *m.heats + rule.by_time;
    if (heats_known == *m.heats && places > entrants)
        return reject(reject_reason::bad_value,
                      "round " + m.round_id + ": the rule cannot be met: " + num(rule.by_place) +
                          " by place in each of " + num(*m.heats) + " heats and " + num(rule.by_time) +
                          " by time need " + num(places) + " athletes, the round has " + num(entrants));
    return std::nullopt;
}

void round_book::enter(const std::string& event, const startlist_msg& m) {
    if (m.round_id.empty()) return;
    auto& r = rounds_[m.round_id];
    if (r.id.empty()) {
        r.id = m.round_id;
        r.title = round_title(m, m.round_id);
        r.heats = *m.heats;
        r.rule = *m.qualify;
        r.course = m.course;
        r.next_round = m.next_round;
    }
    std::erase_if(r.heat_events, [&](const auto& entry) { return entry.second == event; });
    r.heat_events[*m.heat] = event;
    round_of_[event] = m.round_id;
}

void round_book::update(std::string_view event, race_map& races, emitter& out) {
    const auto member = round_of_.find(event);
    if (member == round_of_.end()) return;
    auto& r = rounds_.find(member->second)->second;
    if (static_cast<int>(r.heat_events.size()) != r.heats) return;
    std::vector<std::vector<heat_result>> heats;
    for (const auto& [heat, id] : r.heat_events) {
        const race& h = *races.find(id)->second;
        // Qualifiers come from results: unofficial or official ones.
        if (h.phase() != race_phase::unofficial && h.phase() != race_phase::official) return;
        heats.push_back(h.heat_results());
    }
    qualification q = qualify(r.rule, heats);
    if (!r.published || !(*r.published == q)) {
        emit(r, q, out);
        r.published = std::move(q);
    }
    // Marks are set even when who goes through did not change: a re-run
    // heat (CR 18.7) has a new field whose results carry none yet.
    for (const auto& [heat, id] : r.heat_events) {
        race& h = *races.find(id)->second;
        if (h.mark_qualifiers(*r.published)) h.reissue_results(out);
    }
}

void round_book::emit(round_state& r, const qualification& q, emitter& out) const {
    int by_place = 0, by_time = 0;
    for (const auto& x : q.qualified) (x.by == qualified_by::place ? by_place : by_time)++;
    std::string text = r.published ? "Correction: " + r.title : r.title;
    text += ": " + num(by_place + by_time) + " through (" + num(by_place) + " Q, " + num(by_time) + " q)";
    if (r.published) {
        // Name who the correction puts through and who it puts out.
        auto names = [](const std::vector<qualifier>& from, const std::vector<qualifier>& minus) {
            std::string s;
            for (const auto& x : from)
                if (std::find_if(minus.begin(), minus.end(), [&](const qualifier& y) {
                        return y.result.bib == x.result.bib && y.result.heat == x.result.heat;
                    }) == minus.end())
                    s += (s.empty() ? "" : ", ") + headline_of(x.result);
            return s;
        };
        const std::string in = names(q.qualified, r.published->qualified);
        const std::string gone = names(r.published->qualified, q.qualified);
        if (!in.empty()) text += "; now through: " + in;
        if (!gone.empty()) text += "; no longer through: " + gone;
    } else {
        std::string fastest;
        for (const auto& x : q.qualified)
            if (x.by == qualified_by::time)
                fastest += (fastest.empty() ? "" : ", ") + headline_of(x.result) + " " +
                           format_mark(*x.result.elapsed_ms, r.course);
        if (!fastest.empty()) text += "; fastest losers: " + fastest;
    }
    for (const auto by : {qualified_by::place, qualified_by::time}) {
        const int places = by == qualified_by::place ? q.tied_places_by_place : q.tied_places_by_time;
        if (places == 0) continue;
        std::vector<std::string> who;
        for (const auto& x : q.tied)
            if (x.by == by) who.push_back(headline_of(x.result));
        text += "; tie for " + num(places) + (places == 1 ? " place" : " places") +
                (by == qualified_by::place ? " by place" : " by time") + " between ";
        for (std::size_t k = 0; k < who.size(); ++k)
            text += (k == 0 ? "" : k + 1 == who.size() ? " and " : ", ") + who[k];
        text += ": all through if practicable, else lots to be drawn";
    }

    auto w = out.begin(event_type::qualifiers, r.id, text);
    r.write_header(w);
    w.key("qualified");
    write_qualifier_list(w, q.qualified, r.next_round, r.course, true);
    if (!q.tied.empty()) {
        w.key("tied");
        write_qualifier_list(w, q.tied, r.next_round, r.course, false);
        w.field("tied_places", q.tied_places);
    }
    if (r.published) w.field("corrects", r.published_seq);
    out.end();
    r.published_seq = out.last_seq();
}

std::vector<round_book::waiting_heat> round_book::waiting_for(const round_state& r,
                                                              const race_map& races) const {
    std::vector<waiting_heat> out;
    for (int heat = 1; heat <= r.heats; ++heat) {
        const auto it = r.heat_events.find(heat);
        if (it == r.heat_events.end()) {
            out.push_back({heat, {}, race_phase::scheduled});
            continue;
        }
        const race_phase p = races.find(it->second)->second->phase();
        if (p != race_phase::unofficial && p != race_phase::official) out.push_back({heat, it->second, p});
    }
    return out;
}

std::optional<std::string> round_book::state_json(std::string_view round_id, const race_map& races) const {
    const auto found = rounds_.find(round_id);
    if (found == rounds_.end()) return std::nullopt;
    const round_state& r = found->second;
    std::string out;
    json_writer w(out);
    w.begin_object();
    r.write_header(w);
    w.key("heat_events").begin_array();
    for (const auto& [heat, id] : r.heat_events) {
        w.begin_object();
        w.field("heat", heat);
        w.field("event", std::string_view(id));
        w.field("status", to_string(races.find(id)->second->phase()));
        w.end_object();
    }
    w.end_array();
    // What the qualifiers wait for, in words the desk can read out: a
    // cancelled heat is re-run from a new start list (CR 18.7).
    const auto waiting = waiting_for(r, races);
    w.key("waiting_for").begin_array();
    for (const auto& h : waiting) {
        w.begin_object();
        w.field("heat", h.heat);
        std::string why;
        if (h.event.empty()) {
            why = "heat " + num(h.heat) + " has no start list";
        } else {
            w.field("event", std::string_view(h.event));
            w.field("status", to_string(h.phase));
            why = h.phase == race_phase::cancelled
                      ? "heat " + num(h.heat) + " was cancelled; it must be run again (a new start list)"
                      : "heat " + num(h.heat) + " has no results yet";
        }
        w.field("why", std::string_view(why));
        w.end_object();
    }
    w.end_array();
    w.field("qualifiers", r.published ? "published" : "waiting");
    if (r.published) {
        w.key("qualified");
        write_qualifier_list(w, r.published->qualified, r.next_round, r.course, true);
    }
    w.end_object();
    return out;
}

}  // namespace splitstream::feed
