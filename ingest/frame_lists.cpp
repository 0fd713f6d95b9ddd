// The startlist's lists, read in place while the frame is walked: each
// element's fields collected by slot, then checked into its typed entry.
#include "ingest/frame_lists.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <utility>

#include "feed/relay.hpp"
#include "ingest/frame_keys.hpp"

namespace splitstream::ingest::frame_parsing {

namespace {

// Opens a list; a value of another kind is a wrong_type, not a JSON error.
simdjson::error_code open_array(ondemand::value v, checker& c, std::string_view name,
                                std::string_view expected, std::optional<ondemand::array>& out) {
    ondemand::json_type t;
    if (auto e = v.type().get(t)) return e;
    if (t != ondemand::json_type::array) {
        scalar s;
        if (auto e = decode(v, s)) return e;
        c.wrong_type(s, field_path{name}, expected);
        return simdjson::SUCCESS;
    }
    ondemand::array arr;
    if (auto e = v.get_array().get(arr)) return e;
    out = arr;
    return simdjson::SUCCESS;
}

// A list inside an element has a slot past the N scalar ones; `nested`
// reads it in place.
template <typename Slot, std::size_t N, typename Lookup, typename Nested>
simdjson::error_code collect_object(ondemand::value v, const char* buffer_end, Lookup lookup,
                                    std::array<scalar, N>& values, Nested& nested) {
    ondemand::object obj;
    if (auto e = v.get_object().get(obj)) return e;
    for (auto field_result : obj) {
        if (auto e = field_result.error()) return e;
        // Not copied out, as in frame_parser.cpp's walk.
        ondemand::field&& f = std::move(field_result).value_unsafe();
        std::string_view key;
        if (auto e = key_of(f, buffer_end, key)) return e;
        Slot which = lookup(key);
        if (which == Slot::unknown) {
            if (auto e = validate(f.value(), 1)) return e;
            continue;
        }
        if (static_cast<std::size_t>(which) >= N) {
            if (auto e = nested(which, f.value())) return e;
            continue;
        }
        scalar& s = values[static_cast<std::size_t>(which)];
        s = scalar{};
        if (auto e = decode(f.value(), s)) return e;
    }
    return simdjson::SUCCESS;
}

// Reads a list element that must be an object; its kind is reported when not.
simdjson::error_code element_kind(ondemand::value v, scalar& kind) {
    ondemand::json_type t;
    if (auto e = v.type().get(t)) return e;
    if (t == ondemand::json_type::object) {
        kind.kind = json_kind::object;
        return simdjson::SUCCESS;
    }
    return decode(v, kind);
}

// One object of a list (athletes, records): its known fields by slot, and
// the path of each for error messages.
template <typename Slot, std::size_t N>
struct element_fields {
    std::array<scalar, N> values{};
    std::string_view list;
    std::size_t index = 0;
    const scalar& operator[](Slot s) const { return values[static_cast<std::size_t>(s)]; }
    field_path at(std::string_view key) const { return field_path{key, list, index}; }
};

// Reads a list of objects: each element's known fields are collected by
// `lookup` and handed to `read`. An element of another kind is a wrong_type
// and the list goes on; `opened` tells whether the value was an array.
// An element without lists inside it.
struct no_lists {
    template <typename Slot>
    simdjson::error_code operator()(Slot, ondemand::value) const {
        return simdjson::SUCCESS;
    }
};

template <typename Slot, std::size_t N, typename Lookup, typename Read, typename Nested = no_lists>
simdjson::error_code for_each_object(ondemand::value v, const char* buffer_end, checker& c,
                                     std::string_view name, Lookup lookup, Read read, bool& opened,
                                     Nested nested = {}) {
    std::optional<ondemand::array> arr;
    if (auto e = open_array(v, c, name, "array of objects", arr)) return e;
    opened = arr.has_value();
    if (!arr) return simdjson::SUCCESS;
    std::size_t index = 0;
    for (auto element : *arr) {
        ondemand::value ev;
        if (auto e = element.get(ev)) return e;
        element_fields<Slot, N> f{{}, name, index++};
        scalar kind;
        if (auto e = element_kind(ev, kind)) return e;
        if (kind.kind != json_kind::object) {
            c.wrong_type(kind, field_path{{}, name, f.index}, "object");
            continue;
        }
        if (auto e = collect_object<Slot>(ev, buffer_end, lookup, f.values, nested)) return e;
        if (!c.failed()) read(f);
    }
    return simdjson::SUCCESS;
}

}  // namespace

simdjson::error_code parse_timing_points(ondemand::value v, startlist_lists& lists) {
    constexpr std::string_view name = "timing_points_m";
    std::optional<ondemand::array> arr;
    if (auto e = open_array(v, lists.check, name, "array of integers", arr)) return e;
    if (!arr) return simdjson::SUCCESS;
    std::size_t index = 0;
    for (auto element : *arr) {
        ondemand::value ev;
        if (auto e = element.get(ev)) return e;
        scalar s;
        if (auto e = decode(ev, s)) return e;
        field_path at{{}, name, index++};
        std::int64_t m = 0;
        if (lists.check.read(s, at, presence::required, m)) {
            lists.check.require_positive(m, at);
            lists.timing_points_m.push_back(m);
        }
    }
    return simdjson::SUCCESS;
}

simdjson::error_code parse_athletes(ondemand::value v, const char* buffer_end, startlist_lists& lists) {
    checker& c = lists.check;
    // A relay team's runners (extension), read while its object is walked.
    std::vector<feed::relay_runner> runners;
    std::string runners_path;
    std::size_t element = 0;
    auto read_runner = [&](const element_fields<runner_slot, runner_slot_count>& f) {
        feed::relay_runner r;
        std::int64_t leg = 0;
        if (c.read(f[runner_slot::leg], f.at("leg"), presence::required, leg)) {
            c.require(leg >= 1 && leg <= feed::relay::legs, f.at("leg"), "must be a leg from 1 to 4", leg);
            r.leg = static_cast<int>(leg);
        }
        c.read_non_empty(f[runner_slot::name], f.at("name"), presence::required, r.name);
        c.read(f[runner_slot::bib], f.at("bib"), presence::optional, r.bib);
        if (!c.failed()) runners.push_back(std::move(r));
    };
    auto nested = [&](athlete_slot, ondemand::value list) {
        runners_path = "athletes[" + std::to_string(element) + "].runners";
        bool opened = false;
        return for_each_object<runner_slot, runner_slot_count>(list, buffer_end, c, runners_path,
                                                               runner_field, read_runner, opened);
    };
    auto read = [&](const element_fields<athlete_slot, athlete_slot_count>& f) {
        feed::athlete_entry a;
        a.runners = std::exchange(runners, {});
        ++element;
        c.read_non_empty(f[athlete_slot::bib], f.at("bib"), presence::required, a.bib);
        c.read(f[athlete_slot::name], f.at("name"), presence::required, a.name);
        c.read(f[athlete_slot::country], f.at("country"), presence::required, a.country);
        if (c.read(f[athlete_slot::lane], f.at("lane"), presence::optional, a.lane))
            c.require(*a.lane >= 1, f.at("lane"), "must be at least 1", *a.lane);
        c.read(f[athlete_slot::area], f.at("area"), presence::optional, a.area);
        if (c.read(f[athlete_slot::pb_ms], f.at("pb_ms"), presence::optional, a.pb_ms))
            c.require_positive(*a.pb_ms, f.at("pb_ms"));
        if (c.read(f[athlete_slot::sb_ms], f.at("sb_ms"), presence::optional, a.sb_ms))
            c.require_positive(*a.sb_ms, f.at("sb_ms"));
        if (!c.failed()) lists.athletes.push_back(std::move(a));
    };
    return for_each_object<athlete_slot, athlete_slot_count>(v, buffer_end, c, "athletes", athlete_field,
                                                             read, lists.has_athletes, nested);
}

simdjson::error_code parse_records(ondemand::value v, const char* buffer_end, startlist_lists& lists) {
    checker& c = lists.check;
    auto read = [&](const element_fields<record_slot, record_slot_count>& f) {
        feed::record_entry r{};
        c.read_named(f[record_slot::kind], f.at("kind"), presence::required, record_kind_names, r.kind);
        if (c.read(f[record_slot::mark_ms], f.at("mark_ms"), presence::required, r.mark_ms))
            c.require_positive(r.mark_ms, f.at("mark_ms"));
        c.read(f[record_slot::holder], f.at("holder"), presence::optional, r.holder);
        c.read(f[record_slot::country], f.at("country"), presence::optional, r.country);
        c.read(f[record_slot::area], f.at("area"), presence::optional, r.area);
        c.read(f[record_slot::year], f.at("year"), presence::optional, r.year);
        if (!c.failed()) lists.records.push_back(std::move(r));
    };
    bool opened = false;
    return for_each_object<record_slot, record_slot_count>(v, buffer_end, c, "records", record_field, read,
                                                           opened);
}

simdjson::error_code parse_judges(ondemand::value v, const char* buffer_end, startlist_lists& lists) {
    checker& c = lists.check;
    auto read = [&](const element_fields<judge_slot, judge_slot_count>& f) {
        feed::judge_entry j;
        c.read_non_empty(f[judge_slot::id], f.at("id"), presence::required, j.id);
        c.read(f[judge_slot::name], f.at("name"), presence::optional, j.name);
        c.read(f[judge_slot::country], f.at("country"), presence::optional, j.country);
        if (!c.failed()) lists.judges.push_back(std::move(j));
    };
    bool opened = false;
    return for_each_object<judge_slot, judge_slot_count>(v, buffer_end, c, "judges", judge_field, read,
                                                         opened);
}

std::optional<std::string_view> duplicate_judge(const std::vector<feed::judge_entry>& judges) {
    std::vector<std::string_view> ids;
    ids.reserve(judges.size());
    for (const auto& j : judges) ids.push_back(j.id);
    std::sort(ids.begin(), ids.end());
    auto it = std::adjacent_find(ids.begin(), ids.end());
    if (it == ids.end()) return std::nullopt;
    return *it;
}

std::optional<std::string_view> duplicate_bib(const std::vector<feed::athlete_entry>& athletes) {
    std::vector<std::string_view> bibs;
    bibs.reserve(athletes.size());
    for (const auto& a : athletes) bibs.push_back(a.bib);
    std::sort(bibs.begin(), bibs.end());
    auto it = std::adjacent_find(bibs.begin(), bibs.end());
    if (it == bibs.end()) return std::nullopt;
    return *it;
}

}  // namespace splitstream::ingest::frame_parsing
