#include "adapters/meet_file.hpp"

#include <toml++/toml.h>

#include <fstream>
#include <sstream>

#include "adapters/lynx_text.hpp"
#include "feed/iso_time.hpp"

namespace splitstream::adapters {

namespace {

struct bad_key {
    std::string what;
};

std::optional<feed::record_kind> record_kind_of(std::string_view k) {
    using feed::record_kind;
    if (k == "WR") return record_kind::wr;
    if (k == "OR") return record_kind::or_;
    if (k == "CR") return record_kind::cr;
    if (k == "AR") return record_kind::ar;
    if (k == "NR") return record_kind::nr;
    if (k == "WL") return record_kind::wl;
    if (k == "MR") return record_kind::mr;
    return std::nullopt;
}

std::string string_at(const toml::table& t, std::string_view key, std::string_view where,
                      std::string fallback = {}) {
    const auto* node = t.get(key);
    if (!node) return fallback;
    if (auto s = node->value<std::string>()) return *s;
    throw bad_key{std::string(where) + "." + std::string(key) + " must be a string"};
}

std::int64_t int_at(const toml::table& t, std::string_view key, std::string_view where) {
    const auto* node = t.get(key);
    if (!node) return 0;
    if (auto v = node->value<std::int64_t>(); v && *v > 0) return *v;
    throw bad_key{std::string(where) + "." + std::string(key) + " must be a positive integer"};
}

std::optional<std::int64_t> mark_at(const toml::table& t, std::string_view key, std::string_view where) {
    const auto* node = t.get(key);
    if (!node) return std::nullopt;
    if (auto s = node->value<std::string>())
        if (auto ms = parse_lynx_time(*s)) return ms;
    throw bad_key{std::string(where) + "." + std::string(key) + " must be a mark such as \"3:29.38\""};
}

feed::record_entry parse_record(const toml::table& t, const std::string& where) {
    feed::record_entry r;
    const auto kind = string_at(t, "kind", where);
    auto k = record_kind_of(kind);
    if (!k) throw bad_key{where + ".kind: unknown record kind \"" + kind + "\" (WR, OR, CR, AR, NR, WL, MR)"};
    r.kind = *k;
    auto mark = mark_at(t, "mark", where);
    if (!mark) throw bad_key{where + ".mark is required"};
    r.mark_ms = *mark;
    r.holder = string_at(t, "holder", where);
    r.country = string_at(t, "country", where);
    r.area = string_at(t, "area", where);
    if (auto y = int_at(t, "year", where)) r.year = static_cast<int>(y);
    return r;
}

meet_event parse_event(const toml::table& t, const std::string& where) {
    meet_event e;
    e.id = string_at(t, "id", where);
    if (e.id.empty()) throw bad_key{where + ".id is required"};
    e.lynx = string_at(t, "lynx", where);
    e.odf = string_at(t, "odf", where);
    e.name = string_at(t, "name", where);
    e.distance_m = int_at(t, "distance_m", where);
    e.round = string_at(t, "round", where);
    if (auto h = int_at(t, "heat", where)) e.heat = static_cast<int>(h);
    const auto venue = string_at(t, "venue", where, "track");
    if (venue == "road")
        e.course = feed::venue::road;
    else if (venue != "track")
        throw bad_key{where + ".venue must be \"track\" or \"road\""};
    e.lap_m = int_at(t, "lap_m", where);
    if (const auto* points = t.get_as<toml::array>("timing_points_m")) {
        for (const auto& p : *points) {
            auto v = p.value<std::int64_t>();
            if (!v || *v <= 0) throw bad_key{where + ".timing_points_m must hold positive integers"};
            e.timing_points_m.push_back(*v);
        }
    }
    if (const auto* records = t.get_as<toml::array>("record")) {
        int i = 0;
        for (const auto& r : *records) {
            const auto* rt = r.as_table();
            const auto rwhere = where + ".record[" + std::to_string(i++) + "]";
            if (!rt) throw bad_key{rwhere + " must be a table"};
            e.records.push_back(parse_record(*rt, rwhere));
        }
    }
    return e;
}

meet_file parse_meet(const toml::table& root) {
    meet_file m;
    if (const auto* meet = root.get_as<toml::table>("meet")) {
        m.feed = string_at(*meet, "feed", "meet", m.feed);
        m.date = string_at(*meet, "date", "meet");
        m.utc_offset = string_at(*meet, "utc_offset", "meet", m.utc_offset);
        if (!m.date.empty() &&
            !feed::parse_iso_ms(m.date + "T00:00:00" + m.utc_offset, feed::iso_grammar::strict))
            throw bad_key{
                "meet.date and meet.utc_offset must read as \"2023-08-23\" and \"+02:00\" (or \"Z\")"};
    }
    if (const auto* events = root.get_as<toml::array>("event")) {
        int i = 0;
        for (const auto& e : *events) {
            const auto where = "event[" + std::to_string(i++) + "]";
            const auto* et = e.as_table();
            if (!et) throw bad_key{where + " must be a table"};
            m.events.push_back(parse_event(*et, where));
        }
    }
    if (const auto* athletes = root.get_as<toml::array>("athlete")) {
        int i = 0;
        for (const auto& a : *athletes) {
            const auto where = "athlete[" + std::to_string(i++) + "]";
            const auto* at = a.as_table();
            if (!at) throw bad_key{where + " must be a table"};
            const auto id = string_at(*at, "id", where);
            if (id.empty()) throw bad_key{where + ".id is required"};
            m.athletes[id] = {mark_at(*at, "pb", where), mark_at(*at, "sb", where)};
        }
    }
    if (const auto* countries = root.get_as<toml::table>("countries")) {
        for (const auto& [key, value] : *countries) {
            auto code = value.value<std::string>();
            if (!code) throw bad_key{"countries." + std::string(key.str()) + " must be a string"};
            m.countries[std::string(key.str())] = *code;
        }
    }
    return m;
}

bool is_country_code(std::string_view s) {
    if (s.size() != 3) return false;
    for (char c : s)
        if (c < 'A' || c > 'Z') return false;
    return true;
}

}  // namespace

const meet_event* meet_file::by_lynx(int event, int round, int heat) const {
    const auto key = std::to_string(event) + "-" + std::to_string(round) + "-" + std::to_string(heat);
    for (const auto& e : events)
        if (e.lynx == key) return &e;
    return nullptr;
}

const meet_event* meet_file::by_odf(std::string_view document_code) const {
    for (const auto& e : events)
        if (!e.odf.empty() && e.odf == document_code) return &e;
    return nullptr;
}

std::optional<std::string> meet_file::country_of(std::string_view affiliation) const {
    if (auto it = countries.find(affiliation); it != countries.end()) return it->second;
    if (is_country_code(affiliation)) return std::string(affiliation);
    return std::nullopt;
}

std::optional<std::int64_t> meet_file::time_of_day_ms(std::string_view time_of_day) const {
    if (date.empty()) return std::nullopt;
    auto ms = parse_lynx_time(time_of_day);
    if (!ms || *ms >= 24 * 3600 * 1000) return std::nullopt;
    auto midnight = feed::parse_iso_ms(date + "T00:00:00" + utc_offset, feed::iso_grammar::strict);
    if (!midnight) return std::nullopt;
    return *midnight + *ms;
}

meet_load parse_meet_file(std::string_view toml_text, std::string_view source_name) {
    meet_load out;
    try {
        auto root = toml::parse(toml_text, source_name);
        out.meet = parse_meet(root);
    } catch (const toml::parse_error& e) {
        std::ostringstream s;
        s << source_name << ":" << e.source().begin.line << ": " << e.description();
        out.error = s.str();
    } catch (const bad_key& e) {
        out.error = std::string(source_name) + ": " + e.what;
    }
    return out;
}

meet_load load_meet_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {std::nullopt, "cannot read meet file " + path.string()};
    std::ostringstream text;
    text << in.rdbuf();
    return parse_meet_file(text.str(), path.string());
}

}  // namespace splitstream::adapters
