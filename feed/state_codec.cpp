#include "feed/state_codec.hpp"

#include <climits>

namespace splitstream::feed {

void state_writer::u64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) u8(static_cast<std::uint8_t>(v >> (8 * i)));
}

void state_writer::str(std::string_view s) {
    u64(s.size());
    out_.append(s);
}

void state_reader::fail(std::string reason) {
    if (error_.empty()) error_ = std::move(reason);
    in_ = {};
}

std::string_view state_reader::take(std::size_t n) {
    if (n > in_.size()) {
        fail("truncated");
        return {};
    }
    auto bytes = in_.substr(0, n);
    in_.remove_prefix(n);
    return bytes;
}

std::uint8_t state_reader::u8() {
    const auto b = take(1);
    return b.empty() ? 0 : static_cast<std::uint8_t>(b[0]);
}

bool state_reader::flag() {
    const auto v = u8();
    if (v > 1) fail("flag out of range");
    return v == 1;
}

std::uint64_t state_reader::u64() {
    const auto b = take(8);
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < b.size(); ++i) v |= std::uint64_t{static_cast<std::uint8_t>(b[i])} << (8 * i);
    return v;
}

std::string state_reader::str() {
    const auto n = u64();
    if (n > in_.size()) {
        fail("truncated");
        return {};
    }
    return std::string(take(static_cast<std::size_t>(n)));
}

int state_reader::small_int(int lo, int hi, const char* what) {
    const auto v = i64();
    if (v < lo || v > hi) {
        fail(std::string(what) + " out of range");
        return lo;
    }
    return static_cast<int>(v);
}

std::size_t state_reader::count(std::size_t min_bytes, const char* what) {
    const auto n = u64();
    if (n > in_.size() / min_bytes) {
        fail(std::string(what) + ": more entries than bytes left");
        return 0;
    }
    return static_cast<std::size_t>(n);
}

namespace {

void write_athlete(state_writer& w, const athlete_entry& a) {
    w.str(a.bib);
    w.str(a.name);
    w.str(a.country);
    w.opt_i64(a.lane);
    w.str(a.area);
    w.opt_i64(a.pb_ms);
    w.opt_i64(a.sb_ms);
    w.u64(a.runners.size());
    for (const auto& r : a.runners) {
        w.i64(r.leg);
        w.str(r.name);
        w.str(r.bib);
    }
}

athlete_entry read_athlete(state_reader& r) {
    athlete_entry a;
    a.bib = r.str();
    a.name = r.str();
    a.country = r.str();
    a.lane = r.opt_int(INT_MIN, INT_MAX, "lane");
    a.area = r.str();
    a.pb_ms = r.opt_i64();
    a.sb_ms = r.opt_i64();
    a.runners.resize(r.count(24, "runners"));
    for (auto& x : a.runners) {
        x.leg = r.small_int(INT_MIN, INT_MAX, "leg");
        x.name = r.str();
        x.bib = r.str();
    }
    return a;
}

void write_heat_result(state_writer& w, const heat_result& h) {
    w.str(h.bib);
    w.str(h.name);
    w.str(h.country);
    w.i64(h.heat);
    w.opt_i64(h.place);
    w.opt_i64(h.elapsed_ms);
}

heat_result read_heat_result(state_reader& r) {
    heat_result h;
    h.bib = r.str();
    h.name = r.str();
    h.country = r.str();
    h.heat = r.small_int(INT_MIN, INT_MAX, "heat");
    h.place = r.opt_int(INT_MIN, INT_MAX, "place");
    h.elapsed_ms = r.opt_i64();
    return h;
}

void write_qualifiers(state_writer& w, const std::vector<qualifier>& list) {
    w.u64(list.size());
    for (const auto& q : list) {
        write_heat_result(w, q.result);
        w.enumerator(q.by);
    }
}

std::vector<qualifier> read_qualifiers(state_reader& r) {
    std::vector<qualifier> list(r.count(35, "qualifiers"));
    for (auto& q : list) {
        q.result = read_heat_result(r);
        q.by = r.enumerator(qualified_by_last, "qualified_by");
    }
    return list;
}

}  // namespace

void write_startlist(state_writer& w, const startlist_msg& m) {
    w.str(m.name);
    w.i64(m.distance_m);
    w.enumerator(m.course);
    w.str(m.round);
    w.opt_i64(m.heat);
    w.str(m.round_id);
    w.opt_i64(m.heats);
    w.flag(m.qualify.has_value());
    if (m.qualify) {
        w.i64(m.qualify->by_place);
        w.i64(m.qualify->by_time);
    }
    w.str(m.next_round);
    w.str(m.scheduled);
    w.u64(m.timing_points_m.size());
    for (auto d : m.timing_points_m) w.i64(d);
    w.u64(m.athletes.size());
    for (const auto& a : m.athletes) write_athlete(w, a);
    w.u64(m.records.size());
    for (const auto& rec : m.records) {
        w.enumerator(rec.kind);
        w.i64(rec.mark_ms);
        w.str(rec.holder);
        w.str(rec.country);
        w.str(rec.area);
        w.opt_i64(rec.year);
    }
    w.u64(m.judges.size());
    for (const auto& j : m.judges) {
        w.str(j.id);
        w.str(j.name);
        w.str(j.country);
    }
    w.flag(m.penalty_zone);
    w.flag(m.combined_event);
}

startlist_msg read_startlist(state_reader& r) {
    startlist_msg m;
    m.name = r.str();
    m.distance_m = r.i64();
    m.course = r.enumerator(venue_last, "venue");
    m.round = r.str();
    m.heat = r.opt_int(INT_MIN, INT_MAX, "heat");
    m.round_id = r.str();
    m.heats = r.opt_int(INT_MIN, INT_MAX, "heats");
    if (r.flag()) m.qualify = qualify_rule{r.i64(), r.i64()};
    m.next_round = r.str();
    m.scheduled = r.str();
    m.timing_points_m.resize(r.count(8, "timing points"));
    for (auto& d : m.timing_points_m) d = r.i64();
    m.athletes.resize(r.count(43, "athletes"));
    for (auto& a : m.athletes) a = read_athlete(r);
    m.records.resize(r.count(34, "records"));
    for (auto& rec : m.records) {
        rec.kind = r.enumerator(record_kind_last, "record kind");
        rec.mark_ms = r.i64();
        rec.holder = r.str();
        rec.country = r.str();
        rec.area = r.str();
        rec.year = r.opt_int(INT_MIN, INT_MAX, "year");
    }
    m.judges.resize(r.count(24, "judges"));
    for (auto& j : m.judges) {
        j.id = r.str();
        j.name = r.str();
        j.country = r.str();
    }
    m.penalty_zone = r.flag();
    m.combined_event = r.flag();
    return m;
}

void write_walk(state_writer& w, const walk_record& walk) {
    w.u64(walk.cards.size());
    for (const auto& c : walk.cards) {
        w.str(c.judge);
        w.enumerator(c.offence);
        w.enumerator(c.kind);
    }
    w.opt_i64(walk.penalty_ms);
    w.opt_i64(walk.entered_ms);
    w.opt_i64(walk.left_ms);
}

walk_record read_walk(state_reader& r) {
    walk_record walk;
    walk.cards.resize(r.count(10, "cards"));
    for (auto& c : walk.cards) {
        c.judge = r.str();
        c.offence = r.enumerator(walk_offence_last, "offence");
        c.kind = r.enumerator(card_kind_last, "card kind");
    }
    walk.penalty_ms = r.opt_i64();
    walk.entered_ms = r.opt_i64();
    walk.left_ms = r.opt_i64();
    return walk;
}

void write_qualification(state_writer& w, const qualification& q) {
    write_qualifiers(w, q.qualified);
    write_qualifiers(w, q.tied);
    w.i64(q.tied_places);
    w.i64(q.tied_places_by_place);
    w.i64(q.tied_places_by_time);
}

qualification read_qualification(state_reader& r) {
    qualification q;
    q.qualified = read_qualifiers(r);
    q.tied = read_qualifiers(r);
    q.tied_places = r.small_int(INT_MIN, INT_MAX, "tied places");
    q.tied_places_by_place = r.small_int(INT_MIN, INT_MAX, "tied places by place");
    q.tied_places_by_time = r.small_int(INT_MIN, INT_MAX, "tied places by time");
    return q;
}

}  // namespace splitstream::feed
