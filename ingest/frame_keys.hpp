#pragma once
// Internal to the frame parser: the protocol's field names as slots, and
// the names an enumerated value may take. The lookups run for every field
// of every frame, so they are inline.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#include <utility>

#include "feed/message.hpp"

namespace splitstream::ingest::frame_parsing {

// Every field name the protocol defines at the top level of a frame, across
// all message types. Values are collected by slot in one pass over the
// object and only interpreted once `type` is known, because `type` may come
// after the fields it governs.
enum class slot : std::uint8_t {
    v,
    seq,
    type,
    ts,
    event,
    trace,
    feed,
    epoch,
    name,
    distance_m,
    venue,
    round,
    heat,
    round_id,
    heats,
    qualify_by_place,
    qualify_by_time,
    next_round,
    scheduled,
    status,
    gun_ts,
    bib,
    elapsed_ms,
    place,
    code,
    rule,
    reason,
    at_m,
    // Race walking (extension).
    judge,
    offence,
    kind,
    action,
    penalty_zone,
    reaction_ms,     // reaction (extension)
    combined_event,  // startlist (extension)
    // Lists: startlist only, parsed in place rather than collected.
    timing_points_m,
    athletes,
    records,
    judges,
    unknown,
};

constexpr std::size_t scalar_slot_count = static_cast<std::size_t>(slot::timing_points_m);

// A key or name against a literal: the constant length lets the compiler
// compare in a load or two instead of calling memcmp.
template <std::size_t N>
bool is(std::string_view s, const char (&literal)[N]) {
    return s.size() == N - 1 && std::memcmp(s.data(), literal, N - 1) == 0;
}

inline slot top_level_slot(std::string_view k) {
    switch (k.size()) {
        case 1:
            if (is(k, "v")) return slot::v;
            break;
        case 2:
            if (is(k, "ts")) return slot::ts;
            break;
        case 3:
            if (is(k, "seq")) return slot::seq;
            if (is(k, "bib")) return slot::bib;
            break;
        case 4:
            if (is(k, "type")) return slot::type;
            if (is(k, "feed")) return slot::feed;
            if (is(k, "name")) return slot::name;
            if (is(k, "heat")) return slot::heat;
            if (is(k, "code")) return slot::code;
            if (is(k, "rule")) return slot::rule;
            if (is(k, "at_m")) return slot::at_m;
            if (is(k, "kind")) return slot::kind;
            break;
        case 5:
            if (is(k, "event")) return slot::event;
            if (is(k, "trace")) return slot::trace;
            if (is(k, "epoch")) return slot::epoch;
            if (is(k, "venue")) return slot::venue;
            if (is(k, "round")) return slot::round;
            if (is(k, "place")) return slot::place;
            if (is(k, "heats")) return slot::heats;
            if (is(k, "judge")) return slot::judge;
            break;
        case 6:
            if (is(k, "status")) return slot::status;
            if (is(k, "gun_ts")) return slot::gun_ts;
            if (is(k, "reason")) return slot::reason;
            if (is(k, "action")) return slot::action;
            if (is(k, "judges")) return slot::judges;
            break;
        case 7:
            if (is(k, "records")) return slot::records;
            if (is(k, "offence")) return slot::offence;
            break;
        case 8:
            if (is(k, "athletes")) return slot::athletes;
            if (is(k, "round_id")) return slot::round_id;
            break;
        case 9:
            if (is(k, "scheduled")) return slot::scheduled;
            break;
        case 12:
            if (is(k, "penalty_zone")) return slot::penalty_zone;
            break;
        case 10:
            if (is(k, "distance_m")) return slot::distance_m;
            if (is(k, "elapsed_ms")) return slot::elapsed_ms;
            if (is(k, "next_round")) return slot::next_round;
            break;
        case 11:
            if (is(k, "reaction_ms")) return slot::reaction_ms;
            break;
        case 14:
            if (is(k, "combined_event")) return slot::combined_event;
            break;
        case 15:
            if (is(k, "timing_points_m")) return slot::timing_points_m;
            if (is(k, "qualify_by_time")) return slot::qualify_by_time;
            break;
        case 16:
            if (is(k, "qualify_by_place")) return slot::qualify_by_place;
            break;
        default:
            break;
    }
    return slot::unknown;
}

// `runners` (a relay team's, extension) is a list: it comes after the
// scalar slots, which are the ones counted.
enum class athlete_slot : std::uint8_t { bib, name, country, lane, area, pb_ms, sb_ms, runners, unknown };
constexpr std::size_t athlete_slot_count = static_cast<std::size_t>(athlete_slot::runners);

inline athlete_slot athlete_field(std::string_view k) {
    if (is(k, "bib")) return athlete_slot::bib;
    if (is(k, "name")) return athlete_slot::name;
    if (is(k, "country")) return athlete_slot::country;
    if (is(k, "lane")) return athlete_slot::lane;
    if (is(k, "area")) return athlete_slot::area;
    if (is(k, "pb_ms")) return athlete_slot::pb_ms;
    if (is(k, "sb_ms")) return athlete_slot::sb_ms;
    if (is(k, "runners")) return athlete_slot::runners;
    return athlete_slot::unknown;
}

enum class runner_slot : std::uint8_t { leg, name, bib, unknown };
constexpr std::size_t runner_slot_count = static_cast<std::size_t>(runner_slot::unknown);

inline runner_slot runner_field(std::string_view k) {
    if (is(k, "leg")) return runner_slot::leg;
    if (is(k, "name")) return runner_slot::name;
    if (is(k, "bib")) return runner_slot::bib;
    return runner_slot::unknown;
}

enum class judge_slot : std::uint8_t { id, name, country, unknown };
constexpr std::size_t judge_slot_count = static_cast<std::size_t>(judge_slot::unknown);

inline judge_slot judge_field(std::string_view k) {
    if (is(k, "id")) return judge_slot::id;
    if (is(k, "name")) return judge_slot::name;
    if (is(k, "country")) return judge_slot::country;
    return judge_slot::unknown;
}

enum class record_slot : std::uint8_t { kind, mark_ms, holder, country, area, year, unknown };
constexpr std::size_t record_slot_count = static_cast<std::size_t>(record_slot::unknown);

inline record_slot record_field(std::string_view k) {
    if (is(k, "kind")) return record_slot::kind;
    if (is(k, "mark_ms")) return record_slot::mark_ms;
    if (is(k, "holder")) return record_slot::holder;
    if (is(k, "country")) return record_slot::country;
    if (is(k, "area")) return record_slot::area;
    if (is(k, "year")) return record_slot::year;
    return record_slot::unknown;
}

inline std::optional<feed::message_type> message_type_named(std::string_view s) {
    using feed::message_type;
    if (is(s, "split")) return message_type::split;
    if (is(s, "finish")) return message_type::finish;
    if (is(s, "heartbeat")) return message_type::heartbeat;
    if (is(s, "status")) return message_type::status;
    if (is(s, "irm")) return message_type::irm;
    if (is(s, "startlist")) return message_type::startlist;
    if (is(s, "hello")) return message_type::hello;
    if (is(s, "card")) return message_type::card;
    if (is(s, "penalty_zone")) return message_type::penalty_zone;
    if (is(s, "reaction")) return message_type::reaction;
    return std::nullopt;
}

// The names a field may take, in the order a refusal lists them.
template <class E>
using name_of = std::pair<std::string_view, E>;

inline constexpr auto record_kind_names = std::to_array<name_of<feed::record_kind>>({
    {"WR", feed::record_kind::wr},
    {"OR", feed::record_kind::or_},
    {"CR", feed::record_kind::cr},
    {"AR", feed::record_kind::ar},
    {"NR", feed::record_kind::nr},
    {"WL", feed::record_kind::wl},
    {"MR", feed::record_kind::mr},
});

inline constexpr auto venue_names = std::to_array<name_of<feed::venue>>({
    {"track", feed::venue::track},
    {"road", feed::venue::road},
});

inline constexpr auto status_names = std::to_array<name_of<feed::status_code>>({
    {"started", feed::status_code::started},
    {"recalled", feed::status_code::recalled},
    {"unofficial", feed::status_code::unofficial},
    {"official", feed::status_code::official},
    {"cancelled", feed::status_code::cancelled},
});

inline constexpr auto offence_names = std::to_array<name_of<feed::walk_offence>>({
    {"~", feed::walk_offence::loss_of_contact},
    {">", feed::walk_offence::bent_knee},
});

inline constexpr auto card_kind_names = std::to_array<name_of<feed::card_kind>>({
    {"red", feed::card_kind::red},
    {"yellow", feed::card_kind::yellow},
});

inline constexpr auto penalty_action_names = std::to_array<name_of<feed::penalty_action>>({
    {"enter", feed::penalty_action::enter},
    {"leave", feed::penalty_action::leave},
});

inline constexpr auto irm_names = std::to_array<name_of<feed::irm_code>>({
    {"DNS", feed::irm_code::dns},
    {"DNF", feed::irm_code::dnf},
    {"DQ", feed::irm_code::dq},
    {"OK", feed::irm_code::ok},
});

}  // namespace splitstream::ingest::frame_parsing
