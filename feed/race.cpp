// The rules of the sport as they act on one event (PROTOCOL.md §3): which
// message is accepted in which phase, and what a start list, status,
// split, finish or irm changes. Standings, records, the headlines' words
// and the JSON of the state are in the other race_*.cpp files.

#include "feed/race.hpp"

#include <algorithm>
#include <climits>

#include "feed/areas.hpp"
#include "feed/display_name.hpp"
#include "feed/json_cursor.hpp"
#include "feed/marks.hpp"
#include "feed/race_text.hpp"
#include "feed/relay.hpp"

namespace splitstream::feed {

namespace {

using race_text::metres;

// The split at `distance_m`, or where it would go, in splits sorted by
// distance. A split beyond the last one, the usual case, needs no search.
template <class Splits>
auto split_at(Splits& splits, std::int64_t distance_m) {
    if (splits.empty() || splits.back().first < distance_m) return splits.end();
    return std::lower_bound(splits.begin(), splits.end(), distance_m,
                            [](const auto& s, std::int64_t d) { return s.first < d; });
}

rejection reject(reject_reason r, std::string detail) {
    return rejection{r, std::move(detail)};
}

}  // namespace

const char* to_string(race_phase p) {
    switch (p) {
        case race_phase::scheduled:
            return "scheduled";
        case race_phase::started:
            return "started";
        case race_phase::recalled:
            return "recalled";
        case race_phase::finished:
            return "finished";
        case race_phase::unofficial:
            return "unofficial";
        case race_phase::official:
            return "official";
        case race_phase::cancelled:
            return "cancelled";
    }
    return "?";
}

race::race(std::string id, const startlist_msg& definition) : id_(std::move(id)) {
    define(definition);
}

void race::define(const startlist_msg& definition) {
    def_ = definition;
    title_ = def_.name.empty() ? id_ : def_.name;
    athletes_.clear();
    by_bib_.clear();
    points_.clear();
    athletes_.reserve(def_.athletes.size());
    for (const auto& entry : def_.athletes) {
        athlete a;
        a.entry = entry;
        if (a.entry.area.empty()) a.entry.area = std::string(area_of(a.entry.country));
        // A team's name is printed as given ("Great Britain & N.I."): it
        // has no family name in capitals.
        a.headline = entry.runners.empty() ? display_name(entry.name) : entry.name;
        if (!entry.country.empty()) a.headline += " (" + entry.country + ")";
        json_writer ref(a.ref_json, true);
        write_athlete_fields(ref, entry);
        by_bib_.emplace(entry.bib, static_cast<int>(athletes_.size()));
        athletes_.push_back(std::move(a));
    }
    for (auto& r : def_.records)
        if (r.kind == record_kind::ar && r.area.empty()) r.area = std::string(area_of(r.country));
}

void race::reset_race() {
    points_.clear();
    for (auto& a : athletes_) {
        a.splits.clear();
        a.finish_ms.reset();
        a.judge_place.reset();
        a.place.reset();
        a.records.clear();
        a.published.reset();
        a.walk = walk_record{};
        if (a.status == irm_code::dnf) a.status = irm_code::ok;
        if (!a.false_started) a.reaction_ms.reset();
    }
}

int race::find_athlete(std::string_view bib) const {
    auto it = by_bib_.find(bib);
    return it == by_bib_.end() ? -1 : it->second;
}

std::optional<rejection> race::check_athlete(const std::string& bib, int& index) const {
    const int i = find_athlete(bib);
    if (i < 0)
        return reject(reject_reason::unknown_bib, "bib " + bib + " is not in the start list of " + id_);
    if (phase_ == race_phase::cancelled)
        return reject(reject_reason::event_closed, "event " + id_ + " is cancelled");
    index = i;
    return std::nullopt;
}

bool race::awaiting_start() const {
    return phase_ == race_phase::scheduled || phase_ == race_phase::recalled;
}

bool race::all_done() const {
    if (athletes_.empty()) return false;
    for (const auto& a : athletes_)
        if (a.status == irm_code::ok && !a.finish_ms) return false;
    return true;
}

std::optional<rejection> race::apply(const feed_message& msg, emitter& out) {
    switch (msg.type()) {
        case message_type::hello:
        case message_type::heartbeat:
            return std::nullopt;
        case message_type::startlist:
            return on_startlist(std::get<startlist_msg>(msg.body), out);
        case message_type::status:
            return on_status(std::get<status_msg>(msg.body), msg, out);
        case message_type::split:
            return on_split(std::get<split_msg>(msg.body), out);
        case message_type::finish:
            return on_finish(std::get<finish_msg>(msg.body), out);
        case message_type::irm:
            return on_irm(std::get<irm_msg>(msg.body), out);
        case message_type::card:
            return on_card(std::get<card_msg>(msg.body), out);
        case message_type::penalty_zone:
            return on_penalty_zone(std::get<penalty_zone_msg>(msg.body), out);
        case message_type::reaction:
            return on_reaction(std::get<reaction_msg>(msg.body), out);
    }
    return std::nullopt;
}

// ---- startlist -------------------------------------------------------------

std::optional<rejection> race::on_startlist(const startlist_msg& m, emitter& out) {
    // A cancelled heat of a round is run again from a new start list (the
    // Referee's re-run, CR 18.7): its round waits for it. Any other
    // cancelled event stays closed.
    const bool rerun = phase_ == race_phase::cancelled && !def_.round_id.empty();
    if (!awaiting_start() && !rerun)
        return reject(reject_reason::invalid_transition,
                      "event " + id_ + " is " + to_string(phase_) + ": its start list can no longer change");
    define(m);
    phase_ = race_phase::scheduled;
    if (rerun) gun_ts_.clear();
    emit_startlist(out);
    return std::nullopt;
}

// ---- status ----------------------------------------------------------------

std::optional<rejection> race::on_status(const status_msg& m, const feed_message& msg, emitter& out) {
    auto refuse = [&] {
        return reject(reject_reason::invalid_transition, std::string("event ") + id_ + " is " +
                                                             to_string(phase_) + ": cannot become " +
                                                             to_string(m.status));
    };
    if (phase_ == race_phase::cancelled)
        return reject(reject_reason::event_closed, "event " + id_ + " is cancelled");
    switch (m.status) {
        case status_code::started:
            if (!awaiting_start()) return refuse();
            phase_ = race_phase::started;
            ++starts_;
            gun_ts_ = m.gun_ts.empty() ? msg.ts : m.gun_ts;
            emit_race_state(race_phase::started, out, gun_ts_);
            return std::nullopt;
        case status_code::recalled:
            if (phase_ != race_phase::started) return refuse();
            reset_race();
            phase_ = race_phase::recalled;
            emit_race_state(race_phase::recalled, out);
            return std::nullopt;
        case status_code::unofficial:
            if (phase_ != race_phase::started && phase_ != race_phase::finished) return refuse();
            phase_ = race_phase::unofficial;
            emit_race_state(race_phase::unofficial, out);
            emit_results(false, out);
            return std::nullopt;
        case status_code::official:
            if (phase_ != race_phase::started && phase_ != race_phase::finished &&
                phase_ != race_phase::unofficial)
                return refuse();
            phase_ = race_phase::official;
            emit_race_state(race_phase::official, out);
            emit_results(true, out);
            return std::nullopt;
        case status_code::cancelled:
            phase_ = race_phase::cancelled;
            emit_race_state(race_phase::cancelled, out);
            return std::nullopt;
    }
    return std::nullopt;
}

void race::emit_race_state(race_phase p, emitter& out, std::string_view gun_ts) {
    std::string text = title_ + ": " + race_text::phase_words(p);
    // A heat of a round: the desk learns at once what the cancellation holds up.
    if (p == race_phase::cancelled && !def_.round_id.empty())
        text += "; no qualifiers from round " + def_.round_id + " until this heat is run again";
    auto w = out.begin(event_type::race_state, id_, text);
    w.field("state", to_string(p));
    if (!gun_ts.empty()) w.field("gun_ts", gun_ts);
    out.end();
}

void race::maybe_finished(emitter& out) {
    if (phase_ == race_phase::started && all_done()) {
        phase_ = race_phase::finished;
        emit_race_state(race_phase::finished, out);
    }
}

// ---- split -----------------------------------------------------------------

std::optional<rejection> race::on_split(const split_msg& m, emitter& out) {
    int i = -1;
    if (auto refused = check_athlete(m.bib, i)) return refused;
    if (auto refused = check_split(m, athlete_at(i))) return refused;
    const split_outcome s = record_split(i, m);
    emit_split(i, m, s, out);
    maybe_leader_change(i, m, s, out);
    return std::nullopt;
}

std::optional<rejection> race::check_split(const split_msg& m, const athlete& a) const {
    if (awaiting_start())
        return reject(reject_reason::not_started, "split for bib " + m.bib + " before the start of " + id_);
    if (a.status != irm_code::ok)
        return reject(reject_reason::after_out, "split for bib " + m.bib + " after " + to_string(a.status));
    if (a.finish_ms)
        return reject(reject_reason::already_finished, "split for bib " + m.bib + " after the finish");
    if (a.walk.in_penalty_zone())
        return reject(reject_reason::invalid_transition, "split for bib " + m.bib + " in the Penalty Zone");
    if (m.distance_m <= 0 || m.distance_m > def_.distance_m)
        return reject(
            reject_reason::beyond_distance,
            "split at " + metres(m.distance_m) + " is outside the " + metres(def_.distance_m) + " race");
    const auto next = split_at(a.splits, m.distance_m);
    if (next != a.splits.end() && next->first == m.distance_m)
        return reject(reject_reason::bad_value,
                      "bib " + m.bib + " already has a split at " + metres(m.distance_m));
    if ((next != a.splits.begin() && std::prev(next)->second >= m.elapsed_ms) ||
        (next != a.splits.end() && next->second <= m.elapsed_ms))
        return reject(reject_reason::time_backwards, "split of bib " + m.bib + " at " + metres(m.distance_m) +
                                                         " does not fit the athlete's other splits");
    return std::nullopt;
}

race::split_outcome race::record_split(int i, const split_msg& m) {
    split_outcome s;
    auto& splits = athlete_at(i).splits;
    const auto next = split_at(splits, m.distance_m);
    s.lap_ms = m.elapsed_ms - (next != splits.begin() ? std::prev(next)->second : 0);
    splits.insert(next, {m.distance_m, m.elapsed_ms});

    s.point = point_index(m.distance_m);
    auto& order = points_[s.point].order;
    const auto after_equals =
        std::upper_bound(order.begin(), order.end(), std::make_pair(m.elapsed_ms, INT_MAX));
    s.first_here = after_equals == order.begin();
    // Ties share a position: count only the strictly faster.
    const auto faster = std::lower_bound(order.begin(), order.end(), std::make_pair(m.elapsed_ms, INT_MIN));
    s.position = static_cast<int>(faster - order.begin()) + 1;
    s.previous_first = order.empty() ? -1 : order.front().second;
    order.insert(after_equals, {m.elapsed_ms, i});
    s.behind_ms = m.elapsed_ms - order.front().first;
    return s;
}

void race::emit_split(int i, const split_msg& m, const split_outcome& s, emitter& out) {
    const auto& a = athlete_at(i);
    const mark_text time = print_mark(m.elapsed_ms, def_.course);

    // Built in a reused buffer: one split event per message is the hot path.
    // The words are views so that appending them takes no strlen.
    using namespace std::string_view_literals;
    std::string& text = headline_;
    if (is_team(i)) {
        relay_split_text(i, m, s, text);
    } else if (s.position == 1) {
        text.assign(a.headline);
        text += " leads at "sv;
        race_text::append_metres(text, m.distance_m);
        text += " in "sv;
        text += time.view();
    } else {
        text.assign(a.headline);
        text += ' ';
        race_text::append_ordinal(text, s.position);
        text += " at "sv;
        race_text::append_metres(text, m.distance_m);
        text += ", "sv;
        text += print_gap(s.behind_ms, def_.course).view();
    }
    // Written by hand rather than member by member: this is the event of
    // nearly every message. Same bytes as json_writer would make.
    auto& json = out.begin_raw(event_type::split, id_, text);
    {
        using json_bytes::int_bound;
        json_cursor c(json, a.ref_json.size() + 96 + 5 * int_bound + time.view().size());
        c.raw(a.ref_json);
        c.literal(",\"distance_m\":");
        c.integer(m.distance_m);
        c.literal(",\"elapsed_ms\":");
        c.integer(m.elapsed_ms);
        c.literal(",\"time\":\"");
        c.raw(time.view());
        c.literal("\",\"position\":");
        c.integer(s.position);
        c.literal(",\"behind_ms\":");
        c.integer(s.behind_ms);
        c.literal(",\"lap_ms\":");
        c.integer(s.lap_ms);
    }
    if (is_team(i)) append_relay_split(json, i, m);
    out.end();
}

// A new first at this point is a leader change when the first at the
// previous point (by distance, whatever the arrival order) was another.
// A late split that is faster than the first so far also replaces a
// leader change already published here for someone else: subscribers
// then hear who really led, even when that is the previous leader.
void race::maybe_leader_change(int i, const split_msg& m, const split_outcome& s, emitter& out) {
    if (!s.first_here || s.previous_first == i || s.point == 0) return;
    auto& point = points_[s.point];
    const int prev_leader = points_[s.point - 1].order.front().second;
    const bool replaces = point.published_leader >= 0 && point.published_leader != i;
    if (prev_leader == i && !replaces) return;

    const int previous = prev_leader != i ? prev_leader : point.published_leader;
    const auto& a = athlete_at(i);
    const auto& p = athlete_at(previous);
    std::string text;
    if (prev_leader != i)
        text = a.headline + " takes the lead from " + p.headline + " at " + metres(m.distance_m);
    else
        text = "Correction: " + a.headline + " leads at " + metres(m.distance_m) + ", not " + p.headline;
    if (is_team(i)) text += runner_words(i, m.distance_m);
    auto w = out.begin(event_type::leader_change, id_, text);
    const std::uint64_t seq = out.last_seq();
    w.field("distance_m", m.distance_m);
    w.key("leader");
    write_athlete_ref(w, i);
    w.key("previous");
    write_athlete_ref(w, previous);
    w.field("elapsed_ms", m.elapsed_ms);
    if (is_team(i)) {
        const int leg = relay::leg_at(m.distance_m, def_.distance_m);
        w.field("leg", leg);
        write_runner(w, "runner", a.entry, leg);
        write_runner(w, "previous_runner", p.entry, leg);
    }
    if (replaces) w.field("corrects", point.published_seq);
    out.end();
    point.published_leader = i;
    point.published_seq = seq;
}

std::size_t race::point_index(std::int64_t distance_m) {
    // The field passes the newest point, or reaches a new one, nearly always.
    if (!points_.empty() && points_.back().distance_m == distance_m) return points_.size() - 1;
    if (points_.empty() || points_.back().distance_m < distance_m) {
        points_.push_back({distance_m, {}});
        // The whole field passes each point: one allocation, not one per doubling.
        points_.back().order.reserve(athletes_.size());
        return points_.size() - 1;
    }
    auto it = std::lower_bound(points_.begin(), points_.end(), distance_m,
                               [](const timing_point& p, std::int64_t d) { return p.distance_m < d; });
    if (it == points_.end() || it->distance_m != distance_m) it = points_.insert(it, {distance_m, {}});
    return static_cast<std::size_t>(it - points_.begin());
}

const race::timing_point& race::point_at(std::int64_t distance_m) const {
    return *std::lower_bound(points_.begin(), points_.end(), distance_m,
                             [](const timing_point& p, std::int64_t d) { return p.distance_m < d; });
}

// ---- finish ----------------------------------------------------------------

std::optional<rejection> race::on_finish(const finish_msg& m, emitter& out) {
    int i = -1;
    if (auto refused = check_athlete(m.bib, i)) return refused;
    auto& a = athlete_at(i);
    if (awaiting_start())
        return reject(reject_reason::not_started, "finish of bib " + m.bib + " before the start of " + id_);
    if (a.status == irm_code::dns || a.status == irm_code::dnf)
        return reject(reject_reason::after_out, "finish of bib " + m.bib + " after " + to_string(a.status));
    if (a.walk.in_penalty_zone())
        return reject(reject_reason::invalid_transition, "finish of bib " + m.bib + " in the Penalty Zone");
    if (a.false_started && a.status == irm_code::dq)
        return reject(reject_reason::after_out, "finish of bib " + m.bib + " after a false start (DQ)");
    if (!a.splits.empty() && a.splits.back().second >= m.elapsed_ms)
        return reject(reject_reason::time_backwards, "finish of bib " + m.bib +
                                                         " is not after its last split (" +
                                                         metres(a.splits.back().first) + ")");

    const bool correction = a.finish_ms.has_value();
    a.finish_ms = m.elapsed_ms;
    a.judge_place = m.place;
    if (correction) {
        publish_changes(i, out);
        return std::nullopt;
    }
    standings();
    const std::string mark = format_mark(m.elapsed_ms, def_.course);
    std::string text = a.headline + " finishes";
    if (a.place) text += " " + race_text::ordinal(*a.place);
    text += " in " + mark;
    if (is_team(i)) append_anchor_text(text, i, m.elapsed_ms);
    auto w = out.begin(event_type::finish, id_, text);
    write_athlete_fields(w, a.entry);
    w.field("elapsed_ms", m.elapsed_ms);
    w.field("mark", mark);
    if (a.place)
        w.field("place", *a.place);
    else
        w.key("place").null();
    if (is_team(i)) write_anchor(w, i, m.elapsed_ms);
    if (a.reaction_ms) w.field("reaction_ms", *a.reaction_ms);
    out.end();
    published_result shown = current_result(i);
    shown.records.clear();  // claims are announced by their own events below
    a.published = shown;
    publish_changes(i, out, /*subject_changed=*/true);
    maybe_finished(out);
    return std::nullopt;
}

// ---- irm -------------------------------------------------------------------

std::optional<rejection> race::on_irm(const irm_msg& m, emitter& out) {
    int i = -1;
    if (auto refused = check_athlete(m.bib, i)) return refused;
    auto& a = athlete_at(i);
    if (a.status == m.code)
        return reject(reject_reason::invalid_transition, "bib " + m.bib + " is already " + to_string(m.code));
    if (m.code == irm_code::dns && (!a.splits.empty() || a.finish_ms))
        return reject(reject_reason::invalid_transition, "bib " + m.bib + " has started: it cannot be DNS");
    if (m.code == irm_code::dnf && a.finish_ms)
        return reject(reject_reason::invalid_transition, "bib " + m.bib + " has finished: it cannot be DNF");
    if (m.code == irm_code::dnf && awaiting_start())
        return reject(reject_reason::not_started, "DNF for bib " + m.bib + " before the start of " + id_);

    a.status = m.code;
    if (m.code == irm_code::ok) a.false_started = false;
    a.irm_rule = m.code == irm_code::ok ? std::string() : m.rule;
    a.irm_reason = m.code == irm_code::ok ? std::string() : m.reason;
    a.irm_at_m = m.code == irm_code::ok ? std::nullopt : m.at_m;

    std::string text = a.headline + " " + race_text::irm_words(m.code);
    if (m.code == irm_code::dnf && m.at_m) text += " (stopped at " + metres(*m.at_m) + ")";
    const bool had_result = a.published.has_value();
    if (m.code == irm_code::dq && (!m.rule.empty() || !m.reason.empty())) {
        text += " (";
        text += m.rule;
        if (!m.rule.empty() && !m.reason.empty()) text += ": ";
        text += m.reason;
        text += ")";
    }
    auto w = out.begin(event_type::irm, id_, text);
    write_athlete_fields(w, a.entry);
    w.field("code", to_string(m.code));
    if (!m.rule.empty()) w.field("rule", std::string_view(m.rule));
    if (!m.reason.empty()) w.field("reason", std::string_view(m.reason));
    if (m.at_m) w.field("at_m", *m.at_m);
    out.end();
    // An athlete with a published result gets a correction (and with it the
    // results again); one without changes the results' ranking all the same.
    publish_changes(i, out, /*subject_changed=*/!had_result);
    maybe_finished(out);
    return std::nullopt;
}

}  // namespace splitstream::feed
