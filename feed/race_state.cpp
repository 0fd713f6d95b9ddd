// A race in an engine snapshot. What define() makes from the start list
// (titles, headlines, the bib index) is made again by the constructor, so
// only the start list and what the race's messages changed are written.

#include <algorithm>
#include <climits>

#include "feed/race.hpp"

namespace splitstream::feed {

namespace {

// `qualified` points at one of two constant strings.
std::uint8_t qualified_code(const char* mark) {
    if (!mark) return 0;
    return std::string_view(mark) == to_string(qualified_by::place) ? 1 : 2;
}

const char* qualified_mark(std::uint8_t code) {
    if (code == 0) return nullptr;
    return to_string(code == 1 ? qualified_by::place : qualified_by::time);
}

}  // namespace

void race::save(state_writer& w) const {
    w.str(id_);
    write_startlist(w, def_);
    w.enumerator(phase_);
    w.str(gun_ts_);
    w.i64(starts_);
    w.opt_i64(first_false_start_);
    w.u64(athletes_.size());
    for (const auto& a : athletes_) {
        w.enumerator(a.status);
        w.str(a.irm_rule);
        w.str(a.irm_reason);
        w.opt_i64(a.irm_at_m);
        w.u64(a.splits.size());
        for (const auto& [distance, elapsed] : a.splits) {
            w.i64(distance);
            w.i64(elapsed);
        }
        w.opt_i64(a.finish_ms);
        w.opt_i64(a.judge_place);
        w.opt_i64(a.place);
        w.u64(a.records.size());
        for (const auto& rec : a.records) w.str(rec);
        w.flag(a.published.has_value());
        if (a.published) {
            w.opt_i64(a.published->elapsed_ms);
            w.opt_i64(a.published->place);
            w.enumerator(a.published->status);
            w.u64(a.published->records.size());
            for (const auto& rec : a.published->records) w.str(rec);
        }
        w.u8(qualified_code(a.qualified));
        write_walk(w, a.walk);
        w.opt_i64(a.reaction_ms);
        w.flag(a.false_started);
    }
    w.u64(points_.size());
    for (const auto& p : points_) {
        w.i64(p.distance_m);
        w.u64(p.order.size());
        for (const auto& [elapsed, index] : p.order) {
            w.i64(elapsed);
            w.i64(index);
        }
        w.i64(p.published_leader);
        w.u64(p.published_seq);
    }
}

std::unique_ptr<race> race::load(state_reader& r) {
    auto id = r.str();
    const auto def = read_startlist(r);
    if (!r.ok()) return nullptr;
    auto x = std::make_unique<race>(std::move(id), def);
    x->phase_ = r.enumerator(race_phase_last, "race phase");
    x->gun_ts_ = r.str();
    x->starts_ = r.small_int(0, INT_MAX, "starts");
    x->first_false_start_ = r.opt_int(INT_MIN, INT_MAX, "first false start");
    const auto athletes = r.count(1, "athletes");
    if (athletes != x->athletes_.size()) r.fail("race " + x->id_ + ": athletes differ from its start list");
    for (std::size_t i = 0; i < athletes && r.ok(); ++i) {
        auto& a = x->athletes_[i];
        a.status = r.enumerator(irm_code_last, "irm code");
        a.irm_rule = r.str();
        a.irm_reason = r.str();
        a.irm_at_m = r.opt_i64();
        a.splits.resize(r.count(16, "splits"));
        for (auto& [distance, elapsed] : a.splits) {
            distance = r.i64();
            elapsed = r.i64();
        }
        a.finish_ms = r.opt_i64();
        a.judge_place = r.opt_int(INT_MIN, INT_MAX, "judge place");
        a.place = r.opt_int(INT_MIN, INT_MAX, "place");
        a.records.resize(r.count(8, "records"));
        for (auto& rec : a.records) rec = r.str();
        if (r.flag()) {
            published_result p;
            p.elapsed_ms = r.opt_i64();
            p.place = r.opt_int(INT_MIN, INT_MAX, "published place");
            p.status = r.enumerator(irm_code_last, "published irm code");
            p.records.resize(r.count(8, "published records"));
            for (auto& rec : p.records) rec = r.str();
            a.published = std::move(p);
        }
        const auto q = r.u8();
        if (q > 2) r.fail("qualified mark out of range");
        a.qualified = qualified_mark(q);
        a.walk = read_walk(r);
        a.reaction_ms = r.opt_i64();
        a.false_started = r.flag();
    }
    const int n = static_cast<int>(athletes);
    x->points_.resize(r.count(32, "timing points"));
    for (auto& p : x->points_) {
        p.distance_m = r.i64();
        p.order.resize(r.count(16, "splits at a point"));
        for (auto& [elapsed, index] : p.order) {
            elapsed = r.i64();
            index = r.small_int(0, n - 1, "athlete index");
        }
        p.published_leader = r.small_int(-1, n - 1, "published leader");
        p.published_seq = r.u64();
    }
    // Lookups search the points and each athlete's splits by distance.
    const auto by_distance = [](const auto& a, const auto& b) { return a.first < b.first; };
    if (!std::is_sorted(x->points_.begin(), x->points_.end(),
                        [](const auto& a, const auto& b) { return a.distance_m < b.distance_m; }))
        r.fail("race " + x->id_ + ": timing points out of order");
    for (const auto& a : x->athletes_)
        if (!std::is_sorted(a.splits.begin(), a.splits.end(), by_distance))
            r.fail("race " + x->id_ + ": splits out of order");
    if (!r.ok()) return nullptr;
    return x;
}

}  // namespace splitstream::feed
