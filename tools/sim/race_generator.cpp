#include "tools/sim/race_generator.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>

#include "tools/sim/prng.hpp"
#include "tools/sim/text_format.hpp"
#include "tools/sim/walk_judging.hpp"

namespace splitstream::sim {

namespace {

constexpr std::int64_t default_dq_after_ms = 20000;
constexpr std::int64_t default_correction_after_ms = 8000;
constexpr std::int64_t default_recall_restart_ms = 45000;
constexpr std::int64_t fastest_ms_per_m = 50;  // 20 m/s: no split may imply more

std::uint64_t hash_text(std::string_view s) {
    std::uint64_t h = 1469598103934665603ULL;
    for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    return h;
}

// Relative pace (time per metre) at metre x of the race for the model.
double pace_multiplier(const event_spec& e, double x) {
    const double d = static_cast<double>(e.distance_m);
    double m = 1.0;
    switch (e.pacing.model) {
        case pacing_model::even:
            break;
        case pacing_model::sit_and_kick:
            if (x >= d - static_cast<double>(e.pacing.kick_m)) m = 1.0 - e.pacing.kick;
            break;
        case pacing_model::front_running:
            m = 0.96 + 0.08 * x / d;
            break;
        case pacing_model::surges:
            for (const auto& s : e.pacing.surges) {
                auto at = static_cast<double>(s.at_m);
                auto len = static_cast<double>(s.length_m);
                if (x >= at && x < at + len) m = 1.0 - s.factor;
                if (x >= at + len && x < at + 2 * len) m = 1.0 + s.factor / 2;
            }
            break;
    }
    // Getting up to speed from the start costs time in every race.
    if (d <= 200 && x < 30) m *= 1.25;
    if (d > 200 && x < 100) m *= 1.06;
    return m;
}

// How far the athletes have spread towards their own finish times at
// distance x (0: all with the pack, 1: each on its own finish time).
double spread_weight(const event_spec& e, bool kick_finish, double x) {
    const double d = static_cast<double>(e.distance_m);
    if (kick_finish) {
        double k = std::min(static_cast<double>(e.pacing.kick_m), d / 2);
        if (x <= d - k) return 0.1 * x / (d - k);
        double f = (x - (d - k)) / k;
        return 0.1 + 0.9 * f * f;
    }
    if (e.pacing.model == pacing_model::front_running) return std::pow(x / d, 1.5);
    return x / d;
}

struct runner {
    const athlete_spec* spec = nullptr;
    std::size_t index = 0;
    std::int64_t finish_ms = 0;
    std::optional<std::int64_t> dnf_at_m;
    std::map<std::int64_t, std::int64_t> splits;  // distance -> elapsed
};

class builder {
public:
    builder(const event_spec& e, std::uint64_t seed) : e_(e), rng_(mix64(seed, hash_text(e.id))) {}

    std::vector<timed_message> run();

private:
    void add(std::int64_t offset, const char* type, std::string fields) {
        out_.push_back({.offset_ms = offset, .type = type, .event = e_.id, .fields = std::move(fields)});
    }
    std::string startlist_fields() const;
    void add_reactions(std::int64_t gun, const std::string& false_starter, std::int64_t reaction_ms);
    void choose_finish_times();
    void build_splits();
    void enforce_leaders();
    void add_walk_judging(const walk_plan& walk, std::int64_t gun);
    std::vector<double> pack_curve() const;

    const event_spec& e_;
    prng rng_;
    std::vector<runner> runners_;
    std::set<std::string> dns_;
    std::vector<std::int64_t> points_;
    std::vector<timed_message> out_;
};

std::string builder::startlist_fields() const {
    std::string f = ",\"name\":";
    append_json_string(f, e_.name);
    f += ",\"distance_m\":" + std::to_string(e_.distance_m) + ",\"venue\":";
    append_json_string(f, e_.venue);
    f += ",\"round\":";
    append_json_string(f, e_.round);
    if (e_.heat) f += ",\"heat\":" + std::to_string(*e_.heat);
    if (!e_.round_id.empty()) {
        f += ",\"round_id\":";
        append_json_string(f, e_.round_id);
        if (e_.heats) f += ",\"heats\":" + std::to_string(*e_.heats);
        f += ",\"qualify_by_place\":" + std::to_string(e_.qualify_by_place);
        f += ",\"qualify_by_time\":" + std::to_string(e_.qualify_by_time);
        if (!e_.next_round.empty()) f += ",\"next_round\":", append_json_string(f, e_.next_round);
    }
    f += ",\"timing_points_m\":[";
    for (std::size_t i = 0; i < points_.size(); ++i) {
        // Two appends, not `"," + to_string(...)`: GCC 12 at -O3 warns
        // falsely (-Wrestrict) on operator+ of a literal and a temporary.
        if (i) f += ',';
        f += std::to_string(points_[i]);
    }
    f += "],\"athletes\":[";
    for (std::size_t i = 0; i < e_.athletes.size(); ++i) {
        const auto& a = e_.athletes[i];
        f += i ? ",{\"bib\":" : "{\"bib\":";
        append_json_string(f, a.bib);
        f += ",\"name\":";
        append_json_string(f, a.name);
        f += ",\"country\":";
        append_json_string(f, a.country);
        if (a.lane) f += ",\"lane\":" + std::to_string(*a.lane);
        if (a.pb_ms) f += ",\"pb_ms\":" + std::to_string(*a.pb_ms);
        if (a.sb_ms) f += ",\"sb_ms\":" + std::to_string(*a.sb_ms);
        if (!a.runners.empty()) {
            f += ",\"runners\":[";
            for (std::size_t leg = 0; leg < a.runners.size(); ++leg) {
                f += leg ? ",{\"leg\":" : "{\"leg\":";
                f += std::to_string(leg + 1);
                f += ",\"name\":";
                append_json_string(f, a.runners[leg]);
                f += '}';
            }
            f += ']';
        }
        f += "}";
    }
    f += "]";
    f += walk_startlist_fields(e_);
    f += ",\"records\":[";
    for (std::size_t i = 0; i < e_.records.size(); ++i) {
        const auto& r = e_.records[i];
        f += i ? ",{\"kind\":" : "{\"kind\":";
        append_json_string(f, r.kind);
        f += ",\"mark_ms\":" + std::to_string(r.mark_ms);
        if (!r.holder.empty()) f += ",\"holder\":", append_json_string(f, r.holder);
        if (!r.country.empty()) f += ",\"country\":", append_json_string(f, r.country);
        if (!r.area.empty()) f += ",\"area\":", append_json_string(f, r.area);
        if (r.year) f += ",\"year\":" + std::to_string(*r.year);
        f += "}";
    }
    f += "]";
    return f;
}

void builder::choose_finish_times() {
    std::map<std::string, std::int64_t> record_targets;
    for (const auto& inc : e_.incidents) {
        if (inc.kind != incident_kind::record) continue;
        auto rec = std::find_if(e_.records.begin(), e_.records.end(),
                                [&](const record_spec& r) { return r.kind == inc.record_kind; });
        if (rec == e_.records.end()) continue;
        std::string bib = inc.bib;
        if (bib.empty()) {
            auto best =
                std::min_element(e_.athletes.begin(), e_.athletes.end(),
                                 [](const auto& a, const auto& b) { return a.target_ms < b.target_ms; });
            if (best != e_.athletes.end()) bib = best->bib;
        }
        // At least 15 ms under, so the mark rounded up to 1/100 s still beats it.
        // A margin in proportion to the distance: a sprint record falls by
        // hundredths, a distance record by tenths.
        std::int64_t most = std::clamp<std::int64_t>(rec->mark_ms / 500, 20, 300);
        record_targets[bib] = rec->mark_ms - rng_.uniform_int(15, most);
    }
    for (std::size_t i = 0; i < e_.athletes.size(); ++i) {
        const auto& a = e_.athletes[i];
        if (dns_.count(a.bib)) continue;
        runner r;
        r.spec = &a;
        r.index = i;
        if (auto it = record_targets.find(a.bib); it != record_targets.end()) {
            r.finish_ms = it->second;
        } else if (a.exact) {
            r.finish_ms = a.target_ms;
        } else {
            std::int64_t t = a.target_ms;
            if (e_.finish_noise_ms > 0)
                t += static_cast<std::int64_t>(
                    std::llround(rng_.normal(0, static_cast<double>(e_.finish_noise_ms))));
            std::int64_t printed = (t + 9) / 10 * 10;
            r.finish_ms = printed - rng_.uniform_int(1, 9);
        }
        runners_.push_back(std::move(r));
    }
    for (const auto& inc : e_.incidents)
        if (inc.kind == incident_kind::dnf)
            for (auto& r : runners_)
                if (r.spec->bib == inc.bib) r.dnf_at_m = inc.at_m;
}

std::vector<double> builder::pack_curve() const {
    // Pack front time at each metre, for a winner's time of 1.0.
    std::vector<double> cum(static_cast<std::size_t>(e_.distance_m) + 1, 0.0);
    for (std::size_t x = 0; x + 1 < cum.size(); ++x)
        cum[x + 1] = cum[x] + pace_multiplier(e_, static_cast<double>(x) + 0.5);
    for (auto& c : cum) c /= cum.back();
    return cum;
}

void builder::build_splits() {
    std::int64_t winner = std::numeric_limits<std::int64_t>::max();
    for (const auto& r : runners_)
        if (!r.dnf_at_m) winner = std::min(winner, r.finish_ms);
    if (winner == std::numeric_limits<std::int64_t>::max()) winner = 0;
    const auto curve = pack_curve();
    const double d = static_cast<double>(e_.distance_m);

    // Where a results file names the leader's time at a point, the pack
    // front passes exactly there: interpolate between those anchors.
    std::vector<std::pair<double, double>> anchors{{0.0, 0.0}};
    for (const auto& l : e_.leaders)
        if (l.elapsed_ms && l.distance_m < e_.distance_m)
            anchors.emplace_back(static_cast<double>(l.distance_m), static_cast<double>(*l.elapsed_ms));
    std::sort(anchors.begin(), anchors.end());
    anchors.emplace_back(d, static_cast<double>(winner));
    auto pack_front = [&](std::int64_t x) {
        if (anchors.size() > 2) {
            for (std::size_t i = 1; i < anchors.size(); ++i) {
                if (static_cast<double>(x) <= anchors[i].first) {
                    auto [x0, t0] = anchors[i - 1];
                    auto [x1, t1] = anchors[i];
                    return t0 + (t1 - t0) * (static_cast<double>(x) - x0) / (x1 - x0);
                }
            }
        }
        return static_cast<double>(winner) * curve[static_cast<std::size_t>(x)];
    };
    const bool kick = e_.pacing.model == pacing_model::sit_and_kick || anchors.size() > 2;
    const auto spread = static_cast<double>(e_.pacing.pack_spread_ms);

    std::string front_runner = e_.pacing.front_runner;
    if (e_.pacing.model == pacing_model::front_running && front_runner.empty() && !runners_.empty())
        front_runner = runners_[static_cast<std::size_t>(
                                    rng_.uniform_int(0, static_cast<std::int64_t>(runners_.size()) - 1))]
                           .spec->bib;
    std::vector<std::string> surgers;
    for (const auto& s : e_.pacing.surges)
        surgers.push_back(!s.bib.empty() || runners_.empty()
                              ? s.bib
                              : runners_[static_cast<std::size_t>(rng_.uniform_int(
                                             0, static_cast<std::int64_t>(runners_.size()) - 1))]
                                    .spec->bib);

    for (auto& r : runners_) {
        prng own = rng_.fork(hash_text(r.spec->bib));
        double pack = own.uniform() * spread * 0.6;
        // A runner who drops out runs at the back, a little slower.
        double own_finish =
            r.dnf_at_m ? static_cast<double>(winner) * 1.04 : static_cast<double>(r.finish_ms);
        std::int64_t prev_x = 0, prev_t = 0;
        for (auto x : points_) {
            if (r.dnf_at_m && x >= *r.dnf_at_m) break;
            double step = own.normal(0, spread * 0.12);
            pack += step;
            if (pack < 0) pack = -pack;
            if (pack > spread) pack = 2 * spread - pack;
            double offset = pack;
            double xf = static_cast<double>(x);
            if (r.spec->bib == front_runner) {
                double f = std::min(xf / (0.85 * d), 1.0);
                offset = pack * f - 1800.0 * std::sin(3.14159265358979 * f);
            }
            for (std::size_t s = 0; s < e_.pacing.surges.size(); ++s) {
                const auto& sg = e_.pacing.surges[s];
                if (surgers[s] == r.spec->bib && x > sg.at_m && x <= sg.at_m + sg.length_m)
                    offset = -300.0 * static_cast<double>(x - sg.at_m) / static_cast<double>(sg.length_m);
            }
            double w = spread_weight(e_, kick, xf);
            double t = pack_front(x) + w * (own_finish - static_cast<double>(winner)) + (1 - w) * offset;
            auto ti = static_cast<std::int64_t>(std::llround(t));
            ti = std::max(ti, prev_t + (x - prev_x) * fastest_ms_per_m);
            r.splits[x] = ti;
            prev_x = x;
            prev_t = ti;
        }
    }
}

// One reading per athlete still in the race, in lane order, 0.3-0.5 s
// after the gun; fair starts react in 0.120-0.220 s. A fork of the race's
// generator: the other draws stay as they were.
void builder::add_reactions(std::int64_t gun, const std::string& false_starter, std::int64_t reaction_ms) {
    prng own = rng_.fork(hash_text("reaction") ^ static_cast<std::uint64_t>(gun));
    for (const auto& a : e_.athletes) {
        if (dns_.count(a.bib)) continue;
        std::int64_t ms = own.uniform_int(120, 220);
        if (a.bib == false_starter) ms = reaction_ms > 0 ? reaction_ms : own.uniform_int(60, 99);
        std::string f = ",\"bib\":";
        append_json_string(f, a.bib);
        f += ",\"reaction_ms\":" + std::to_string(ms);
        add(gun + own.uniform_int(300, 500), "reaction", std::move(f));
    }
}

void builder::enforce_leaders() {
    for (const auto& l : e_.leaders) {
        auto lead = std::find_if(runners_.begin(), runners_.end(), [&](const runner& r) {
            return r.spec->bib == l.bib && r.splits.count(l.distance_m);
        });
        if (lead == runners_.end()) continue;
        std::int64_t best_other = std::numeric_limits<std::int64_t>::max();
        for (const auto& r : runners_)
            if (&r != &*lead && r.splits.count(l.distance_m))
                best_other = std::min(best_other, r.splits.at(l.distance_m));
        std::int64_t t = l.elapsed_ms
                             ? *l.elapsed_ms
                             : std::min(lead->splits[l.distance_m], best_other - rng_.uniform_int(30, 150));
        lead->splits[l.distance_m] = t;
        for (auto& r : runners_) {
            if (&r == &*lead || !r.splits.count(l.distance_m)) continue;
            auto& other = r.splits[l.distance_m];
            if (other <= t + 10) other = t + rng_.uniform_int(10, 150);
        }
    }
}

// A walk's cards and Penalty Zone (walk_judging.hpp). The Penalty Zone
// time is lost: every time after the walker went in comes later by it.
void builder::add_walk_judging(const walk_plan& walk, std::int64_t gun) {
    if (e_.judges.empty()) return;
    std::map<std::string, walker_times> times;
    for (const auto& r : runners_) {
        walker_times t = r.splits;
        if (!r.dnf_at_m) t[e_.distance_m] = r.finish_ms;
        times[r.spec->bib] = std::move(t);
    }
    for (auto& m : walk_messages(e_, walk, times)) add(gun + m.elapsed_ms, m.type, std::move(m.fields));
    for (auto& r : runners_) {
        const auto p = walk.penalty_after_m.find(r.spec->bib);
        if (p == walk.penalty_after_m.end()) continue;
        const std::int64_t enter = penalty_entry_ms(times.at(r.spec->bib), p->second);
        for (auto& [x, t] : r.splits)
            if (t > enter) t += walk.penalty_ms;
        r.finish_ms += walk.penalty_ms;
    }
}

// One function because it is the race's timeline, in the order things
// happen on the day (start list, DNS, false starts, gun, splits, finishes,
// IRMs, corrections, results); each step is a call or a short loop, and
// reading them in sequence is how to check the feed it makes.
std::vector<timed_message> builder::run() {
    points_ = effective_timing_points(e_);
    for (const auto& inc : e_.incidents)
        if (inc.kind == incident_kind::dns) dns_.insert(inc.bib);

    const std::int64_t t0 = e_.start_offset_ms;
    add(t0, "startlist", startlist_fields());
    std::int64_t gun = t0 + e_.gun_after_ms;
    for (const auto& inc : e_.incidents) {
        if (inc.kind != incident_kind::dns) continue;
        std::string f = ",\"bib\":";
        append_json_string(f, inc.bib);
        f += ",\"code\":\"DNS\"";
        if (!inc.reason.empty()) f += ",\"reason\":", append_json_string(f, inc.reason);
        add(t0 + e_.gun_after_ms / 2, "irm", std::move(f));
    }
    // A false start naming its athlete comes with the start information
    // system's reaction times after every gun; the athlete under 0.100 s
    // is disqualified for it (TR 16.8) and leaves the race.
    const bool reactions = std::any_of(
        e_.incidents.begin(), e_.incidents.end(),
        [](const incident_spec& inc) { return inc.kind == incident_kind::false_start && !inc.bib.empty(); });
    for (const auto& inc : e_.incidents) {
        if (inc.kind != incident_kind::false_start) continue;
        add(gun, "status", ",\"status\":\"started\"");
        std::int64_t recall = gun + rng_.uniform_int(1200, 2000);
        if (reactions) add_reactions(gun, inc.bib, inc.reaction_ms);
        if (!inc.bib.empty()) dns_.insert(inc.bib);
        add(recall, "status", ",\"status\":\"recalled\"");
        gun = recall + (inc.after_ms > 0 ? inc.after_ms : default_recall_restart_ms);
    }
    add(gun, "status", ",\"status\":\"started\"");
    if (reactions) add_reactions(gun, {}, 0);

    choose_finish_times();
    const walk_plan walk = plan_walk(e_);
    // A walker the red cards disqualify stops where the last one came.
    for (auto& r : runners_)
        if (auto out = walk.out_at_m.find(r.spec->bib); out != walk.out_at_m.end()) r.dnf_at_m = out->second;
    build_splits();
    enforce_leaders();
    add_walk_judging(walk, gun);

    // A timing point reports athletes in the order they crossed it, each
    // after a little transmission latency: latency varies, order does not
    // (reordering on the wire is a fault, --reorder-rate).
    struct crossing {
        std::int64_t t;
        const runner* r;
    };
    std::map<std::int64_t, std::vector<crossing>> by_point;
    for (const auto& r : runners_)
        for (const auto& [x, t] : r.splits) by_point[x].push_back({t, &r});
    for (auto& [x, crossings] : by_point) {
        std::stable_sort(crossings.begin(), crossings.end(),
                         [](const crossing& a, const crossing& b) { return a.t < b.t; });
        std::int64_t sent = 0;
        for (const auto& c : crossings) {
            sent = std::max(sent, gun + c.t + rng_.uniform_int(20, 80));
            std::string f = ",\"bib\":";
            append_json_string(f, c.r->spec->bib);
            f += ",\"distance_m\":" + std::to_string(x) + ",\"elapsed_ms\":" + std::to_string(c.t);
            add(sent, "split", std::move(f));
        }
    }

    std::vector<const runner*> finishers;
    for (const auto& r : runners_)
        if (!r.dnf_at_m) finishers.push_back(&r);
    std::stable_sort(finishers.begin(), finishers.end(),
                     [](const runner* a, const runner* b) { return a->finish_ms < b->finish_ms; });
    std::int64_t last_result = gun;
    std::int64_t prev_offset = 0;
    std::map<std::string, std::int64_t> finish_offset;
    for (std::size_t i = 0; i < finishers.size(); ++i) {
        const runner& r = *finishers[i];
        bool tied = (i > 0 && finishers[i - 1]->finish_ms == r.finish_ms) ||
                    (i + 1 < finishers.size() && finishers[i + 1]->finish_ms == r.finish_ms);
        std::int64_t shown = r.finish_ms;
        std::int64_t correction_after = 0;
        for (const auto& inc : e_.incidents)
            if (inc.kind == incident_kind::photo_correction && inc.bib == r.spec->bib) {
                std::int64_t delta = inc.delta_ms != 0 ? inc.delta_ms : rng_.uniform_int(12, 60);
                shown = r.finish_ms + delta;
                correction_after = inc.after_ms > 0 ? inc.after_ms : default_correction_after_ms;
            }
        // Photo-finish readings are published in finishing order.
        std::int64_t offset = std::max(gun + r.finish_ms + 700 + rng_.uniform_int(0, 200), prev_offset);
        prev_offset = offset;
        finish_offset[r.spec->bib] = offset;
        auto fields = [&](std::int64_t elapsed) {
            std::string f = ",\"bib\":";
            append_json_string(f, r.spec->bib);
            f += ",\"elapsed_ms\":" + std::to_string(elapsed);
            if (tied) f += ",\"place\":" + std::to_string(i + 1);
            return f;
        };
        add(offset, "finish", fields(shown));
        last_result = std::max(last_result, offset);
        if (correction_after > 0) {
            add(offset + correction_after, "finish", fields(r.finish_ms));
            last_result = std::max(last_result, offset + correction_after);
        }
    }

    for (const auto& inc : e_.incidents) {
        if (inc.kind == incident_kind::dnf) {
            auto r = std::find_if(runners_.begin(), runners_.end(),
                                  [&](const runner& x) { return x.spec->bib == inc.bib; });
            if (r == runners_.end()) continue;
            std::int64_t last_split = r->splits.empty() ? 0 : r->splits.rbegin()->second;
            std::int64_t at = gun + last_split + rng_.uniform_int(5000, 15000);
            std::string f = ",\"bib\":";
            append_json_string(f, inc.bib);
            f += ",\"code\":\"DNF\",\"at_m\":" + std::to_string(inc.at_m);
            if (!inc.reason.empty()) f += ",\"reason\":", append_json_string(f, inc.reason);
            add(at, "irm", std::move(f));
            last_result = std::max(last_result, at);
        } else if (inc.kind == incident_kind::dq) {
            auto it = finish_offset.find(inc.bib);
            if (it == finish_offset.end()) continue;
            std::int64_t at = it->second + (inc.after_ms > 0 ? inc.after_ms : default_dq_after_ms);
            std::string f = ",\"bib\":";
            append_json_string(f, inc.bib);
            f += ",\"code\":\"DQ\"";
            if (!inc.rule.empty()) f += ",\"rule\":", append_json_string(f, inc.rule);
            if (!inc.reason.empty()) f += ",\"reason\":", append_json_string(f, inc.reason);
            add(at, "irm", std::move(f));
            last_result = std::max(last_result, at);
        }
    }
    std::int64_t unofficial = last_result + e_.unofficial_after_ms;
    add(unofficial, "status", ",\"status\":\"unofficial\"");
    add(unofficial + e_.official_after_ms, "status", ",\"status\":\"official\"");

    std::stable_sort(out_.begin(), out_.end(), [](const timed_message& a, const timed_message& b) {
        return a.offset_ms < b.offset_ms;
    });
    return std::move(out_);
}

}  // namespace

std::vector<timed_message> generate_event(const event_spec& spec, std::uint64_t seed) {
    return builder(spec, seed).run();
}

}  // namespace splitstream::sim
