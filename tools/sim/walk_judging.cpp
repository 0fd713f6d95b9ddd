#include "tools/sim/walk_judging.hpp"

#include <algorithm>

#include "feed/json_writer.hpp"
#include "feed/walk_rules.hpp"

namespace splitstream::sim {

namespace {

using feed::append_json_string;

// The red cards and cautions of one walker, by distance.
std::vector<const incident_spec*> cards_of(const event_spec& e, const std::string& bib) {
    std::vector<const incident_spec*> cards;
    for (const auto& inc : e.incidents)
        if ((inc.kind == incident_kind::red_card || inc.kind == incident_kind::caution) && inc.bib == bib)
            cards.push_back(&inc);
    std::stable_sort(cards.begin(), cards.end(), [](auto* a, auto* b) { return a->at_m < b->at_m; });
    return cards;
}

constexpr std::int64_t penalty_entry_after_ms = 20000;

}  // namespace

walk_plan plan_walk(const event_spec& e) {
    walk_plan plan;
    plan.penalty_ms = feed::walk_rules::penalty_time_ms(e.distance_m);
    const int out_after = feed::walk_rules::disqualifying_cards(e.penalty_zone);
    for (const auto& a : e.athletes) {
        int reds = 0;
        for (const auto* c : cards_of(e, a.bib)) {
            if (c->kind != incident_kind::red_card) continue;
            ++reds;
            if (e.penalty_zone && reds == feed::walk_rules::penalty_zone_cards)
                plan.penalty_after_m[a.bib] = c->at_m;
            if (reds == out_after) plan.out_at_m[a.bib] = c->at_m;
        }
        // A walker disqualified never serves the Penalty Zone time.
        if (plan.out_at_m.count(a.bib)) plan.penalty_after_m.erase(a.bib);
    }
    return plan;
}

std::int64_t elapsed_at(const walker_times& times, std::int64_t at_m) {
    std::int64_t d0 = 0, t0 = 0;
    for (const auto& [d, t] : times) {
        if (d >= at_m) return t0 + (t - t0) * (at_m - d0) / std::max<std::int64_t>(d - d0, 1);
        d0 = d;
        t0 = t;
    }
    return d0 > 0 ? t0 + t0 * (at_m - d0) / d0 : 0;
}

std::int64_t penalty_entry_ms(const walker_times& times, std::int64_t card_m) {
    return elapsed_at(times, card_m) + penalty_entry_after_ms;
}

std::vector<walk_message> walk_messages(const event_spec& e, const walk_plan& plan,
                                        const std::map<std::string, walker_times>& times) {
    std::vector<walk_message> out;
    for (const auto& a : e.athletes) {
        const auto it = times.find(a.bib);
        if (it == times.end()) continue;
        const auto out_at = plan.out_at_m.find(a.bib);
        for (const auto* c : cards_of(e, a.bib)) {
            if (out_at != plan.out_at_m.end() && c->at_m > out_at->second) break;  // already out
            walk_message m;
            m.elapsed_ms = elapsed_at(it->second, c->at_m);
            m.fields = ",\"bib\":";
            append_json_string(m.fields, a.bib);
            m.fields += ",\"judge\":";
            append_json_string(m.fields, c->judge);
            m.fields += ",\"offence\":";
            append_json_string(m.fields, c->offence);
            if (c->kind == incident_kind::caution) m.fields += ",\"kind\":\"yellow\"";
            out.push_back(std::move(m));
        }
        if (const auto p = plan.penalty_after_m.find(a.bib); p != plan.penalty_after_m.end()) {
            const std::int64_t enter = penalty_entry_ms(it->second, p->second);
            for (auto [action, at] :
                 {std::pair{"enter", enter}, std::pair{"leave", enter + plan.penalty_ms}}) {
                walk_message m;
                m.elapsed_ms = at;
                m.type = "penalty_zone";
                m.fields = ",\"bib\":";
                append_json_string(m.fields, a.bib);
                m.fields += ",\"action\":\"";
                m.fields += action;
                m.fields += "\",\"elapsed_ms\":" + std::to_string(at);
                out.push_back(std::move(m));
            }
        }
    }
    return out;
}

std::string walk_startlist_fields(const event_spec& e) {
    if (e.judges.empty()) return {};
    std::string f =
        e.penalty_zone ? ",\"penalty_zone\":true,\"judges\":[" : ",\"penalty_zone\":false,\"judges\":[";
    for (std::size_t i = 0; i < e.judges.size(); ++i) {
        const auto& j = e.judges[i];
        f += i ? ",{\"id\":" : "{\"id\":";
        append_json_string(f, j.id);
        if (!j.name.empty()) f += ",\"name\":", append_json_string(f, j.name);
        if (!j.country.empty()) f += ",\"country\":", append_json_string(f, j.country);
        f += "}";
    }
    f += "]";
    return f;
}

}  // namespace splitstream::sim
