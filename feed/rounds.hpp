#pragma once
// The rounds of a championship (extension): which events are the heats of
// one round, whether a start list naming a round may join it, and the
// round's `qualifiers`, derived once every heat has results and derived
// again, as a correction, whenever a heat's change alters who goes through.
// Owned by the engine; pure.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "feed/emitter.hpp"
#include "feed/message.hpp"
#include "feed/race.hpp"
#include "feed/rejection.hpp"
#include "feed/round_qualification.hpp"
#include "feed/state_codec.hpp"

namespace splitstream::feed {

using race_map = std::map<std::string, std::unique_ptr<race>, std::less<>>;

class round_book {
public:
    // Whether the start list of `event` may be accepted as far as rounds
    // go: a round needs its heat, its number of heats and its rule; every
    // heat of a round agrees on both; the rule can be met by the round's
    // entrants. Checked before the race takes the start list, so a refusal
    // changes nothing.
    std::optional<rejection> check(std::string_view event, const startlist_msg& m,
                                   const race_map& races) const;
    // Records an accepted start list (a no-op for a race outside a round).
    void enter(const std::string& event, const startlist_msg& m);
    // After an accepted message about `event`: when its round has results
    // in every heat, derives the qualifiers and publishes them if they
    // changed, then re-issues the results of the heats whose Q/q changed.
    void update(std::string_view event, race_map& races, emitter& out);
    // The state of a round (GET /v1/events/{round_id}): its heats and their
    // states, what its qualifiers wait for, and the qualifiers once known.
    // nullopt when `round_id` names no round.
    std::optional<std::string> state_json(std::string_view round_id, const race_map& races) const;
    // Engine snapshots (rounds_state.cpp). Loading checks that every heat
    // it names is one of `races`; a failure leaves the reader failed.
    void save(state_writer& w) const;
    static round_book load(state_reader& r, const race_map& races);

private:
    struct round_state {
        std::string id;
        std::string title;       // "Men's 100m Semi-Final", for headlines
        std::string next_round;  // "final"; empty: "the next round"
        int heats = 0;
        qualify_rule rule;
        venue course = venue::track;
        std::map<int, std::string> heat_events;  // heat number -> event id
        std::optional<qualification> published;
        std::uint64_t published_seq = 0;

        // What the `qualifiers` event and the round's state both open with.
        void write_header(json_writer& w) const;
    };

    void emit(round_state& r, const qualification& q, emitter& out) const;
    // The heats whose results the qualifiers still wait for, with why.
    struct waiting_heat {
        int heat = 0;
        std::string event;  // empty: no start list yet
        race_phase phase = race_phase::scheduled;
    };
    std::vector<waiting_heat> waiting_for(const round_state& r, const race_map& races) const;

    std::map<std::string, round_state, std::less<>> rounds_;
    std::map<std::string, std::string, std::less<>> round_of_;  // event id -> round id
};

}  // namespace splitstream::feed
