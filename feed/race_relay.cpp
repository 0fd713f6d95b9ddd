// What a relay team's runners add to the events of one race (World
// Athletics TR 24): the leg and the runner at each timing point, the leg
// times at the changeovers and the finish, the runners in start lists,
// results and records. Everything else treats the team like an athlete.

#include "feed/display_name.hpp"
#include "feed/marks.hpp"
#include "feed/race.hpp"
#include "feed/race_text.hpp"
#include "feed/relay.hpp"

namespace splitstream::feed {

std::optional<std::int64_t> race::leg_ms_of(int i, int leg, std::int64_t end_ms) const {
    const std::int64_t start_m = relay::leg_start_m(leg, def_.distance_m);
    if (start_m == 0) return end_ms;
    for (const auto& [d, t] : athlete_at(i).splits)
        if (d == start_m) return end_ms - t;
    return std::nullopt;
}

namespace {

// "Vernon Norwood ran leg 2 in 43.26", without the time when unknown.
void append_leg_words(std::string& text, const relay_runner& r, std::optional<std::int64_t> leg_ms,
                      venue course) {
    text += display_name(r.name);
    text += " ran leg ";
    race_text::append_int(text, r.leg);
    if (leg_ms) {
        text += " in ";
        text += print_mark(*leg_ms, course).view();
    }
}

}  // namespace

void race::relay_split_text(int i, const split_msg& m, const split_outcome& s, std::string& text) const {
    const auto& a = athlete_at(i);
    const int changeover = relay::changeover_at(m.distance_m, def_.distance_m);
    const int leg = relay::leg_at(m.distance_m, def_.distance_m);
    std::string where;
    if (changeover) {
        where = std::string("the ") + relay::changeover_word(changeover) + " changeover";
    } else {
        race_text::append_metres(where, m.distance_m);
    }
    text.assign(a.headline);
    if (s.position == 1) {
        text += " leads at " + where + " in ";
        text += print_mark(m.elapsed_ms, def_.course).view();
    } else {
        text += ' ';
        race_text::append_ordinal(text, s.position);
        text += " at " + where + ", ";
        text += print_gap(s.behind_ms, def_.course).view();
    }
    const relay_runner* r = relay::runner_on(a.entry, leg);
    if (!r) return;
    if (changeover) {
        text += "; ";
        append_leg_words(text, *r, leg_ms_of(i, leg, m.elapsed_ms), def_.course);
    } else {
        text += " (" + display_name(r->name) + ", leg " + std::to_string(leg) + ")";
    }
}

void race::append_relay_split(std::string& json, int i, const split_msg& m) const {
    json_writer w(json, true);
    const int leg = relay::leg_at(m.distance_m, def_.distance_m);
    w.field("leg", leg);
    write_runner(w, "runner", athlete_at(i).entry, leg);
    if (const int changeover = relay::changeover_at(m.distance_m, def_.distance_m)) {
        w.field("changeover", changeover);
        if (const auto t = leg_ms_of(i, leg, m.elapsed_ms)) w.field("leg_ms", *t);
    }
}

void race::append_anchor_text(std::string& text, int i, std::int64_t finish_ms) const {
    const relay_runner* r = relay::runner_on(athlete_at(i).entry, relay::legs);
    if (!r) return;
    text += "; ";
    append_leg_words(text, *r, leg_ms_of(i, relay::legs, finish_ms), def_.course);
}

void race::write_anchor(json_writer& w, int i, std::int64_t finish_ms) const {
    w.field("leg", relay::legs);
    write_runner(w, "runner", athlete_at(i).entry, relay::legs);
    if (const auto t = leg_ms_of(i, relay::legs, finish_ms)) w.field("leg_ms", *t);
}

std::string race::runner_words(int i, std::int64_t distance_m) const {
    const int leg = relay::leg_at(distance_m, def_.distance_m);
    const relay_runner* r = relay::runner_on(athlete_at(i).entry, leg);
    if (!r) return {};
    return " (" + display_name(r->name) + ", leg " + std::to_string(leg) + ")";
}

void race::write_runner(json_writer& w, const char* key, const athlete_entry& e, int leg) {
    const relay_runner* r = relay::runner_on(e, leg);
    if (!r) return;
    w.key(key).begin_object();
    w.field("leg", r->leg);
    w.field("name", std::string_view(r->name));
    if (!r->bib.empty()) w.field("bib", std::string_view(r->bib));
    w.end_object();
}

void race::write_runners(json_writer& w, const athlete_entry& e) {
    if (e.runners.empty()) return;
    w.key("runners").begin_array();
    for (int leg = 1; leg <= relay::legs; ++leg) {
        const relay_runner* r = relay::runner_on(e, leg);
        if (!r) continue;
        w.begin_object();
        w.field("leg", r->leg);
        w.field("name", std::string_view(r->name));
        if (!r->bib.empty()) w.field("bib", std::string_view(r->bib));
        w.end_object();
    }
    w.end_array();
}

}  // namespace splitstream::feed
