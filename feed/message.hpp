#pragma once
// Typed timing-feed messages (PROTOCOL.md §1). Everything is owned data:
// the parser copies out of its input buffer before a message reaches feed/.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace splitstream::feed {

enum class venue { track, road };
enum class status_code { started, recalled, unofficial, official, cancelled };
enum class irm_code { dns, dnf, dq, ok };
// Records in force before a race. PB and SB come from the athletes.
enum class record_kind { wr, or_, cr, ar, nr, wl, mr };
// The last enumerator of each: a stored engine state (feed/state_codec.hpp)
// holds 0..last; a new enumerator goes last and moves its `_last`.
inline constexpr venue venue_last = venue::road;
inline constexpr irm_code irm_code_last = irm_code::ok;
inline constexpr record_kind record_kind_last = record_kind::mr;

// One runner of a relay team (extension): who runs which leg, 1..4.
struct relay_runner {
    int leg = 0;
    std::string name;
    std::string bib;  // empty when the feed gives none
};

struct athlete_entry {
    std::string bib;
    std::string name;
    std::string country;
    std::optional<int> lane;
    std::string area;  // empty: derived from country
    std::optional<std::int64_t> pb_ms;
    std::optional<std::int64_t> sb_ms;
    // A relay team (extension): its runners in the declared order. Empty:
    // an athlete, as in feed v1.
    std::vector<relay_runner> runners;
};

struct record_entry {
    record_kind kind;
    std::int64_t mark_ms = 0;
    std::string holder;
    std::string country;
    std::string area;
    std::optional<int> year;
};

// A race walking judge named in the start list (extension, TR 54.3).
struct judge_entry {
    std::string id;
    std::string name;
    std::string country;
};

struct hello_msg {
    std::string feed;
    std::string epoch;
};

struct heartbeat_msg {};

// How a round sends athletes on (extension): the first `by_place` of each
// heat (Q), then the next `by_time` fastest of the rest (q).
struct qualify_rule {
    std::int64_t by_place = 0;
    std::int64_t by_time = 0;
    bool operator==(const qualify_rule&) const = default;
};

struct startlist_msg {
    std::string name;
    std::int64_t distance_m = 0;
    venue course = venue::track;
    std::string round;
    std::optional<int> heat;
    // A heat of a round (extension): the round all its heats share, how many
    // heats it has and its qualification rule. Empty `round_id`: a race on
    // its own, as in feed v1.
    std::string round_id;
    std::optional<int> heats;
    std::optional<qualify_rule> qualify;
    // The round its qualifiers go to ("final", "semi-finals"), for the
    // headlines (extension); empty: "the next round".
    std::string next_round;
    std::string scheduled;
    std::vector<std::int64_t> timing_points_m;
    std::vector<athlete_entry> athletes;
    std::vector<record_entry> records;
    // A race walk (extension): its judges, and whether the Penalty Zone
    // rule applies (TR 54.7.3). No judges: not judged as a walk.
    std::vector<judge_entry> judges;
    bool penalty_zone = false;
    // A race of a combined event (extension): its first false start is a
    // warning, not a disqualification (sprint_start.hpp).
    bool combined_event = false;
};

struct status_msg {
    status_code status;
    std::string gun_ts;
};

struct split_msg {
    std::string bib;
    std::int64_t distance_m = 0;
    std::int64_t elapsed_ms = 0;
};

struct finish_msg {
    std::string bib;
    std::int64_t elapsed_ms = 0;
    std::optional<int> place;  // the judges' place
};

struct irm_msg {
    std::string bib;
    irm_code code;
    std::string rule;
    std::string reason;
    std::optional<std::int64_t> at_m;
};

// Race walking (extension): a judge's red card (TR 54.7) or caution, a
// yellow paddle (TR 54.5), for loss of contact (`~`) or a bent knee (`>`),
// the two offences of the definition (TR 54.2).
enum class walk_offence { loss_of_contact, bent_knee };
enum class card_kind { red, yellow };
inline constexpr walk_offence walk_offence_last = walk_offence::bent_knee;  // as venue_last
inline constexpr card_kind card_kind_last = card_kind::yellow;

struct card_msg {
    std::string bib;
    std::string judge;
    walk_offence offence = walk_offence::loss_of_contact;
    card_kind kind = card_kind::red;
};

// A walker entering or leaving the Penalty Zone (TR 54.7.3), with the race
// time the Penalty Zone official took.
enum class penalty_action { enter, leave };

struct penalty_zone_msg {
    std::string bib;
    penalty_action action = penalty_action::enter;
    std::int64_t elapsed_ms = 0;
};

// The start information system's reaction time of one athlete for the
// last gun (extension).
struct reaction_msg {
    std::string bib;
    std::int64_t reaction_ms = 0;
};

// The order of the alternatives is the order of message_type.
using message_body = std::variant<hello_msg, heartbeat_msg, startlist_msg, status_msg, split_msg, finish_msg,
                                  irm_msg, card_msg, penalty_zone_msg, reaction_msg>;

// New types are appended so the numbers of the others do not move.
enum class message_type {
    hello,
    heartbeat,
    startlist,
    status,
    split,
    finish,
    irm,
    card,
    penalty_zone,
    reaction
};

struct feed_message {
    int version = 1;
    std::uint64_t seq = 0;
    std::string ts;     // ISO 8601 UTC, as sent
    std::string event;  // empty for hello and heartbeat
    std::string trace;  // empty when absent
    message_body body;

    message_type type() const { return static_cast<message_type>(body.index()); }
};

const char* to_string(message_type t);
const char* to_string(status_code s);
const char* to_string(irm_code c);
const char* to_string(record_kind k);
const char* to_string(venue v);
const char* to_string(walk_offence o);  // "~" or ">"
const char* to_string(card_kind k);
const char* to_string(penalty_action a);

}  // namespace splitstream::feed
