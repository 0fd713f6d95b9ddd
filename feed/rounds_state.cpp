// The round book in an engine snapshot.

#include <climits>

#include "feed/rounds.hpp"

namespace splitstream::feed {

void round_book::save(state_writer& w) const {
    w.u64(rounds_.size());
    for (const auto& [id, r] : rounds_) {
        w.str(r.id);
        w.str(r.title);
        w.str(r.next_round);
        w.i64(r.heats);
        w.i64(r.rule.by_place);
        w.i64(r.rule.by_time);
        w.enumerator(r.course);
        w.u64(r.heat_events.size());
        for (const auto& [heat, event] : r.heat_events) {
            w.i64(heat);
            w.str(event);
        }
        w.flag(r.published.has_value());
        if (r.published) write_qualification(w, *r.published);
        w.u64(r.published_seq);
    }
    w.u64(round_of_.size());
    for (const auto& [event, round] : round_of_) {
        w.str(event);
        w.str(round);
    }
}

round_book round_book::load(state_reader& r, const race_map& races) {
    round_book book;
    const auto rounds = r.count(65, "rounds");
    for (std::size_t i = 0; i < rounds && r.ok(); ++i) {
        round_state x;
        x.id = r.str();
        x.title = r.str();
        x.next_round = r.str();
        x.heats = r.small_int(INT_MIN, INT_MAX, "heats");
        x.rule.by_place = r.i64();
        x.rule.by_time = r.i64();
        x.course = r.enumerator(venue_last, "venue");
        const auto heats = r.count(16, "heat events");
        for (std::size_t h = 0; h < heats && r.ok(); ++h) {
            const int heat = r.small_int(INT_MIN, INT_MAX, "heat");
            auto event = r.str();
            if (r.ok() && !races.contains(event)) r.fail("round " + x.id + " names an unknown heat " + event);
            x.heat_events[heat] = std::move(event);
        }
        if (r.flag()) x.published = read_qualification(r);
        x.published_seq = r.u64();
        auto id = x.id;
        if (r.ok() && !book.rounds_.emplace(std::move(id), std::move(x)).second) r.fail("a round twice");
    }
    const auto members = r.count(16, "round members");
    for (std::size_t i = 0; i < members && r.ok(); ++i) {
        auto event = r.str();
        auto round = r.str();
        if (r.ok() && !book.rounds_.contains(round)) r.fail("event " + event + " is in an unknown round");
        book.round_of_[std::move(event)] = std::move(round);
    }
    return book;
}

}  // namespace splitstream::feed
