#include "adapters/feed_json.hpp"

#include <variant>

#include "feed/json_writer.hpp"

namespace splitstream::adapters {

namespace {

using feed::json_writer;

void write_athlete(json_writer& w, const feed::athlete_entry& a) {
    w.begin_object().field("bib", a.bib).field("name", a.name).field("country", a.country);
    if (a.lane) w.field("lane", *a.lane);
    if (!a.area.empty()) w.field("area", a.area);
    if (a.pb_ms) w.field("pb_ms", *a.pb_ms);
    if (a.sb_ms) w.field("sb_ms", *a.sb_ms);
    if (!a.runners.empty()) {
        w.key("runners").begin_array();
        for (const auto& r : a.runners) {
            w.begin_object().field("leg", r.leg).field("name", r.name);
            if (!r.bib.empty()) w.field("bib", r.bib);
            w.end_object();
        }
        w.end_array();
    }
    w.end_object();
}

void write_record(json_writer& w, const feed::record_entry& r) {
    w.begin_object().field("kind", feed::to_string(r.kind)).field("mark_ms", r.mark_ms);
    if (!r.holder.empty()) w.field("holder", r.holder);
    if (!r.country.empty()) w.field("country", r.country);
    if (!r.area.empty()) w.field("area", r.area);
    if (r.year) w.field("year", *r.year);
    w.end_object();
}

struct body_writer {
    json_writer& w;

    void operator()(const feed::hello_msg& m) { w.field("feed", m.feed).field("epoch", m.epoch); }
    void operator()(const feed::heartbeat_msg&) {}
    void operator()(const feed::startlist_msg& m) {
        w.field("name", m.name).field("distance_m", m.distance_m).field("venue", feed::to_string(m.course));
        w.field("round", m.round);
        if (m.heat) w.field("heat", *m.heat);
        if (!m.scheduled.empty()) w.field("scheduled", m.scheduled);
        if (!m.timing_points_m.empty()) {
            w.key("timing_points_m").begin_array();
            for (auto d : m.timing_points_m) w.value(d);
            w.end_array();
        }
        w.key("athletes").begin_array();
        for (const auto& a : m.athletes) write_athlete(w, a);
        w.end_array();
        w.key("records").begin_array();
        for (const auto& r : m.records) write_record(w, r);
        w.end_array();
        if (!m.judges.empty()) {
            w.field("penalty_zone", m.penalty_zone).key("judges").begin_array();
            for (const auto& j : m.judges) {
                w.begin_object().field("id", j.id);
                if (!j.name.empty()) w.field("name", j.name);
                if (!j.country.empty()) w.field("country", j.country);
                w.end_object();
            }
            w.end_array();
        }
    }
    void operator()(const feed::status_msg& m) {
        w.field("status", feed::to_string(m.status));
        if (!m.gun_ts.empty()) w.field("gun_ts", m.gun_ts);
    }
    void operator()(const feed::split_msg& m) {
        w.field("bib", m.bib).field("distance_m", m.distance_m).field("elapsed_ms", m.elapsed_ms);
    }
    void operator()(const feed::finish_msg& m) {
        w.field("bib", m.bib).field("elapsed_ms", m.elapsed_ms);
        if (m.place) w.field("place", *m.place);
    }
    void operator()(const feed::irm_msg& m) {
        w.field("bib", m.bib).field("code", feed::to_string(m.code));
        if (!m.rule.empty()) w.field("rule", m.rule);
        if (!m.reason.empty()) w.field("reason", m.reason);
        if (m.at_m) w.field("at_m", *m.at_m);
    }
    void operator()(const feed::card_msg& m) {
        w.field("bib", m.bib).field("judge", m.judge).field("offence", feed::to_string(m.offence));
        w.field("kind", feed::to_string(m.kind));
    }
    void operator()(const feed::penalty_zone_msg& m) {
        w.field("bib", m.bib).field("action", feed::to_string(m.action)).field("elapsed_ms", m.elapsed_ms);
    }
    void operator()(const feed::reaction_msg& m) {
        w.field("bib", m.bib).field("reaction_ms", m.reaction_ms);
    }
};

}  // namespace

std::string to_feed_json(const feed::feed_message& msg) {
    std::string out;
    json_writer w(out);
    w.begin_object().field("seq", msg.seq).field("type", feed::to_string(msg.type())).field("ts", msg.ts);
    if (!msg.event.empty()) w.field("event", msg.event);
    if (!msg.trace.empty()) w.field("trace", msg.trace);
    std::visit(body_writer{w}, msg.body);
    w.end_object();
    return out;
}

}  // namespace splitstream::adapters
