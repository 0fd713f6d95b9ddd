#include "feed/race.hpp"

#include <algorithm>
#include <charconv>
#include <climits>
#include <tuple>

#include "feed/areas.hpp"
#include "feed/display_name.hpp"
#include "feed/json_cursor.hpp"
#include "feed/marks.hpp"

namespace splitstream::feed {

namespace {

const char* ordinal_suffix(int n) {
    const int tens = n % 100;
    const char* suffix = "th";
    if (tens < 11 || tens > 13) {
        switch (n % 10) {
            case 1:
                suffix = "st";
                break;
            case 2:
                suffix = "nd";
                break;
            case 3:
                suffix = "rd";
                break;
            default:
                break;
        }
    }
    return suffix;
}

void append_int(std::string& out, std::int64_t v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, static_cast<std::size_t>(r.ptr - buf));
}

void append_ordinal(std::string& out, int n) {
    append_int(out, n);
    out += ordinal_suffix(n);
}

std::string ordinal(int n) {
    std::string out;
    append_ordinal(out, n);
    return out;
}

void append_metres(std::string& out, std::int64_t m) {
    append_int(out, m);
    out += " m";
}

std::string metres(std::int64_t m) {
    std::string out;
    append_metres(out, m);
    return out;
}

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

// Headline name of a record kind ("national record", "personal best").
std::string record_name(std::string_view kind, std::string_view area) {
    if (kind == "WR") return "world record";
    if (kind == "OR") return "Olympic record";
    if (kind == "CR") return "championship record";
    if (kind == "AR") return std::string(area_adjective(area)) + " record";
    if (kind == "NR") return "national record";
    if (kind == "WL") return "world lead";
    if (kind == "MR") return "meeting record";
    if (kind == "PB") return "personal best";
    if (kind == "SB") return "season's best";
    return std::string(kind);
}

const char* irm_words(irm_code c) {
    switch (c) {
        case irm_code::dns:
            return "did not start";
        case irm_code::dnf:
            return "did not finish";
        case irm_code::dq:
            return "is disqualified";
        case irm_code::ok:
            return "is reinstated";
    }
    return "";
}

// Correction wording for a changed result status.
const char* status_words(irm_code c) {
    switch (c) {
        case irm_code::dns:
            return "did not start";
        case irm_code::dnf:
            return "did not finish";
        case irm_code::dq:
            return "disqualified";
        case irm_code::ok:
            return "reinstated";
    }
    return "";
}

bool is_final_round(std::string_view round) {
    if (round.size() != 5) return false;
    for (std::size_t i = 0; i < 5; ++i)
        if ((round[i] | 0x20) != "final"[i]) return false;
    return true;
}

const char* medal_of(int place) {
    switch (place) {
        case 1:
            return "gold";
        case 2:
            return "silver";
        case 3:
            return "bronze";
        default:
            return nullptr;
    }
}

constexpr const char* record_order[] = {"WR", "OR", "CR", "AR", "NR", "WL", "MR"};

record_kind kind_of(std::string_view name) {
    if (name == "WR") return record_kind::wr;
    if (name == "OR") return record_kind::or_;
    if (name == "CR") return record_kind::cr;
    if (name == "AR") return record_kind::ar;
    if (name == "NR") return record_kind::nr;
    if (name == "WL") return record_kind::wl;
    return record_kind::mr;
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
        a.headline = display_name(entry.name);
        if (!entry.country.empty()) a.headline += " (" + entry.country + ")";
        json_writer ref(a.ref_json, true);
        ref.field("bib", std::string_view(entry.bib));
        ref.field("name", std::string_view(entry.name));
        ref.field("country", std::string_view(entry.country));
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
        if (a.status == irm_code::dnf) a.status = irm_code::ok;
    }
}

int race::find_athlete(std::string_view bib) const {
    auto it = by_bib_.find(bib);
    return it == by_bib_.end() ? -1 : it->second;
}

bool race::is_running() const {
    return phase_ == race_phase::started;
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
    }
    return std::nullopt;
}

// ---- startlist -------------------------------------------------------------

std::optional<rejection> race::on_startlist(const startlist_msg& m, emitter& out) {
    if (phase_ != race_phase::scheduled && phase_ != race_phase::recalled)
        return reject(reject_reason::invalid_transition,
                      "event " + id_ + " is " + to_string(phase_) + ": its start list can no longer change");
    define(m);
    phase_ = race_phase::scheduled;
    emit_startlist(out);
    return std::nullopt;
}

void race::emit_startlist(emitter& out) const {
    std::string text = title_ + ": start list, " + std::to_string(athletes_.size()) + " athletes";
    auto w = out.begin(event_type::startlist, id_, text);
    w.field("name", std::string_view(def_.name));
    w.field("distance_m", def_.distance_m);
    w.field("venue", to_string(def_.course));
    w.field("round", std::string_view(def_.round));
    if (def_.heat) w.field("heat", *def_.heat);
    if (!def_.scheduled.empty()) w.field("scheduled", std::string_view(def_.scheduled));
    if (!def_.timing_points_m.empty()) {
        w.key("timing_points_m").begin_array();
        for (auto p : def_.timing_points_m) w.value(p);
        w.end_array();
    }
    w.key("athletes").begin_array();
    for (const auto& a : athletes_) {
        w.begin_object();
        w.field("bib", std::string_view(a.entry.bib));
        w.field("name", std::string_view(a.entry.name));
        w.field("country", std::string_view(a.entry.country));
        if (!a.entry.area.empty()) w.field("area", std::string_view(a.entry.area));
        if (a.entry.lane) w.field("lane", *a.entry.lane);
        if (a.entry.pb_ms) w.field("pb_ms", *a.entry.pb_ms);
        if (a.entry.sb_ms) w.field("sb_ms", *a.entry.sb_ms);
        w.end_object();
    }
    w.end_array();
    w.key("records").begin_array();
    for (const auto& r : def_.records) {
        w.begin_object();
        w.field("kind", to_string(r.kind));
        w.field("mark_ms", r.mark_ms);
        w.field("mark", format_mark(r.mark_ms, def_.course));
        if (!r.holder.empty()) w.field("holder", std::string_view(r.holder));
        if (!r.country.empty()) w.field("country", std::string_view(r.country));
        if (!r.area.empty()) w.field("area", std::string_view(r.area));
        if (r.year) w.field("year", *r.year);
        w.end_object();
    }
    w.end_array();
    out.end();
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
            if (phase_ != race_phase::scheduled && phase_ != race_phase::recalled) return refuse();
            phase_ = race_phase::started;
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
    std::string text = title_;
    switch (p) {
        case race_phase::started:
            text += ": the race is under way";
            break;
        case race_phase::recalled:
            text += ": false start, the field is recalled";
            break;
        case race_phase::finished:
            text += ": all athletes have finished";
            break;
        case race_phase::unofficial:
            text += ": unofficial results";
            break;
        case race_phase::official:
            text += ": results are official";
            break;
        case race_phase::cancelled:
            text += ": the event is cancelled";
            break;
        case race_phase::scheduled:
            text += ": scheduled";
            break;
    }
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
    const int i = find_athlete(m.bib);
    if (i < 0)
        return reject(reject_reason::unknown_bib, "bib " + m.bib + " is not in the start list of " + id_);
    auto& a = athletes_[static_cast<std::size_t>(i)];
    if (phase_ == race_phase::cancelled)
        return reject(reject_reason::event_closed, "event " + id_ + " is cancelled");
    if (phase_ == race_phase::scheduled || phase_ == race_phase::recalled)
        return reject(reject_reason::not_started, "split for bib " + m.bib + " before the start of " + id_);
    if (a.status != irm_code::ok)
        return reject(reject_reason::after_out, "split for bib " + m.bib + " after " + to_string(a.status));
    if (a.finish_ms)
        return reject(reject_reason::already_finished, "split for bib " + m.bib + " after the finish");
    if (m.distance_m <= 0 || m.distance_m > def_.distance_m)
        return reject(
            reject_reason::beyond_distance,
            "split at " + metres(m.distance_m) + " is outside the " + metres(def_.distance_m) + " race");
    const auto next = split_at(a.splits, m.distance_m);
    if (next != a.splits.end() && next->first == m.distance_m)
        return reject(reject_reason::bad_value,
                      "bib " + m.bib + " already has a split at " + metres(m.distance_m));
    const bool has_previous = next != a.splits.begin();
    const std::int64_t previous_elapsed = has_previous ? std::prev(next)->second : 0;
    if ((has_previous && previous_elapsed >= m.elapsed_ms) ||
        (next != a.splits.end() && next->second <= m.elapsed_ms))
        return reject(reject_reason::time_backwards, "split of bib " + m.bib + " at " + metres(m.distance_m) +
                                                         " does not fit the athlete's other splits");

    a.splits.insert(next, {m.distance_m, m.elapsed_ms});
    const std::size_t here = point_index(m.distance_m);
    auto& point = points_[here];
    auto pos_it =
        std::upper_bound(point.order.begin(), point.order.end(), std::make_pair(m.elapsed_ms, INT_MAX));
    const auto rank = pos_it - point.order.begin();
    // Ties share a position: count only the strictly faster.
    const auto faster =
        std::lower_bound(point.order.begin(), point.order.end(), std::make_pair(m.elapsed_ms, INT_MIN)) -
        point.order.begin();
    const int previous_front = point.order.empty() ? -1 : point.order.front().second;
    point.order.insert(pos_it, {m.elapsed_ms, i});
    const int position = static_cast<int>(faster) + 1;
    const std::int64_t behind = m.elapsed_ms - point.order.front().first;
    const std::int64_t lap = m.elapsed_ms - previous_elapsed;
    const mark_text time = print_mark(m.elapsed_ms, def_.course);

    // Built in a reused buffer: one split event per message is the hot path.
    std::string& text = headline_;
    text.assign(a.headline);
    if (position == 1) {
        text += " leads at ";
        append_metres(text, m.distance_m);
        text += " in ";
        text += time.view();
    } else {
        text += ' ';
        append_ordinal(text, position);
        text += " at ";
        append_metres(text, m.distance_m);
        text += ", ";
        text += print_gap(behind, def_.course).view();
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
        c.integer(position);
        c.literal(",\"behind_ms\":");
        c.integer(behind);
        c.literal(",\"lap_ms\":");
        c.integer(lap);
    }
    out.end();

    // A new first at this point is a leader change when the first at the
    // previous point (by distance, whatever the arrival order) was another.
    // A late split that is faster than the first so far also replaces a
    // leader change already published here for someone else: subscribers
    // then hear who really led, even when that is the previous leader.
    if (rank == 0 && previous_front != i && here > 0) {
        const int prev_leader = points_[here - 1].order.front().second;
        const bool replaces = point.published_leader >= 0 && point.published_leader != i;
        if (prev_leader != i || replaces) {
            const int previous = prev_leader != i ? prev_leader : point.published_leader;
            const auto& p = athletes_[static_cast<std::size_t>(previous)];
            std::string lc;
            if (prev_leader != i) {
                lc = a.headline + " takes the lead from " + p.headline + " at " + metres(m.distance_m);
            } else {
                lc =
                    "Correction: " + a.headline + " leads at " + metres(m.distance_m) + ", not " + p.headline;
            }
            auto lw = out.begin(event_type::leader_change, id_, lc);
            const std::uint64_t seq = out.last_seq();
            lw.field("distance_m", m.distance_m);
            lw.key("leader");
            write_athlete_ref(lw, i);
            lw.key("previous");
            write_athlete_ref(lw, previous);
            lw.field("elapsed_ms", m.elapsed_ms);
            if (replaces) lw.field("corrects", point.published_seq);
            out.end();
            point.published_leader = i;
            point.published_seq = seq;
        }
    }
    return std::nullopt;
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

void race::write_athlete_ref(json_writer& w, int i) const {
    const auto& a = athletes_[static_cast<std::size_t>(i)];
    w.begin_object();
    w.field("bib", std::string_view(a.entry.bib));
    w.field("name", std::string_view(a.entry.name));
    w.field("country", std::string_view(a.entry.country));
    w.end_object();
}

// ---- finish ----------------------------------------------------------------

std::optional<rejection> race::on_finish(const finish_msg& m, emitter& out) {
    const int i = find_athlete(m.bib);
    if (i < 0)
        return reject(reject_reason::unknown_bib, "bib " + m.bib + " is not in the start list of " + id_);
    auto& a = athletes_[static_cast<std::size_t>(i)];
    if (phase_ == race_phase::cancelled)
        return reject(reject_reason::event_closed, "event " + id_ + " is cancelled");
    if (phase_ == race_phase::scheduled || phase_ == race_phase::recalled)
        return reject(reject_reason::not_started, "finish of bib " + m.bib + " before the start of " + id_);
    if (a.status == irm_code::dns || a.status == irm_code::dnf)
        return reject(reject_reason::after_out, "finish of bib " + m.bib + " after " + to_string(a.status));
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
    if (a.place) text += " " + ordinal(*a.place);
    text += " in " + mark;
    auto w = out.begin(event_type::finish, id_, text);
    w.field("bib", std::string_view(a.entry.bib));
    w.field("name", std::string_view(a.entry.name));
    w.field("country", std::string_view(a.entry.country));
    w.field("elapsed_ms", m.elapsed_ms);
    w.field("mark", mark);
    if (a.place)
        w.field("place", *a.place);
    else
        w.key("place").null();
    out.end();
    published_result shown = current_result(i);
    shown.records.clear();  // claims are announced by their own events below
    a.published = shown;
    publish_changes(i, out);
    maybe_finished(out);
    return std::nullopt;
}

// ---- irm -------------------------------------------------------------------

std::optional<rejection> race::on_irm(const irm_msg& m, emitter& out) {
    const int i = find_athlete(m.bib);
    if (i < 0)
        return reject(reject_reason::unknown_bib, "bib " + m.bib + " is not in the start list of " + id_);
    auto& a = athletes_[static_cast<std::size_t>(i)];
    if (phase_ == race_phase::cancelled)
        return reject(reject_reason::event_closed, "event " + id_ + " is cancelled");
    if (a.status == m.code)
        return reject(reject_reason::invalid_transition, "bib " + m.bib + " is already " + to_string(m.code));
    if (m.code == irm_code::dns && (!a.splits.empty() || a.finish_ms))
        return reject(reject_reason::invalid_transition, "bib " + m.bib + " has started: it cannot be DNS");
    if (m.code == irm_code::dnf && a.finish_ms)
        return reject(reject_reason::invalid_transition, "bib " + m.bib + " has finished: it cannot be DNF");
    if (m.code == irm_code::dnf && (phase_ == race_phase::scheduled || phase_ == race_phase::recalled))
        return reject(reject_reason::not_started, "DNF for bib " + m.bib + " before the start of " + id_);

    a.status = m.code;
    a.irm_rule = m.code == irm_code::ok ? std::string() : m.rule;
    a.irm_reason = m.code == irm_code::ok ? std::string() : m.reason;
    a.irm_at_m = m.code == irm_code::ok ? std::nullopt : m.at_m;

    std::string text = a.headline + " " + irm_words(m.code);
    if (m.code == irm_code::dnf && m.at_m) text += " (stopped at " + metres(*m.at_m) + ")";
    if (m.code == irm_code::dq && (!m.rule.empty() || !m.reason.empty())) {
        text += " (";
        text += m.rule;
        if (!m.rule.empty() && !m.reason.empty()) text += ": ";
        text += m.reason;
        text += ")";
    }
    auto w = out.begin(event_type::irm, id_, text);
    w.field("bib", std::string_view(a.entry.bib));
    w.field("name", std::string_view(a.entry.name));
    w.field("country", std::string_view(a.entry.country));
    w.field("code", to_string(m.code));
    if (!m.rule.empty()) w.field("rule", std::string_view(m.rule));
    if (!m.reason.empty()) w.field("reason", std::string_view(m.reason));
    if (m.at_m) w.field("at_m", *m.at_m);
    out.end();
    publish_changes(i, out);
    maybe_finished(out);
    return std::nullopt;
}

// ---- standings, records, corrections ----------------------------------------

void race::standings() {
    std::vector<int> ranked;
    for (std::size_t i = 0; i < athletes_.size(); ++i) {
        auto& a = athletes_[i];
        a.place.reset();
        a.records.clear();
        if (a.status == irm_code::ok && a.finish_ms) ranked.push_back(static_cast<int>(i));
    }
    // Thousandths decide; equal thousandths go to the judges' place; with
    // no judges' place the athletes share the place.
    std::sort(ranked.begin(), ranked.end(), [&](int x, int y) {
        const auto& a = athletes_[static_cast<std::size_t>(x)];
        const auto& b = athletes_[static_cast<std::size_t>(y)];
        if (*a.finish_ms != *b.finish_ms) return *a.finish_ms < *b.finish_ms;
        const int pa = a.judge_place.value_or(INT_MAX), pb = b.judge_place.value_or(INT_MAX);
        if (pa != pb) return pa < pb;
        return x < y;
    });
    for (std::size_t k = 0; k < ranked.size(); ++k) {
        auto& a = athletes_[static_cast<std::size_t>(ranked[k])];
        int place = static_cast<int>(k) + 1;
        if (k > 0) {
            const auto& prev = athletes_[static_cast<std::size_t>(ranked[k - 1])];
            if (*prev.finish_ms == *a.finish_ms && (!prev.judge_place || !a.judge_place)) place = *prev.place;
        }
        a.place = place;
    }

    // Records in force: only the best official mark among the eligible can
    // set or equal each one (per area for AR, per country for NR).
    for (const char* kind_name : record_order) {
        const record_kind kind = kind_of(kind_name);
        std::vector<const record_entry*> entries;
        for (const auto& r : def_.records)
            if (r.kind == kind) entries.push_back(&r);
        // Group by scope: the whole race, an area, or a country.
        std::vector<std::string> scopes;
        for (const auto* r : entries) {
            const std::string scope = kind == record_kind::ar   ? r->area
                                      : kind == record_kind::nr ? r->country
                                                                : "";
            if (std::find(scopes.begin(), scopes.end(), scope) == scopes.end()) scopes.push_back(scope);
        }
        for (const auto& scope : scopes) {
            std::int64_t record = INT64_MAX;
            for (const auto* r : entries) {
                const std::string s = kind == record_kind::ar   ? r->area
                                      : kind == record_kind::nr ? r->country
                                                                : "";
                if (s == scope) record = std::min(record, r->mark_ms);
            }
            auto eligible = [&](const athlete& a) {
                if (kind == record_kind::ar) return !scope.empty() && a.entry.area == scope;
                if (kind == record_kind::nr) return !scope.empty() && a.entry.country == scope;
                return true;
            };
            std::int64_t best = INT64_MAX;
            for (int x : ranked) {
                const auto& a = athletes_[static_cast<std::size_t>(x)];
                if (eligible(a)) best = std::min(best, official_mark_ms(*a.finish_ms, def_.course));
            }
            if (best == INT64_MAX || best > record) continue;
            std::string claim(best < record ? "" : "=");
            claim += kind_name;
            for (int x : ranked) {
                auto& a = athletes_[static_cast<std::size_t>(x)];
                if (eligible(a) && official_mark_ms(*a.finish_ms, def_.course) == best)
                    a.records.push_back(claim);
            }
        }
    }
    // Everyone can set a PB or SB; a PB is not also flagged SB.
    for (int x : ranked) {
        auto& a = athletes_[static_cast<std::size_t>(x)];
        const std::int64_t mark = official_mark_ms(*a.finish_ms, def_.course);
        if (a.entry.pb_ms && mark <= *a.entry.pb_ms) {
            a.records.push_back(mark < *a.entry.pb_ms ? "PB" : "=PB");
        } else if (a.entry.sb_ms && mark <= *a.entry.sb_ms) {
            a.records.push_back(mark < *a.entry.sb_ms ? "SB" : "=SB");
        }
    }
}

race::published_result race::current_result(int i) const {
    const auto& a = athletes_[static_cast<std::size_t>(i)];
    published_result r;
    r.elapsed_ms = a.finish_ms;
    r.place = a.place;
    r.status = a.status;
    r.records = a.records;
    return r;
}

void race::publish_changes(int subject, emitter& out) {
    standings();
    bool corrected = false;
    auto visit = [&](int i) {
        auto& a = athletes_[static_cast<std::size_t>(i)];
        if (!a.published) return;
        const published_result before = *a.published;
        const published_result after = current_result(i);
        if (before == after) return;
        bool lost_claim = false;
        for (const auto& k : before.records)
            if (std::find(after.records.begin(), after.records.end(), k) == after.records.end())
                lost_claim = true;
        if (before.elapsed_ms != after.elapsed_ms || before.place != after.place ||
            before.status != after.status || lost_claim) {
            emit_correction(i, before, after, out);
            corrected = true;
        }
        for (const auto& k : after.records)
            if (std::find(before.records.begin(), before.records.end(), k) == before.records.end())
                emit_record(i, k, out);
        a.published = after;
    };
    if (subject >= 0) visit(subject);
    for (int i = 0; i < static_cast<int>(athletes_.size()); ++i)
        if (i != subject) visit(i);
    if (corrected && (phase_ == race_phase::unofficial || phase_ == race_phase::official))
        emit_results(phase_ == race_phase::official, out);
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

void race::emit_correction(int i, const published_result& before, const published_result& after,
                           emitter& out) {
    const auto& a = athletes_[static_cast<std::size_t>(i)];
    std::string text = "Correction: " + a.headline;
    std::string sep = " ";
    auto part = [&](const std::string& s) {
        text += sep + s;
        sep = ", ";
    };
    if (before.status != after.status) part(status_words(after.status));
    if (before.elapsed_ms != after.elapsed_ms && after.elapsed_ms && after.status == irm_code::ok) {
        std::string t = "time " + format_mark(*after.elapsed_ms, def_.course);
        if (before.elapsed_ms) t += " (was " + format_mark(*before.elapsed_ms, def_.course) + ")";
        part(t);
    }
    if (before.place != after.place) {
        if (after.place)
            part("now " + ordinal(*after.place) +
                 (before.place ? " (was " + ordinal(*before.place) + ")" : ""));
        else if (before.place)
            part("no longer placed (was " + ordinal(*before.place) + ")");
    }
    std::string lost;
    for (const auto& k : before.records)
        if (std::find(after.records.begin(), after.records.end(), k) == after.records.end())
            lost += (lost.empty() ? "" : ", ") + k;
    if (!lost.empty()) part(lost + " withdrawn");

    auto w = out.begin(event_type::correction, id_, text);
    w.field("bib", std::string_view(a.entry.bib));
    w.field("name", std::string_view(a.entry.name));
    w.field("country", std::string_view(a.entry.country));
    w.key("before");
    write_result(w, before);
    w.key("after");
    write_result(w, after);
    out.end();
}

void race::emit_record(int i, const std::string& claim, emitter& out) {
    const auto& a = athletes_[static_cast<std::size_t>(i)];
    const bool equal = claim.front() == '=';
    const std::string base = equal ? claim.substr(1) : claim;
    const std::string mark = format_mark(*a.finish_ms, def_.course);
    const bool provisional = phase_ != race_phase::official;

    const bool personal = base == "PB" || base == "SB";
    std::string text = a.headline;
    text += equal ? " equals the " : personal || base == "WL" ? " sets a " : " sets a new ";
    text += record_name(base, a.entry.area) + ": " + mark;
    if (provisional && !personal) text += " (provisional)";

    auto w = out.begin(event_type::record, id_, text);
    w.field("kind", std::string_view(claim));
    w.field("bib", std::string_view(a.entry.bib));
    w.field("name", std::string_view(a.entry.name));
    w.field("country", std::string_view(a.entry.country));
    if (base == "AR") w.field("area", std::string_view(a.entry.area));
    w.field("mark", mark);
    w.field("elapsed_ms", *a.finish_ms);
    w.key("previous");
    const record_entry* previous = nullptr;
    std::optional<std::int64_t> previous_ms;
    if (base == "PB") {
        previous_ms = a.entry.pb_ms;
    } else if (base == "SB") {
        previous_ms = a.entry.sb_ms;
    } else {
        const record_kind kind = kind_of(base);
        for (const auto& r : def_.records) {
            if (r.kind != kind) continue;
            if (kind == record_kind::ar && r.area != a.entry.area) continue;
            if (kind == record_kind::nr && r.country != a.entry.country) continue;
            if (!previous || r.mark_ms < previous->mark_ms) previous = &r;
        }
        if (previous) previous_ms = previous->mark_ms;
    }
    w.begin_object();
    if (previous_ms) w.field("mark", format_mark(*previous_ms, def_.course));
    if (previous_ms) w.field("mark_ms", *previous_ms);
    if (previous && !previous->holder.empty()) w.field("holder", std::string_view(previous->holder));
    if (previous && !previous->country.empty()) w.field("country", std::string_view(previous->country));
    if (previous && previous->year) w.field("year", *previous->year);
    w.end_object();
    w.field("provisional", provisional);
    out.end();
}

void race::write_ranking(json_writer& w) const {
    std::vector<int> placed, out_of_race;
    for (int i = 0; i < static_cast<int>(athletes_.size()); ++i) {
        const auto& a = athletes_[static_cast<std::size_t>(i)];
        if (a.place)
            placed.push_back(i);
        else if (a.status != irm_code::ok)
            out_of_race.push_back(i);
    }
    std::stable_sort(placed.begin(), placed.end(), [&](int x, int y) {
        return *athletes_[static_cast<std::size_t>(x)].place < *athletes_[static_cast<std::size_t>(y)].place;
    });
    // Results list DNF, then DQ, then DNS, after the placed athletes.
    auto rank_of = [&](int i) {
        switch (athletes_[static_cast<std::size_t>(i)].status) {
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
    const bool final_round = is_final_round(def_.round);
    w.begin_array();
    for (int i : placed) {
        const auto& a = athletes_[static_cast<std::size_t>(i)];
        w.begin_object();
        w.field("place", *a.place);
        w.field("bib", std::string_view(a.entry.bib));
        w.field("name", std::string_view(a.entry.name));
        w.field("country", std::string_view(a.entry.country));
        w.field("mark", format_mark(*a.finish_ms, def_.course));
        w.field("elapsed_ms", *a.finish_ms);
        w.key("flags").begin_array();
        for (const auto& k : a.records) w.value(std::string_view(k));
        w.end_array();
        if (final_round && medal_of(*a.place)) w.field("medal", medal_of(*a.place));
        w.end_object();
    }
    for (int i : out_of_race) {
        const auto& a = athletes_[static_cast<std::size_t>(i)];
        w.begin_object();
        w.key("place").null();
        w.field("bib", std::string_view(a.entry.bib));
        w.field("name", std::string_view(a.entry.name));
        w.field("country", std::string_view(a.entry.country));
        w.field("mark", to_string(a.status));
        w.key("flags").begin_array().end_array();
        if (!a.irm_rule.empty()) w.field("rule", std::string_view(a.irm_rule));
        w.end_object();
    }
    w.end_array();
}

void race::emit_results(bool official, emitter& out) {
    std::vector<int> podium;
    for (int i = 0; i < static_cast<int>(athletes_.size()); ++i)
        if (athletes_[static_cast<std::size_t>(i)].place) podium.push_back(i);
    std::stable_sort(podium.begin(), podium.end(), [&](int x, int y) {
        return *athletes_[static_cast<std::size_t>(x)].place < *athletes_[static_cast<std::size_t>(y)].place;
    });
    std::string text = title_ + (official ? ", official results: " : ", unofficial results: ");
    const bool final_round = is_final_round(def_.round);
    for (std::size_t k = 0; k < podium.size() && k < 3; ++k) {
        const auto& a = athletes_[static_cast<std::size_t>(podium[k])];
        if (k > 0) text += ", ";
        if (final_round && medal_of(*a.place)) {
            std::string medal = medal_of(*a.place);
            if (k == 0) medal[0] = static_cast<char>(medal[0] - ('a' - 'A'));
            text += medal + " ";
        } else {
            text += std::to_string(*a.place) + " ";
        }
        text += a.headline + " " + format_mark(*a.finish_ms, def_.course);
        if (!a.records.empty()) text += " " + a.records.front();
    }
    if (podium.empty()) text += "no finishers";
    auto w = out.begin(event_type::results, id_, text);
    w.field("official", official);
    w.key("ranking");
    write_ranking(w);
    out.end();
}

// ---- state -----------------------------------------------------------------

std::vector<int> race::running_order() const {
    std::vector<int> order(athletes_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    auto key = [&](int i) {
        const auto& a = athletes_[static_cast<std::size_t>(i)];
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

void race::write_state(std::string& out) const {
    json_writer w(out);
    w.begin_object();
    w.field("event", std::string_view(id_));
    w.field("name", std::string_view(def_.name));
    w.field("distance_m", def_.distance_m);
    w.field("venue", to_string(def_.course));
    w.field("round", std::string_view(def_.round));
    if (def_.heat) w.field("heat", *def_.heat);
    if (!def_.scheduled.empty()) w.field("scheduled", std::string_view(def_.scheduled));
    w.field("status", to_string(phase_));
    if (!gun_ts_.empty()) w.field("gun_ts", std::string_view(gun_ts_));
    if (!points_.empty()) {
        w.field("last_point_m", points_.back().distance_m);
    }
    w.key("leader");
    {
        int leader = -1;
        for (auto it = points_.rbegin(); it != points_.rend() && leader < 0; ++it)
            if (!it->order.empty()) leader = it->order.front().second;
        for (const auto& a : athletes_)
            if (a.place == 1) leader = static_cast<int>(&a - athletes_.data());
        if (leader >= 0)
            write_athlete_ref(w, leader);
        else
            w.null();
    }
    w.key("athletes").begin_array();
    int rank = 0;
    for (int i : running_order()) {
        const auto& a = athletes_[static_cast<std::size_t>(i)];
        w.begin_object();
        w.field("bib", std::string_view(a.entry.bib));
        w.field("name", std::string_view(a.entry.name));
        w.field("country", std::string_view(a.entry.country));
        if (!a.entry.area.empty()) w.field("area", std::string_view(a.entry.area));
        if (a.entry.lane) w.field("lane", *a.entry.lane);
        w.field("status", to_string(a.status));
        if (a.status == irm_code::ok && (a.place || !a.splits.empty())) w.field("order", ++rank);
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
        w.end_object();
    }
    w.end_array();
    w.key("records_in_force").begin_array();
    for (const auto& r : def_.records) {
        w.begin_object();
        w.field("kind", to_string(r.kind));
        w.field("mark", format_mark(r.mark_ms, def_.course));
        w.field("mark_ms", r.mark_ms);
        if (!r.holder.empty()) w.field("holder", std::string_view(r.holder));
        if (!r.country.empty()) w.field("country", std::string_view(r.country));
        if (!r.area.empty()) w.field("area", std::string_view(r.area));
        if (r.year) w.field("year", *r.year);
        w.end_object();
    }
    w.end_array();
    if (phase_ == race_phase::unofficial || phase_ == race_phase::official ||
        phase_ == race_phase::finished) {
        w.key("results");
        write_ranking(w);
    }
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
    w.field("distance_m", def_.distance_m);
    w.field("venue", to_string(def_.course));
    w.field("status", to_string(phase_));
    w.field("athletes", static_cast<int>(athletes_.size()));
    w.field("finished", finished);
    w.end_object();
}

}  // namespace splitstream::feed
