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

struct athlete_entry {
    std::string bib;
    std::string name;
    std::string country;
    std::optional<int> lane;
    std::string area;  // empty: derived from country
    std::optional<std::int64_t> pb_ms;
    std::optional<std::int64_t> sb_ms;
};

struct record_entry {
    record_kind kind;
    std::int64_t mark_ms = 0;
    std::string holder;
    std::string country;
    std::string area;
    std::optional<int> year;
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
    std::string scheduled;
    std::vector<std::int64_t> timing_points_m;
    std::vector<athlete_entry> athletes;
    std::vector<record_entry> records;
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

// The start information system's reaction time of one athlete for the
// last gun (extension).
struct reaction_msg {
    std::string bib;
    std::int64_t reaction_ms = 0;
};

// The order of the alternatives is the order of message_type.
using message_body = std::variant<hello_msg, heartbeat_msg, startlist_msg, status_msg, split_msg, finish_msg,
                                  irm_msg, reaction_msg>;

// Extensions are appended so the numbers of the v1 types do not move.
enum class message_type { hello, heartbeat, startlist, status, split, finish, irm, reaction };

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

}  // namespace splitstream::feed
