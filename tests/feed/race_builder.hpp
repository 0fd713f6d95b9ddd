#pragma once
// Builds typed feed messages for engine tests and applies them, so each
// test reads as the race it describes.

#include <simdjson.h>

#include <string>
#include <utility>
#include <vector>

#include "feed/engine.hpp"

namespace splitstream::feed::testing {

inline athlete_entry runner(std::string bib, std::string name, std::string country,
                            std::optional<std::int64_t> pb = {}, std::optional<std::int64_t> sb = {}) {
    athlete_entry a;
    a.bib = std::move(bib);
    a.name = std::move(name);
    a.country = std::move(country);
    a.pb_ms = pb;
    a.sb_ms = sb;
    return a;
}

inline record_entry record(record_kind kind, std::int64_t mark_ms, std::string country = {},
                           std::string area = {}) {
    record_entry r;
    r.kind = kind;
    r.mark_ms = mark_ms;
    r.holder = "Old Holder";
    r.country = std::move(country);
    r.area = std::move(area);
    return r;
}

// One event driven message by message; collects every derived event.
class race_driver {
public:
    explicit race_driver(std::string event = "M1500-F") : event_(std::move(event)) {}

    apply_result send(message_body body) { return send_to(event_, std::move(body)); }
    // The same driver feeds several events (the heats of a round).
    apply_result send_to(const std::string& event, message_body body) {
        feed_message m;
        m.seq = ++seq_;
        m.ts = "2024-08-06T19:50:00.000Z";
        m.event = event;
        m.body = std::move(body);
        auto r = engine_.apply(m);
        for (const auto& e : r.events) events.push_back(e);
        return r;
    }

    apply_result startlist(std::vector<athlete_entry> athletes, std::vector<record_entry> records = {},
                           std::int64_t distance = 1500, venue course = venue::track,
                           std::string round = "final") {
        startlist_msg s;
        s.name = "Men's 1500m Final";
        s.distance_m = distance;
        s.course = course;
        s.round = std::move(round);
        s.athletes = std::move(athletes);
        s.records = std::move(records);
        return send(s);
    }
    // A start list, then the gun: how most rule tests open.
    void start(std::vector<athlete_entry> athletes, std::vector<record_entry> records = {},
               std::int64_t distance = 1500, venue course = venue::track, std::string round = "final") {
        startlist(std::move(athletes), std::move(records), distance, course, std::move(round));
        status(status_code::started);
    }
    apply_result status(status_code c) { return send(status_msg{c, {}}); }
    apply_result split(std::string bib, std::int64_t d, std::int64_t t) {
        return send(split_msg{std::move(bib), d, t});
    }
    apply_result finish(std::string bib, std::int64_t t, std::optional<int> place = {}) {
        return send(finish_msg{std::move(bib), t, place});
    }
    apply_result irm(std::string bib, irm_code code, std::string rule = {},
                     std::optional<std::int64_t> at = {}) {
        return send(irm_msg{std::move(bib), code, std::move(rule), {}, at});
    }

    // Derived events of one type, in order.
    std::vector<derived_event> of(event_type t) const {
        std::vector<derived_event> out;
        for (const auto& e : events)
            if (e.type == t) out.push_back(e);
        return out;
    }

    engine& eng() { return engine_; }
    std::vector<derived_event> events;

private:
    std::string event_;
    std::uint64_t seq_ = 0;
    engine engine_;
};

// Reads fields out of a derived event's JSON.
class json_view {
public:
    explicit json_view(const std::string& json) : padded_(json) { doc_ = parser_.iterate(padded_); }
    std::string str(const char* pointer) {
        std::string_view v;
        if (doc_.at_pointer(pointer).get_string().get(v)) return "<missing>";
        return std::string(v);
    }
    std::int64_t num(const char* pointer) {
        std::int64_t v = -1;
        if (doc_.at_pointer(pointer).get_int64().get(v)) return -999999;
        return v;
    }
    bool boolean(const char* pointer) {
        bool v = false;
        if (doc_.at_pointer(pointer).get_bool().get(v)) return false;
        return v;
    }
    bool is_null(const char* pointer) {
        bool v = false;
        if (doc_.at_pointer(pointer).is_null().get(v)) return false;
        return v;
    }

private:
    simdjson::padded_string padded_;
    simdjson::ondemand::parser parser_;
    simdjson::ondemand::document doc_;
};

}  // namespace splitstream::feed::testing
