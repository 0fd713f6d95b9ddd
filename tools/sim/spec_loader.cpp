#include "tools/sim/spec_loader.hpp"

#include <simdjson.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tools/sim/text_format.hpp"

namespace splitstream::sim {

namespace {

namespace dom = simdjson::dom;

// Thrown only inside this file and turned into a `loaded` error at the
// public functions: nested field readers stay short this way.
struct spec_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::optional<dom::element> field(dom::object o, std::string_view key) {
    dom::element el;
    if (o.at_key(key).get(el) != simdjson::SUCCESS || el.is_null()) return std::nullopt;
    return el;
}

std::optional<std::string> opt_string(dom::object o, std::string_view key, std::string_view where) {
    auto el = field(o, key);
    if (!el) return std::nullopt;
    std::string_view s;
    if (el->get_string().get(s) != simdjson::SUCCESS)
        throw spec_error(std::string(where) + "." + std::string(key) + ": expected a string");
    return std::string(s);
}

std::string req_string(dom::object o, std::string_view key, std::string_view where) {
    auto s = opt_string(o, key, where);
    if (!s) throw spec_error(std::string(where) + "." + std::string(key) + ": required");
    return *s;
}

std::optional<std::int64_t> opt_int(dom::object o, std::string_view key, std::string_view where) {
    auto el = field(o, key);
    if (!el) return std::nullopt;
    std::int64_t v;
    if (el->get_int64().get(v) != simdjson::SUCCESS)
        throw spec_error(std::string(where) + "." + std::string(key) + ": expected an integer");
    return v;
}

std::optional<double> opt_double(dom::object o, std::string_view key, std::string_view where) {
    auto el = field(o, key);
    if (!el) return std::nullopt;
    double v;
    if (el->get_double().get(v) != simdjson::SUCCESS)
        throw spec_error(std::string(where) + "." + std::string(key) + ": expected a number");
    return v;
}

// A mark given as printed text ("3:29.38") or as integer milliseconds.
struct mark_value {
    std::int64_t ms;
    bool from_integer;
};

std::optional<mark_value> opt_mark(dom::object o, std::string_view key, std::string_view where) {
    auto el = field(o, key);
    if (!el) return std::nullopt;
    std::int64_t v;
    if (el->get_int64().get(v) == simdjson::SUCCESS) return mark_value{v, true};
    std::string_view s;
    if (el->get_string().get(s) == simdjson::SUCCESS) {
        if (auto ms = parse_mark_ms(s)) return mark_value{*ms, false};
    }
    throw spec_error(std::string(where) + "." + std::string(key) +
                     ": expected a mark like \"3:29.38\" or integer milliseconds");
}

dom::object as_object(dom::element el, std::string_view where) {
    dom::object o;
    if (el.get_object().get(o) != simdjson::SUCCESS)
        throw spec_error(std::string(where) + ": expected an object");
    return o;
}

std::vector<dom::element> opt_array(dom::object o, std::string_view key, std::string_view where) {
    std::vector<dom::element> out;
    auto el = field(o, key);
    if (!el) return out;
    dom::array a;
    if (el->get_array().get(a) != simdjson::SUCCESS)
        throw spec_error(std::string(where) + "." + std::string(key) + ": expected a list");
    for (auto item : a) out.push_back(item);
    return out;
}

std::string area_code(std::string_view area) {
    static const std::pair<std::string_view, std::string_view> names[] = {
        {"Africa", "AFR"},        {"Asia", "ASI"},    {"Europe", "EUR"},        {"NACAC", "NAC"},
        {"North America", "NAC"}, {"Oceania", "OCE"}, {"South America", "SAM"},
    };
    for (auto [name, code] : names)
        if (area == name) return std::string(code);
    return std::string(area);
}

std::optional<int> year_of(const std::optional<std::string>& date) {
    if (!date || date->size() < 4) return std::nullopt;
    int y = 0;
    for (int i = 0; i < 4; ++i) {
        char c = (*date)[static_cast<std::size_t>(i)];
        if (c < '0' || c > '9') return std::nullopt;
        y = y * 10 + (c - '0');
    }
    return y;
}

record_spec read_record(dom::object o, const std::string& where) {
    record_spec r;
    r.kind = req_string(o, "kind", where);
    auto mark = opt_mark(o, "mark", where);
    if (!mark) mark = opt_mark(o, "mark_ms", where);
    if (!mark) throw spec_error(where + ".mark: required");
    r.mark_ms = mark->ms;
    r.holder = opt_string(o, "holder", where).value_or("");
    r.country = opt_string(o, "country", where).value_or("");
    r.area = area_code(opt_string(o, "area", where).value_or(""));
    if (auto y = opt_int(o, "year", where)) r.year = static_cast<int>(*y);
    return r;
}

pacing_model read_model(const std::string& s, const std::string& where) {
    if (s == "even") return pacing_model::even;
    if (s == "sit_and_kick") return pacing_model::sit_and_kick;
    if (s == "front_running") return pacing_model::front_running;
    if (s == "surges") return pacing_model::surges;
    throw spec_error(where + ".model: unknown pacing model \"" + s +
                     "\" (even, sit_and_kick, front_running, surges)");
}

incident_kind read_incident_kind(const std::string& s, const std::string& where) {
    if (s == "dns") return incident_kind::dns;
    if (s == "dnf") return incident_kind::dnf;
    if (s == "dq") return incident_kind::dq;
    if (s == "false_start") return incident_kind::false_start;
    if (s == "photo_correction") return incident_kind::photo_correction;
    if (s == "record") return incident_kind::record;
    if (s == "red_card") return incident_kind::red_card;
    if (s == "caution") return incident_kind::caution;
    throw spec_error(where + ".type: unknown incident \"" + s +
                     "\" (dns, dnf, dq, false_start, photo_correction, record, red_card, caution)");
}

// One function because it is the spec's list of event fields, one line or
// block a field, in the order docs/simulator.md documents them.
void read_event_fields(dom::object o, event_spec& e, const std::string& where) {
    if (auto v = opt_string(o, "id", where)) e.id = *v;
    if (auto v = opt_string(o, "name", where)) e.name = *v;
    if (auto v = opt_string(o, "round", where)) e.round = *v;
    if (auto v = opt_int(o, "heat", where)) e.heat = static_cast<int>(*v);
    if (auto v = opt_string(o, "round_id", where)) e.round_id = *v;
    if (auto v = opt_int(o, "heats", where)) e.heats = static_cast<int>(*v);
    if (auto v = opt_int(o, "qualify_by_place", where)) e.qualify_by_place = *v;
    if (auto v = opt_int(o, "qualify_by_time", where)) e.qualify_by_time = *v;
    if (auto v = opt_string(o, "next_round", where)) e.next_round = *v;
    if (auto v = opt_string(o, "qualifiers_of", where)) e.qualifiers_of = *v;
    if (auto v = opt_double(o, "qualifier_pace", where)) e.qualifier_pace = *v;
    if (auto v = opt_int(o, "distance_m", where)) e.distance_m = *v;
    if (auto v = opt_string(o, "venue", where)) e.venue = *v;
    if (auto v = opt_int(o, "timing_every_m", where)) e.timing_every_m = *v;
    if (auto v = opt_int(o, "start_offset_ms", where)) e.start_offset_ms = *v;
    if (auto v = opt_int(o, "gun_after_ms", where)) e.gun_after_ms = *v;
    if (auto v = opt_int(o, "unofficial_after_ms", where)) e.unofficial_after_ms = *v;
    if (auto v = opt_int(o, "official_after_ms", where)) e.official_after_ms = *v;
    if (auto v = opt_int(o, "finish_noise_ms", where)) e.finish_noise_ms = *v;
    auto points = opt_array(o, "timing_points_m", where);
    if (!points.empty()) e.timing_points_m.clear();
    for (auto p : points) {
        std::int64_t v;
        if (p.get_int64().get(v) != simdjson::SUCCESS)
            throw spec_error(where + ".timing_points_m: integers only");
        e.timing_points_m.push_back(v);
    }
    if (auto p = field(o, "pacing")) {
        std::string pw = where + ".pacing";
        auto po = as_object(*p, pw);
        e.pacing.model = read_model(req_string(po, "model", pw), pw);
        if (auto v = opt_int(po, "kick_m", pw)) e.pacing.kick_m = *v;
        if (auto v = opt_double(po, "kick", pw)) e.pacing.kick = *v;
        if (auto v = opt_string(po, "front_runner", pw)) e.pacing.front_runner = *v;
        if (auto v = opt_int(po, "pack_spread_ms", pw)) e.pacing.pack_spread_ms = *v;
        std::size_t i = 0;
        for (auto s : opt_array(po, "surges", pw)) {
            std::string sw = pw + ".surges[" + std::to_string(i++) + "]";
            auto so = as_object(s, sw);
            surge sg;
            sg.at_m = opt_int(so, "at_m", sw).value_or(0);
            if (auto v = opt_int(so, "length_m", sw)) sg.length_m = *v;
            if (auto v = opt_double(so, "factor", sw)) sg.factor = *v;
            sg.bib = opt_string(so, "bib", sw).value_or("");
            e.pacing.surges.push_back(sg);
        }
    }
    if (auto p = field(o, "penalty_zone")) {
        bool pz = false;
        if (p->get_bool().get(pz) != simdjson::SUCCESS)
            throw spec_error(where + ".penalty_zone: expected true or false");
        e.penalty_zone = pz;
    }
    std::size_t i = 0;
    for (auto j : opt_array(o, "judges", where)) {
        std::string jw = where + ".judges[" + std::to_string(i++) + "]";
        auto jo = as_object(j, jw);
        e.judges.push_back({req_string(jo, "id", jw), opt_string(jo, "name", jw).value_or(""),
                            opt_string(jo, "country", jw).value_or("")});
    }
    auto athletes = opt_array(o, "athletes", where);
    if (!athletes.empty()) e.athletes.clear();
    i = 0;
    for (auto a : athletes) {
        std::string aw = where + ".athletes[" + std::to_string(i++) + "]";
        auto ao = as_object(a, aw);
        athlete_spec s;
        s.bib = req_string(ao, "bib", aw);
        s.name = req_string(ao, "name", aw);
        s.country = req_string(ao, "country", aw);
        if (auto v = opt_int(ao, "lane", aw)) s.lane = static_cast<int>(*v);
        if (auto v = opt_mark(ao, "pb", aw)) s.pb_ms = v->ms;
        if (auto v = opt_mark(ao, "sb", aw)) s.sb_ms = v->ms;
        auto target = opt_mark(ao, "target", aw);
        if (!target) throw spec_error(aw + ".target: required");
        s.target_ms = target->ms;
        s.exact = target->from_integer;
        std::size_t leg = 0;
        for (auto r : opt_array(ao, "runners", aw)) {
            std::string_view runner;
            if (r.get_string().get(runner))
                throw spec_error(aw + ".runners[" + std::to_string(leg) + "]: expected a name");
            s.runners.emplace_back(runner);
            ++leg;
        }
        e.athletes.push_back(s);
    }
    auto records = opt_array(o, "records", where);
    if (!records.empty()) e.records.clear();
    i = 0;
    for (auto r : records) {
        std::string rw = where + ".records[" + std::to_string(i++) + "]";
        e.records.push_back(read_record(as_object(r, rw), rw));
    }
    i = 0;
    for (auto inc : opt_array(o, "incidents", where)) {
        std::string iw = where + ".incidents[" + std::to_string(i++) + "]";
        auto io = as_object(inc, iw);
        incident_spec s;
        s.kind = read_incident_kind(req_string(io, "type", iw), iw);
        s.bib = opt_string(io, "bib", iw).value_or("");
        s.at_m = opt_int(io, "at_m", iw).value_or(0);
        s.rule = opt_string(io, "rule", iw).value_or("");
        s.reason = opt_string(io, "reason", iw).value_or("");
        s.after_ms = opt_int(io, "after_ms", iw).value_or(0);
        s.delta_ms = opt_int(io, "delta_ms", iw).value_or(0);
        s.record_kind = opt_string(io, "kind", iw).value_or("");
        s.judge = opt_string(io, "judge", iw).value_or("");
        s.offence = opt_string(io, "offence", iw).value_or("");
        if (s.kind == incident_kind::red_card || s.kind == incident_kind::caution) {
            if (s.judge.empty()) throw spec_error(iw + ".judge: required for " + to_string(s.kind));
            if (s.offence != "~" && s.offence != ">")
                throw spec_error(iw + ".offence: \"~\" (loss of contact) or \">\" (bent knee)");
            if (s.at_m <= 0) throw spec_error(iw + ".at_m: required for " + to_string(s.kind));
        }
        s.reaction_ms = opt_int(io, "reaction_ms", iw).value_or(0);
        if (s.kind == incident_kind::false_start && s.reaction_ms != 0 &&
            (s.reaction_ms < 0 || s.reaction_ms >= 100))
            throw spec_error(iw + ".reaction_ms: a false start reacts in under 100 ms (TR 16.6)");
        bool needs_bib = s.kind != incident_kind::false_start && s.kind != incident_kind::record;
        if (needs_bib && s.bib.empty()) throw spec_error(iw + ".bib: required for " + to_string(s.kind));
        if (s.kind == incident_kind::dnf && s.at_m <= 0) throw spec_error(iw + ".at_m: required for dnf");
        if (s.kind == incident_kind::record && s.record_kind.empty())
            throw spec_error(iw + ".kind: required for record (WR, CR, ...)");
        e.incidents.push_back(s);
    }
}

void validate_event(const event_spec& e, const std::string& where) {
    if (e.id.empty()) throw spec_error(where + ".id: required");
    if (e.distance_m <= 0) throw spec_error(where + ".distance_m: must be positive");
    if (!e.qualifiers_of.empty()) {
        // The field comes from the earlier round; incidents cannot name it.
        if (!e.athletes.empty()) throw spec_error(where + ".athletes: none with qualifiers_of");
        if (e.qualifier_pace <= 0.5 || e.qualifier_pace > 1.5)
            throw spec_error(where + ".qualifier_pace: between 0.5 and 1.5");
        for (const auto& inc : e.incidents)
            if (!inc.bib.empty())
                throw spec_error(where + ": an incident of a field made of qualifiers cannot name a bib");
        return;
    }
    if (e.athletes.empty()) throw spec_error(where + ".athletes: at least one athlete");
    for (const auto& a : e.athletes)
        if (a.target_ms <= 0) throw spec_error(where + ": athlete " + a.bib + " has no positive target");
    for (const auto& inc : e.incidents) {
        if (inc.bib.empty()) continue;
        bool known =
            std::any_of(e.athletes.begin(), e.athletes.end(), [&](auto& a) { return a.bib == inc.bib; });
        if (!known) throw spec_error(where + ": incident names unknown bib " + inc.bib);
        if (inc.judge.empty()) continue;
        const bool judge_known =
            std::any_of(e.judges.begin(), e.judges.end(), [&](auto& j) { return j.id == inc.judge; });
        if (!judge_known) throw spec_error(where + ": incident names unknown judge " + inc.judge);
        if (inc.at_m >= e.distance_m) throw spec_error(where + ": a card at or after the finish");
    }
}

std::string strip_parenthesis(std::string name) {
    auto p = name.find(" (");
    if (p != std::string::npos) name.erase(p);
    return name;
}

std::string capitalised(std::string s) {
    if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
    return s;
}

std::string derived_event_id(const std::string& event, std::int64_t distance, const std::string& round) {
    std::string sex = event.rfind("Women", 0) == 0 ? "W" : "M";
    std::string r = round == "final" ? "F" : round == "semifinal" ? "SF" : round == "heat" ? "H" : "R";
    return sex + std::to_string(distance) + "-" + r;
}

// One function because it reads the results file's schema top to bottom,
// one field or list a block, in the order docs/simulator.md lists them; the
// blocks share only `where` and the event being filled.
event_spec read_results(dom::object o) {
    const std::string where = "results";
    event_spec e;
    e.distance_m = opt_int(o, "distance_m", where).value_or(0);
    e.round = opt_string(o, "round", where).value_or("final");
    e.venue = opt_string(o, "course", where).value_or("track");
    std::string event = opt_string(o, "event", where).value_or("Race");
    e.name = event + " " + capitalised(e.round);
    e.id = derived_event_id(event, e.distance_m, e.round);
    e.pacing.model = pacing_model::sit_and_kick;
    e.pacing.kick_m = 300;

    std::size_t i = 0;
    for (auto r : opt_array(o, "records_before", where)) {
        std::string rw = where + ".records_before[" + std::to_string(i++) + "]";
        auto ro = as_object(r, rw);
        auto mark = opt_mark(ro, "mark", rw);
        if (!mark) continue;
        record_spec rec;
        rec.kind = req_string(ro, "kind", rw);
        rec.mark_ms = mark->ms;
        rec.holder = opt_string(ro, "holder", rw).value_or("");
        rec.country = opt_string(ro, "country", rw).value_or("");
        rec.area = area_code(opt_string(ro, "area", rw).value_or(""));
        e.records.push_back(rec);
    }
    i = 0;
    for (auto r : opt_array(o, "national_records_before_of_finalists", where)) {
        std::string rw = where + ".national_records_before_of_finalists[" + std::to_string(i++) + "]";
        auto ro = as_object(r, rw);
        auto mark = opt_mark(ro, "mark", rw);
        if (!mark) continue;
        record_spec rec;
        rec.kind = "NR";
        rec.mark_ms = mark->ms;
        rec.holder = opt_string(ro, "holder", rw).value_or("");
        rec.country = opt_string(ro, "country", rw).value_or("");
        rec.year = year_of(opt_string(ro, "date", rw));
        e.records.push_back(rec);
    }

    struct entry {
        std::string name, full_name, country, status;
        std::optional<std::int64_t> mark_ms;
        std::int64_t place;
    };
    std::vector<entry> results;
    i = 0;
    for (auto r : opt_array(o, "results", where)) {
        std::string rw = where + ".results[" + std::to_string(i++) + "]";
        auto ro = as_object(r, rw);
        entry en;
        en.full_name = req_string(ro, "name", rw);
        en.name = strip_parenthesis(en.full_name);
        en.country = req_string(ro, "country", rw);
        en.status = opt_string(ro, "status", rw).value_or("OK");
        if (auto m = opt_mark(ro, "mark", rw)) en.mark_ms = m->ms;
        en.place = opt_int(ro, "place", rw).value_or(static_cast<std::int64_t>(i));
        if (en.status == "OK" && !en.mark_ms) throw spec_error(rw + ".mark: required for a finisher");
        results.push_back(en);
    }
    std::vector<std::string> names;
    for (const auto& r : results) names.push_back(r.name);
    std::sort(names.begin(), names.end());
    auto bib_of = [&](const std::string& name) {
        auto it = std::find(names.begin(), names.end(), strip_parenthesis(name));
        if (it == names.end()) return std::string();
        return std::to_string(101 + 7 * (it - names.begin()));
    };
    std::vector<entry> by_name = results;
    std::sort(by_name.begin(), by_name.end(), [](auto& a, auto& b) { return a.name < b.name; });
    for (const auto& r : by_name) {
        athlete_spec a;
        a.bib = bib_of(r.name);
        a.name = r.name;
        a.country = r.country;
        // Non-finishers run behind the field until they stop.
        a.target_ms = r.mark_ms.value_or(0);
        e.athletes.push_back(a);
    }
    std::int64_t slowest = 0;
    for (const auto& a : e.athletes) slowest = std::max(slowest, a.target_ms);
    for (auto& a : e.athletes)
        if (a.target_ms == 0) a.target_ms = slowest + 5000;
    for (const auto& r : results) {
        incident_spec s;
        s.bib = bib_of(r.name);
        s.at_m = e.distance_m / 2;
        if (r.status == "OK") continue;
        if (r.status == "DNS")
            s.kind = incident_kind::dns;
        else if (r.status == "DNF")
            s.kind = incident_kind::dnf;
        else if (r.status == "DQ")
            s.kind = incident_kind::dq;
        else
            continue;
        e.incidents.push_back(s);
    }
    i = 0;
    for (auto irm : opt_array(o, "irm", where)) {
        std::string iw = where + ".irm[" + std::to_string(i++) + "]";
        auto io = as_object(irm, iw);
        auto name = opt_string(io, "name", iw);
        auto code = opt_string(io, "code", iw).value_or(opt_string(io, "status", iw).value_or(""));
        if (!name) continue;
        std::string bib = bib_of(*name);
        if (bib.empty()) continue;
        // A result line with the same status already made this incident.
        auto already =
            std::any_of(e.incidents.begin(), e.incidents.end(), [&](auto& x) { return x.bib == bib; });
        if (already) continue;
        incident_spec s;
        s.bib = bib;
        s.rule = opt_string(io, "rule", iw).value_or("");
        s.reason = opt_string(io, "reason", iw).value_or("");
        s.at_m = opt_int(io, "at_m", iw).value_or(e.distance_m / 2);
        if (code == "DNS")
            s.kind = incident_kind::dns;
        else if (code == "DNF")
            s.kind = incident_kind::dnf;
        else if (code == "DQ")
            s.kind = incident_kind::dq;
        else
            continue;
        e.incidents.push_back(s);
    }
    i = 0;
    for (auto l : opt_array(o, "splits_leader", where)) {
        std::string lw = where + ".splits_leader[" + std::to_string(i++) + "]";
        auto lo = as_object(l, lw);
        auto d = opt_int(lo, "distance_m", lw);
        auto leader = opt_string(lo, "leader", lw);
        if (!d || !leader || *d >= e.distance_m) continue;
        std::string bib = bib_of(*leader);
        if (bib.empty()) continue;
        leader_constraint c;
        c.distance_m = *d;
        c.bib = bib;
        if (auto t = opt_mark(lo, "time", lw)) c.elapsed_ms = t->ms;
        e.leaders.push_back(c);
    }
    return e;
}

template <class F>
auto guarded(F&& f) -> loaded<decltype(f())> {
    try {
        return {.value = f(), .error = {}};
    } catch (const spec_error& e) {
        return {.value = std::nullopt, .error = e.what()};
    }
}

std::string join_path(const std::string& base, const std::string& path) {
    if (path.empty() || path[0] == '/' || base.empty()) return path;
    return base + "/" + path;
}

dom::object parse_root(dom::parser& parser, std::string_view json, std::string_view what) {
    dom::element root;
    if (auto err = parser.parse(json.data(), json.size()).get(root); err != simdjson::SUCCESS)
        throw spec_error(std::string(what) + ": not valid JSON: " + simdjson::error_message(err));
    return as_object(root, what);
}

}  // namespace

std::optional<std::string> read_text_file(const std::string& path, std::size_t max_bytes) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::string out;
    char buf[65536];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        out.append(buf, static_cast<std::size_t>(in.gcount()));
        if (out.size() > max_bytes) return std::nullopt;
    }
    return out;
}

loaded<event_spec> parse_results_file(std::string_view json) {
    return guarded([&] {
        dom::parser parser;
        auto e = read_results(parse_root(parser, json, "results file"));
        validate_event(e, "results");
        return e;
    });
}

loaded<event_spec> load_results_file(const std::string& path) {
    auto text = read_text_file(path);
    if (!text) return {.value = std::nullopt, .error = "cannot read results file " + path};
    return parse_results_file(*text);
}

loaded<session_spec> parse_session_spec(std::string_view json, const file_reader& read) {
    return guarded([&] {
        dom::parser parser;
        auto root = parse_root(parser, json, "spec");
        session_spec s;
        if (auto v = opt_string(root, "feed", "spec")) s.feed = *v;
        if (auto v = opt_string(root, "epoch", "spec")) s.epoch = *v;
        if (auto v = opt_string(root, "start", "spec")) {
            auto ms = parse_iso_ms(*v);
            if (!ms) throw spec_error("spec.start: expected an ISO 8601 UTC time");
            s.start_unix_ms = *ms;
        }
        std::size_t i = 0;
        for (auto ev : opt_array(root, "events", "spec")) {
            std::string where = "spec.events[" + std::to_string(i++) + "]";
            auto eo = as_object(ev, where);
            event_spec e;
            dom::parser results_parser;
            if (auto inline_results = field(eo, "results")) {
                e = read_results(as_object(*inline_results, where + ".results"));
            } else if (auto path = opt_string(eo, "results_file", where)) {
                auto text = read(*path);
                if (!text) throw spec_error(where + ".results_file: cannot read " + *path);
                e = read_results(parse_root(results_parser, *text, where + ".results_file"));
            }
            read_event_fields(eo, e, where);
            validate_event(e, where);
            s.events.push_back(std::move(e));
        }
        if (s.events.empty()) throw spec_error("spec.events: at least one event");
        for (std::size_t k = 0; k < s.events.size(); ++k) {
            const auto& from = s.events[k].qualifiers_of;
            if (from.empty()) continue;
            const bool earlier =
                std::any_of(s.events.begin(), s.events.begin() + static_cast<std::ptrdiff_t>(k),
                            [&](const event_spec& e) { return e.round_id == from; });
            if (!earlier)
                throw spec_error("spec.events[" + std::to_string(k) +
                                 "].qualifiers_of: no earlier event has round_id " + from);
        }
        return s;
    });
}

loaded<session_spec> load_session_spec(const std::string& path) {
    auto text = read_text_file(path);
    if (!text) return {.value = std::nullopt, .error = "cannot read spec file " + path};
    auto slash = path.rfind('/');
    std::string base = slash == std::string::npos ? "." : path.substr(0, slash);
    return parse_session_spec(*text,
                              [&](const std::string& name) { return read_text_file(join_path(base, name)); });
}

}  // namespace splitstream::sim
