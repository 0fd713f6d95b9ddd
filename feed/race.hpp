#pragma once
// The state of one event (one race: a round or a heat) and the rules of the
// sport that act on it (PROTOCOL.md §3). Owned by the engine; pure.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "feed/emitter.hpp"
#include "feed/message.hpp"
#include "feed/rejection.hpp"
#include "feed/round_qualification.hpp"
#include "feed/state_codec.hpp"
#include "feed/walk_rules.hpp"

namespace splitstream::feed {

enum class race_phase { scheduled, started, recalled, finished, unofficial, official, cancelled };
// The last enumerator: a stored engine state (feed/state_codec.hpp) holds
// 0..last; a new phase goes last and moves it.
inline constexpr race_phase race_phase_last = race_phase::cancelled;

const char* to_string(race_phase p);

class race {
public:
    race(std::string id, const startlist_msg& definition);

    // Applies a message naming this event. On a rejection nothing changed
    // and nothing was emitted.
    std::optional<rejection> apply(const feed_message& msg, emitter& out);

    // Emits the `startlist` event for the current definition.
    void emit_startlist(emitter& out) const;

    const std::string& id() const { return id_; }
    race_phase phase() const { return phase_; }
    const startlist_msg& definition() const { return def_; }

    // Rounds (round_qualification.hpp): this heat's field as its standings
    // place it, and the Q/q marks its results print once the round's
    // qualifiers are known. Setting marks returns whether any changed.
    std::vector<heat_result> heat_results() const;
    bool mark_qualifiers(const qualification& q);
    // Re-issues the results with the current marks, when they are out.
    void reissue_results(emitter& out);
    // The full state (snapshot `state`, GET /v1/events/{id}).
    void write_state(std::string& out) const;
    // One entry of GET /v1/events.
    void write_summary(json_writer& w) const;
    // Engine snapshots (race_state.cpp): the whole state, and the race it
    // describes, or nullptr with the reader failed.
    void save(state_writer& w) const;
    static std::unique_ptr<race> load(state_reader& r);

private:
    // A result as subscribers last saw it, for corrections.
    struct published_result {
        std::optional<std::int64_t> elapsed_ms;
        std::optional<int> place;
        irm_code status = irm_code::ok;
        std::vector<std::string> records;  // "NR", "=WR", "PB", ...
        bool operator==(const published_result&) const = default;
    };

    struct athlete {
        athlete_entry entry;   // area resolved from country when absent
        std::string headline;  // "Josh Kerr (GBR)"
        std::string ref_json;  // ,"bib":"..","name":"..","country":".." escaped once
        irm_code status = irm_code::ok;
        std::string irm_rule;
        std::string irm_reason;
        std::optional<std::int64_t> irm_at_m;
        // (distance, elapsed), by distance. Splits nearly always come in
        // distance order, so this is an append, not a tree node per split.
        std::vector<std::pair<std::int64_t, std::int64_t>> splits;
        std::optional<std::int64_t> finish_ms;
        std::optional<int> judge_place;
        // Derived by standings(): the current place and record claims.
        std::optional<int> place;
        std::vector<std::string> records;
        // What was last published for this athlete (nullopt: nothing yet).
        std::optional<published_result> published;
        // "Q" or "q" once the round's qualifiers name this athlete.
        const char* qualified = nullptr;
        // A walker's cards and Penalty Zone (race_walk.cpp).
        walk_record walk;
        // The start information system's reaction time for the start that
        // counts (extension); a recall clears it, but for an athlete
        // disqualified by it (`false_started`), who keeps it.
        std::optional<std::int64_t> reaction_ms;
        bool false_started = false;
    };

    // Splits at one distance, ordered by elapsed time then arrival.
    struct timing_point {
        std::int64_t distance_m = 0;
        std::vector<std::pair<std::int64_t, int>> order;  // (elapsed, athlete index)
        // The leader named by the last leader_change published here (-1:
        // none) and that event's seq, for a late faster split to correct.
        int published_leader = -1;
        std::uint64_t published_seq = 0;
    };

    // The rules (race.cpp): one handler per message type.
    std::optional<rejection> on_startlist(const startlist_msg& m, emitter& out);
    std::optional<rejection> on_status(const status_msg& m, const feed_message& msg, emitter& out);
    std::optional<rejection> on_split(const split_msg& m, emitter& out);
    std::optional<rejection> on_finish(const finish_msg& m, emitter& out);
    std::optional<rejection> on_irm(const irm_msg& m, emitter& out);
    // Sprint starts (race_start.cpp): a reaction time and the false start
    // it may show.
    std::optional<rejection> on_reaction(const reaction_msg& m, emitter& out);

    // Race walking (race_walk.cpp): judges' cards, the Penalty Zone and
    // the Chief Judge's disqualification after red cards (TR 54).
    std::optional<rejection> on_card(const card_msg& m, emitter& out);
    std::optional<rejection> on_penalty_zone(const penalty_zone_msg& m, emitter& out);
    // The checks a card or a Penalty Zone message makes about the walker.
    std::optional<rejection> check_walker(const std::string& bib, const char* what, int& index) const;
    void emit_card(int i, const card_msg& m, emitter& out);
    void emit_penalty_zone(int i, const char* state, emitter& out);
    void disqualify_by_cards(int i, emitter& out);
    void write_walk_state(json_writer& w, const walk_record& walk) const;
    void write_judges(json_writer& w) const;

    void define(const startlist_msg& definition);
    void reset_race();
    int find_athlete(std::string_view bib) const;
    // The checks every message about one athlete (split, finish, irm) makes
    // first: the bib is in the start list and the event is not cancelled.
    // Sets `index` when they pass.
    std::optional<rejection> check_athlete(const std::string& bib, int& index) const;
    // Scheduled or recalled: waiting for a gun.
    bool awaiting_start() const;
    bool all_done() const;
    athlete& athlete_at(int i) { return athletes_[static_cast<std::size_t>(i)]; }
    const athlete& athlete_at(int i) const { return athletes_[static_cast<std::size_t>(i)]; }

    // What one accepted split changed at its timing point.
    struct split_outcome {
        std::size_t point = 0;    // index in points_
        bool first_here = false;  // ahead of every split at this point so far
        int previous_first = -1;  // the first here before this split (-1: none)
        int position = 0;         // 1 + the athletes strictly faster here
        std::int64_t behind_ms = 0;
        std::int64_t lap_ms = 0;
    };
    // The steps of on_split, in order.
    std::optional<rejection> check_split(const split_msg& m, const athlete& a) const;
    split_outcome record_split(int i, const split_msg& m);
    void emit_split(int i, const split_msg& m, const split_outcome& s, emitter& out);
    void maybe_leader_change(int i, const split_msg& m, const split_outcome& s, emitter& out);

    // Standings (race_standings.cpp): recomputes places and record claims
    // from scratch, then publishes what changed: corrections for athletes
    // whose published result moved, `record` events for new claims.
    // `subject` was already published by the caller's own event (finish)
    // or gets its correction here first. Once results are out (unofficial,
    // official), any change of the subject re-issues them: a correction
    // does here; a first finish or an IRM of an athlete without a
    // published result is a change too (`subject_changed`).
    void standings();
    std::vector<int> rank_finishers();
    void publish_changes(int subject, emitter& out, bool subject_changed = false);
    void emit_correction(int i, const published_result& before, const published_result& after, emitter& out);
    void emit_results(bool official, emitter& out);
    void emit_race_state(race_phase p, emitter& out, std::string_view gun_ts = {});
    void maybe_finished(emitter& out);
    published_result current_result(int i) const;

    // Records (race_records.cpp): the claims of the ranked finishers, and
    // the event announcing one.
    void claim_records(const std::vector<int>& ranked);
    void claim_personal_bests(const std::vector<int>& ranked);
    void emit_record(int i, const std::string& kind, emitter& out);

    // Relays (race_relay.cpp): what a team's runners add to the events of
    // the team, which the race otherwise ranks like an athlete.
    bool is_team(int i) const { return !athlete_at(i).entry.runners.empty(); }
    // The time of `leg` of team `i` ending at `end_ms`, when the team's
    // time at the leg's start is known.
    std::optional<std::int64_t> leg_ms_of(int i, int leg, std::int64_t end_ms) const;
    // A team's split headline: "at the second changeover" and the runner.
    void relay_split_text(int i, const split_msg& m, const split_outcome& s, std::string& text) const;
    // The runner, leg and changeover members a team's split adds.
    void append_relay_split(std::string& json, int i, const split_msg& m) const;
    // "; Rai Benjamin ran leg 4 in 43.18", after a team's finish headline.
    void append_anchor_text(std::string& text, int i, std::int64_t finish_ms) const;
    void write_anchor(json_writer& w, int i, std::int64_t finish_ms) const;
    // " (Bryce Deadmon, leg 3)" after a team's leader change headline.
    std::string runner_words(int i, std::int64_t distance_m) const;
    // "runner":{"leg":..,"name":..,"bib"?} of team `e` on `leg`.
    static void write_runner(json_writer& w, const char* key, const athlete_entry& e, int leg);
    // "runners":[...] of a team; nothing for an athlete.
    static void write_runners(json_writer& w, const athlete_entry& e);

    // JSON output (race_json.cpp).
    // {"bib":..,"name":..,"country":..}, an athlete as other objects name it.
    void write_athlete_ref(json_writer& w, int i) const;
    // The same three members, inside an object the caller has opened.
    static void write_athlete_fields(json_writer& w, const athlete_entry& e);
    void write_result(json_writer& w, const published_result& r) const;
    // `reaction_ms` and the printed `reaction`, when the athlete has one.
    static void write_reaction(json_writer& w, const athlete& a);
    void write_ranking(json_writer& w) const;
    // The athletes in the state: finished by place, then running by
    // distance and time, then not yet timed, then out of the race.
    std::vector<int> running_order() const;
    int current_leader() const;
    // One athlete of the state; `order` counts those timed so far.
    void write_athlete_state(json_writer& w, int i, int& order) const;

    std::string id_;
    startlist_msg def_;
    std::string title_;  // "Men's 1500m Final"
    race_phase phase_ = race_phase::scheduled;
    std::string gun_ts_;
    // Guns fired, recalls included, and the one whose start had the
    // race's first false start (TR 39.8.3 counts false starts per race).
    int starts_ = 0;
    std::optional<int> first_false_start_;
    std::vector<athlete> athletes_;
    struct bib_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    std::unordered_map<std::string, int, bib_hash, std::equal_to<>> by_bib_;
    // Index in points_ of the point at `distance_m`, made when missing.
    std::size_t point_index(std::int64_t distance_m);
    const timing_point& point_at(std::int64_t distance_m) const;

    // By distance. A race's points are met nearly in order, so new ones
    // are appended; a sorted vector keeps lookups cache-friendly.
    std::vector<timing_point> points_;
    // Scratch for the headline of a split, the hot path: reused, not
    // allocated per event.
    std::string headline_;
};

}  // namespace splitstream::feed
