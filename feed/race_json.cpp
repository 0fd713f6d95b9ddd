// The JSON of one event: the start list event, the state (snapshot and
// GET /v1/events/{id}), the summary (GET /v1/events), the results list and
// the pieces other events share (an athlete, a result).

#include <algorithm>
#include <climits>
#include <tuple>

#include "feed/marks.hpp"
#include "feed/race.hpp"
#include "feed/race_text.hpp"
#include "feed/relay.hpp"
#include "feed/sprint_start.hpp"

namespace splitstream::feed {

namespace {

// The start list event and the state were published with the mark and its
// milliseconds in opposite orders; subscribers may compare bytes, so each
// keeps its order and both share the rest.
enum class mark_order { ms_first, text_first };

void write_record_in_force(json_writer& w, const record_entry& r, venue course, mark_order order) {
    w.begin_object();
    w.field("kind", to_string(r.kind));
    if (order == mark_order::ms_first) w.field("mark_ms", r.mark_ms);
    w.field("mark", format_mark(r.mark_ms, course));
    if (order == mark_order::text_first) w.field("mark_ms", r.mark_ms);
    if (!r.holder.empty()) w.field("holder", std::string_view(r.holder));
    if (!r.country.empty()) w.field("country", std::string_view(r.country));
    if (!r.area.empty()) w.field("area", std::string_view(r.area));
    if (r.year) w.field("year", *r.year);
    w.end_object();
}

}  // namespace

void race::write_athlete_fields(json_writer& w, const athlete_entry& e) {
    w.field("bib", std::string_view(e.bib));
    w.field("name", std::string_view(e.name));
    w.field("country", std::string_view(e.country));
}

void race::write_reaction(json_writer& w, const athlete& a) {
    if (!a.reaction_ms) return;
    w.field("reaction_ms", *a.reaction_ms);
    w.field("reaction", format_reaction(*a.reaction_ms));
}

void race::write_athlete_ref(json_writer& w, int i) const {
    w.begin_object();
    write_athlete_fields(w, athlete_at(i).entry);
    w.end_object();
}

void race::emit_startlist(emitter& out) const {
    const char* entrants = relay::is_relay(def_) ? " teams" : " athletes";
    std::string text = title_ + ": start list, " + std::to_string(athletes_.size()) + entrants;
    auto w = out.begin(event_type::startlist, id_, text);
    w.field("name", std::string_view(def_.name));
    w.field("distance_m", def_.distance_m);
    w.field("venue", to_string(def_.course));
    w.field("round", std::string_view(def_.round));
    if (def_.heat) w.field("heat", *def_.heat);
    if (!def_.round_id.empty()) w.field("round_id", std::string_view(def_.round_id));
    if (def_.heats) w.field("heats", *def_.heats);
    if (def_.qualify) {
        w.field("qualify_by_place", def_.qualify->by_place);
        w.field("qualify_by_time", def_.qualify->by_time);
    }
    if (!def_.next_round.empty()) w.field("next_round", std::string_view(def_.next_round));
    if (def_.combined_event) w.field("combined_event", true);
    if (!def_.scheduled.empty()) w.field("scheduled", std::string_view(def_.scheduled));
    if (!def_.timing_points_m.empty()) {
        w.key("timing_points_m").begin_array();
        for (auto p : def_.timing_points_m) w.value(p);
        w.end_array();
    }
    w.key("athletes").begin_array();
    for (const auto& a : athletes_) {
        w.begin_object();
        write_athlete_fields(w, a.entry);
        if (!a.entry.area.empty()) w.field("area", std::string_view(a.entry.area));
        if (a.entry.lane) w.field("lane", *a.entry.lane);
        if (a.entry.pb_ms) w.field("pb_ms", *a.entry.pb_ms);
        if (a.entry.sb_ms) w.field("sb_ms", *a.entry.sb_ms);
        write_runners(w, a.entry);
        w.end_object();
    }
    w.end_array();
    w.key("records").begin_array();
    for (const auto& r : def_.records) write_record_in_force(w, r, def_.course, mark_order::ms_first);
    w.end_array();
    if (!def_.judges.empty()) write_judges(w);
    out.end();
}

void race::write_result(json_writer& w, const published_result& r) const {
    w.begin_object();
    w.field("status", to_string(r.status));
    if (r.elapsed_ms) {
        w.field("elapsed_ms", *r.elapsed_ms);
        w.field("mark", format_mark(*r.elapsed_ms, def_.course));
    } else {
        w.key("elapsed_ms").null();
        w.key("mark").null();
    }
    if (r.place)
        w.field("place", *r.place);
    else
        w.key("place").null();
    w.key("records").begin_array();
    for (const auto& k : r.records) w.value(std::string_view(k));
    w.end_array();
    w.end_object();
}

void race::write_ranking(json_writer& w) const {
    std::vector<int> placed, out_of_race;
    for (int i = 0; i < static_cast<int>(athletes_.size()); ++i) {
        const auto& a = athlete_at(i);
        if (a.place)
            placed.push_back(i);
        else if (a.status != irm_code::ok)
            out_of_race.push_back(i);
    }
    std::stable_sort(placed.begin(), placed.end(),
                     [&](int x, int y) { return *athlete_at(x).place < *athlete_at(y).place; });
    // Results list DNF, then DQ, then DNS, after the placed athletes.
    auto rank_of = [&](int i) {
        switch (athlete_at(i).status) {
            case irm_code::dnf:
                return 0;
            case irm_code::dq:
                return 1;
            case irm_code::dns:
                return 2;
            case irm_code::ok:
                return 3;
        }
        return 3;
    };
    std::stable_sort(out_of_race.begin(), out_of_race.end(),
                     [&](int x, int y) { return rank_of(x) < rank_of(y); });
    const bool final_round = race_text::is_final_round(def_.round);
    w.begin_array();
    for (int i : placed) {
        const auto& a = athlete_at(i);
        w.begin_object();
        w.field("place", *a.place);
        write_athlete_fields(w, a.entry);
        w.field("mark", format_mark(*a.finish_ms, def_.course));
        w.field("elapsed_ms", *a.finish_ms);
        w.key("flags").begin_array();
        for (const auto& k : a.records) w.value(std::string_view(k));
        w.end_array();
        if (final_round && race_text::medal_of(*a.place)) w.field("medal", race_text::medal_of(*a.place));
        if (a.qualified) w.field("qualified", a.qualified);
        write_runners(w, a.entry);
        write_reaction(w, a);
        w.end_object();
    }
    for (int i : out_of_race) {
        const auto& a = athlete_at(i);
        w.begin_object();
        w.key("place").null();
        write_athlete_fields(w, a.entry);
        w.field("mark", to_string(a.status));
        w.key("flags").begin_array().end_array();
        if (!a.irm_rule.empty()) w.field("rule", std::string_view(a.irm_rule));
        write_runners(w, a.entry);
        write_reaction(w, a);
        w.end_object();
    }
    w.end_array();
}

std::vector<int> race::running_order() const {
    std::vector<int> order(athletes_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    auto key = [&](int i) {
        const auto& a = athlete_at(i);
        // group 0 finished, 1 running with a split, 2 not yet timed, 3 out
        int group = a.status != irm_code::ok ? 3 : a.place ? 0 : a.splits.empty() ? 2 : 1;
        std::int64_t d = a.splits.empty() ? 0 : a.splits.back().first;
        std::int64_t t = a.splits.empty() ? 0 : a.splits.back().second;
        // Equal times at a point keep the order the stream gave them (the
        // point's order is by time, then arrival), as the leader does.
        std::int64_t arrival = 0;
        if (group == 1) {
            const auto& order_here = point_at(d).order;
            arrival = std::find_if(order_here.begin(), order_here.end(),
                                   [i](const auto& entry) { return entry.second == i; }) -
                      order_here.begin();
        }
        return std::tuple<int, std::int64_t, std::int64_t, std::int64_t>(
            group, group == 0 ? *a.place : -d, group == 0 ? *a.finish_ms : t, arrival);
    };
    std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return key(x) < key(y); });
    return order;
}

// The athlete named as `leader` in the state: the winner once there is
// one, else the first at the furthest point with splits (-1: nobody yet).
int race::current_leader() const {
    int leader = -1;
    for (auto it = points_.rbegin(); it != points_.rend() && leader < 0; ++it)
        if (!it->order.empty()) leader = it->order.front().second;
    for (const auto& a : athletes_)
        if (a.place == 1) leader = static_cast<int>(&a - athletes_.data());
    return leader;
}

void race::write_state(std::string& out) const {
    json_writer w(out);
    w.begin_object();
    w.field("event", std::string_view(id_));
    w.field("name", std::string_view(def_.name));
    w.field("distance_m", def_.distance_m);
    w.field("venue", to_string(def_.course));
    w.field("round", std::string_view(def_.round));
    if (def_.heat) w.field("heat", *def_.heat);
    if (!def_.round_id.empty()) w.field("round_id", std::string_view(def_.round_id));
    if (def_.combined_event) w.field("combined_event", true);
    if (!def_.scheduled.empty()) w.field("scheduled", std::string_view(def_.scheduled));
    w.field("status", to_string(phase_));
    if (!gun_ts_.empty()) w.field("gun_ts", std::string_view(gun_ts_));
    if (!points_.empty()) {
        w.field("last_point_m", points_.back().distance_m);
    }
    w.key("leader");
    if (const int leader = current_leader(); leader >= 0)
        write_athlete_ref(w, leader);
    else
        w.null();
    w.key("athletes").begin_array();
    int order = 0;
    for (int i : running_order()) write_athlete_state(w, i, order);
    w.end_array();
    w.key("records_in_force").begin_array();
    for (const auto& r : def_.records) write_record_in_force(w, r, def_.course, mark_order::text_first);
    w.end_array();
    if (phase_ == race_phase::unofficial || phase_ == race_phase::official ||
        phase_ == race_phase::finished) {
        w.key("results");
        write_ranking(w);
    }
    w.end_object();
}

void race::write_athlete_state(json_writer& w, int i, int& order) const {
    const auto& a = athlete_at(i);
    w.begin_object();
    write_athlete_fields(w, a.entry);
    if (!a.entry.area.empty()) w.field("area", std::string_view(a.entry.area));
    if (a.entry.lane) w.field("lane", *a.entry.lane);
    w.field("status", to_string(a.status));
    if (a.status == irm_code::ok && (a.place || !a.splits.empty())) w.field("order", ++order);
    if (!a.splits.empty()) {
        const auto [d, t] = a.splits.back();
        const auto& point = point_at(d);
        const auto faster =
            std::lower_bound(point.order.begin(), point.order.end(), std::make_pair(t, INT_MIN)) -
            point.order.begin();
        w.key("last_split").begin_object();
        w.field("distance_m", d);
        w.field("elapsed_ms", t);
        w.field("time", format_mark(t, def_.course));
        w.field("position", static_cast<int>(faster) + 1);
        w.field("behind_ms", t - point.order.front().first);
        w.end_object();
    }
    if (a.finish_ms) {
        w.key("finish").begin_object();
        w.field("elapsed_ms", *a.finish_ms);
        w.field("mark", format_mark(*a.finish_ms, def_.course));
        if (a.place)
            w.field("place", *a.place);
        else
            w.key("place").null();
        w.end_object();
    }
    w.key("records").begin_array();
    for (const auto& k : a.records) w.value(std::string_view(k));
    w.end_array();
    if (a.entry.pb_ms) w.field("pb_ms", *a.entry.pb_ms);
    if (a.entry.sb_ms) w.field("sb_ms", *a.entry.sb_ms);
    if (!a.irm_rule.empty()) w.field("rule", std::string_view(a.irm_rule));
    if (!a.irm_reason.empty()) w.field("reason", std::string_view(a.irm_reason));
    if (a.irm_at_m) w.field("at_m", *a.irm_at_m);
    if (!a.entry.runners.empty()) {
        write_runners(w, a.entry);
        // The runner with the baton now: the leg after the team's last
        // timing point, until the team is out of the race or finished.
        if (a.status == irm_code::ok && !a.finish_ms && phase_ == race_phase::started) {
            const std::int64_t past_m = a.splits.empty() ? 0 : a.splits.back().first;
            write_runner(w, "on_leg", a.entry, relay::leg_at(past_m + 1, def_.distance_m));
        }
    }
    if (!a.walk.empty()) write_walk_state(w, a.walk);
    write_reaction(w, a);
    w.end_object();
}

void race::write_summary(json_writer& w) const {
    int finished = 0;
    for (const auto& a : athletes_)
        if (a.finish_ms) ++finished;
    w.begin_object();
    w.field("event", std::string_view(id_));
    w.field("name", std::string_view(def_.name));
    w.field("round", std::string_view(def_.round));
    if (def_.heat) w.field("heat", *def_.heat);
    if (!def_.round_id.empty()) w.field("round_id", std::string_view(def_.round_id));
    w.field("distance_m", def_.distance_m);
    w.field("venue", to_string(def_.course));
    w.field("status", to_string(phase_));
    w.field("athletes", static_cast<int>(athletes_.size()));
    w.field("finished", finished);
    w.end_object();
}

}  // namespace splitstream::feed
