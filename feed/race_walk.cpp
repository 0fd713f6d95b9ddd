// Race walking (World Athletics Technical Rules, TR 54): the judges' red
// cards and cautions, the Penalty Zone and the Chief Judge's
// disqualification after red cards. The numbers are in walk_rules.hpp;
// what a card or a Penalty Zone message may do, and what it publishes, is
// here. A refused message changes nothing.

#include <algorithm>

#include "feed/race.hpp"
#include "feed/race_text.hpp"

namespace splitstream::feed {

namespace {

rejection reject(reject_reason r, std::string detail) {
    return rejection{r, std::move(detail)};
}

// "2:00", "3:30", "0:30": a Penalty Zone time as the rules state it.
std::string minutes(std::int64_t ms) {
    const std::int64_t s = ms / 1000;
    std::string out = std::to_string(s / 60) + ":";
    if (s % 60 < 10) out += '0';
    out += std::to_string(s % 60);
    return out;
}

}  // namespace

std::optional<rejection> race::check_walker(const std::string& bib, const char* what, int& index) const {
    if (auto refused = check_athlete(bib, index)) return refused;
    const auto& a = athlete_at(index);
    if (awaiting_start())
        return reject(reject_reason::not_started,
                      std::string(what) + " for bib " + bib + " before the start of " + id_);
    if (a.status != irm_code::ok)
        return reject(reject_reason::after_out,
                      std::string(what) + " for bib " + bib + " after " + to_string(a.status));
    if (a.finish_ms)
        return reject(reject_reason::already_finished,
                      std::string(what) + " for bib " + bib + " after the athlete's finish");
    return std::nullopt;
}

// ---- card ------------------------------------------------------------------

std::optional<rejection> race::on_card(const card_msg& m, emitter& out) {
    int i = -1;
    if (auto refused = check_athlete(m.bib, i)) return refused;
    // The judges are named before the race (TR 54.3): a card from anyone
    // else is not a judge's card.
    const bool known = std::any_of(def_.judges.begin(), def_.judges.end(),
                                   [&](const judge_entry& j) { return j.id == m.judge; });
    if (!known)
        return reject(reject_reason::bad_value, def_.judges.empty()
                                                    ? "event " + id_ + " names no race walking judges"
                                                    : "judge " + m.judge + " is not a judge of " + id_);
    if (auto refused = check_walker(m.bib, "card", i)) return refused;
    const auto& walk = athlete_at(i).walk;
    // One red card per judge per athlete (TR 54.7.1); one caution per judge
    // per offence (TR 54.5).
    if (m.kind == card_kind::red && walk.red_from(m.judge))
        return reject(reject_reason::invalid_transition, "judge " + m.judge + " already gave bib " + m.bib +
                                                             " a red card: one per judge counts (TR 54.7.1)");
    if (m.kind == card_kind::yellow && walk.caution_from(m.judge, m.offence))
        return reject(reject_reason::invalid_transition,
                      "judge " + m.judge + " already cautioned bib " + m.bib + " for " +
                          walk_rules::offence_words(m.offence) + " (TR 54.5)");

    auto& a = athlete_at(i);
    a.walk.cards.push_back({m.judge, m.offence, m.kind});
    emit_card(i, m, out);
    if (m.kind != card_kind::red) return std::nullopt;

    const int reds = a.walk.red_cards();
    if (reds >= walk_rules::disqualifying_cards(def_.penalty_zone)) {
        disqualify_by_cards(i, out);
    } else if (def_.penalty_zone && reds == walk_rules::penalty_zone_cards) {
        a.walk.penalty_ms = walk_rules::penalty_time_ms(def_.distance_m);
        emit_penalty_zone(i, "due", out);
    }
    return std::nullopt;
}

void race::emit_card(int i, const card_msg& m, emitter& out) {
    const auto& a = athlete_at(i);
    const int reds = a.walk.red_cards();
    std::string text = a.headline;
    if (m.kind == card_kind::red) {
        text += " receives a red card (";
        text += walk_rules::offence_words(m.offence);
        text += ") from judge " + m.judge + ": " + std::to_string(reds) + (reds == 1 ? " card" : " cards");
    } else {
        text += " is cautioned by judge " + m.judge + " (";
        text += walk_rules::offence_words(m.offence);
        text += ")";
    }
    auto w = out.begin(event_type::card, id_, text);
    write_athlete_fields(w, a.entry);
    w.field("judge", std::string_view(m.judge));
    w.field("offence", to_string(m.offence));
    w.field("kind", to_string(m.kind));
    w.field("red_cards", reds);
    out.end();
}

// The Chief Judge disqualifies on the red cards (TR 54.7.1, 54.7.3): the
// walker leaves the running order and the results list them as DQ.
void race::disqualify_by_cards(int i, emitter& out) {
    auto& a = athlete_at(i);
    const int reds = a.walk.red_cards();
    const char* rule = walk_rules::disqualification_rule(def_.penalty_zone);
    const bool had_result = a.published.has_value();
    a.status = irm_code::dq;
    a.irm_rule = rule;
    a.irm_reason = std::to_string(reds) + " red cards";
    a.irm_at_m.reset();

    const std::string text = a.headline + " disqualified by the Chief Judge after " + std::to_string(reds) +
                             " red cards (" + rule + ")";
    auto w = out.begin(event_type::irm, id_, text);
    write_athlete_fields(w, a.entry);
    w.field("code", to_string(irm_code::dq));
    w.field("rule", std::string_view(a.irm_rule));
    w.field("reason", std::string_view(a.irm_reason));
    out.end();
    publish_changes(i, out, /*subject_changed=*/!had_result);
    maybe_finished(out);
}

// ---- penalty zone ----------------------------------------------------------

std::optional<rejection> race::on_penalty_zone(const penalty_zone_msg& m, emitter& out) {
    int i = -1;
    if (auto refused = check_walker(m.bib, "Penalty Zone", i)) return refused;
    auto& walk = athlete_at(i).walk;
    if (m.action == penalty_action::enter) {
        if (!walk.penalty_ms)
            return reject(reject_reason::invalid_transition,
                          "bib " + m.bib + " has no Penalty Zone time to serve (3 red cards, TR 54.7.3)");
        if (walk.entered_ms)
            return reject(
                reject_reason::invalid_transition,
                "bib " + m.bib +
                    (walk.left_ms ? " has served its Penalty Zone time" : " is already in the Penalty Zone"));
        const auto& splits = athlete_at(i).splits;
        if (!splits.empty() && splits.back().second > m.elapsed_ms)
            return reject(reject_reason::time_backwards,
                          "bib " + m.bib + " enters the Penalty Zone before its last split");
        walk.entered_ms = m.elapsed_ms;
        emit_penalty_zone(i, "entered", out);
        return std::nullopt;
    }
    if (!walk.in_penalty_zone())
        return reject(reject_reason::invalid_transition, "bib " + m.bib + " is not in the Penalty Zone");
    if (m.elapsed_ms - *walk.entered_ms < *walk.penalty_ms)
        return reject(reject_reason::bad_value, "bib " + m.bib + " leaves the Penalty Zone after " +
                                                    minutes(m.elapsed_ms - *walk.entered_ms) + " of its " +
                                                    minutes(*walk.penalty_ms) + " (TR 54.7.3)");
    walk.left_ms = m.elapsed_ms;
    emit_penalty_zone(i, "left", out);
    return std::nullopt;
}

void race::emit_penalty_zone(int i, const char* state, emitter& out) {
    const auto& a = athlete_at(i);
    const auto& walk = a.walk;
    const std::string time = minutes(*walk.penalty_ms);
    std::string text = a.headline;
    const std::string_view s(state);
    if (s == "due")
        text += " must enter the Penalty Zone for " + time + " after 3 red cards (TR 54.7.3)";
    else if (s == "entered")
        text += " enters the Penalty Zone for " + time;
    else
        text += " leaves the Penalty Zone after " + minutes(*walk.left_ms - *walk.entered_ms);
    auto w = out.begin(event_type::penalty_zone, id_, text);
    write_athlete_fields(w, a.entry);
    w.field("state", state);
    w.field("penalty_ms", *walk.penalty_ms);
    if (walk.entered_ms) w.field("entered_ms", *walk.entered_ms);
    if (walk.left_ms) w.field("left_ms", *walk.left_ms);
    out.end();
}

// ---- JSON ------------------------------------------------------------------

void race::write_judges(json_writer& w) const {
    w.field("penalty_zone", def_.penalty_zone);
    w.key("judges").begin_array();
    for (const auto& j : def_.judges) {
        w.begin_object();
        w.field("id", std::string_view(j.id));
        if (!j.name.empty()) w.field("name", std::string_view(j.name));
        if (!j.country.empty()) w.field("country", std::string_view(j.country));
        w.end_object();
    }
    w.end_array();
}

void race::write_walk_state(json_writer& w, const walk_record& walk) const {
    w.key("cards").begin_array();
    for (const auto& c : walk.cards) {
        w.begin_object();
        w.field("judge", std::string_view(c.judge));
        w.field("offence", to_string(c.offence));
        w.field("kind", to_string(c.kind));
        w.end_object();
    }
    w.end_array();
    w.field("red_cards", walk.red_cards());
    if (walk.penalty_ms) {
        w.key("penalty_zone").begin_object();
        w.field("state", walk.left_ms ? "left" : walk.entered_ms ? "entered" : "due");
        w.field("penalty_ms", *walk.penalty_ms);
        if (walk.entered_ms) w.field("entered_ms", *walk.entered_ms);
        if (walk.left_ms) w.field("left_ms", *walk.left_ms);
        w.end_object();
    }
}

}  // namespace splitstream::feed
