#pragma once
// The state of one event (one race: a round or a heat) and the rules of the
// sport that act on it (PROTOCOL.md §3). Owned by the engine; pure.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "feed/emitter.hpp"
#include "feed/message.hpp"
#include "feed/rejection.hpp"

namespace splitstream::feed {

enum class race_phase { scheduled, started, recalled, finished, unofficial, official, cancelled };

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
    // The full state (snapshot `state`, GET /v1/events/{id}).
    void write_state(std::string& out) const;
    // One entry of GET /v1/events.
    void write_summary(json_writer& w) const;

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

    std::optional<rejection> on_startlist(const startlist_msg& m, emitter& out);
    std::optional<rejection> on_status(const status_msg& m, const feed_message& msg, emitter& out);
    std::optional<rejection> on_split(const split_msg& m, emitter& out);
    std::optional<rejection> on_finish(const finish_msg& m, emitter& out);
    std::optional<rejection> on_irm(const irm_msg& m, emitter& out);

    void define(const startlist_msg& definition);
    void reset_race();
    int find_athlete(std::string_view bib) const;
    bool is_running() const;
    bool all_done() const;

    // Recomputes places and record claims from scratch, then publishes
    // what changed: corrections for athletes whose published result moved,
    // `record` events for new claims. `subject` was already published by
    // the caller's own event (finish) or gets its correction here first.
    void standings();
    void publish_changes(int subject, emitter& out);
    void emit_correction(int i, const published_result& before, const published_result& after, emitter& out);
    void emit_record(int i, const std::string& kind, emitter& out);
    void emit_results(bool official, emitter& out);
    void emit_race_state(race_phase p, emitter& out, std::string_view gun_ts = {});
    void maybe_finished(emitter& out);
    published_result current_result(int i) const;

    void write_athlete_ref(json_writer& w, int i) const;
    void write_result(json_writer& w, const published_result& r) const;
    void write_ranking(json_writer& w) const;
    std::vector<int> running_order() const;

    std::string id_;
    startlist_msg def_;
    std::string title_;  // "Men's 1500m Final"
    race_phase phase_ = race_phase::scheduled;
    std::string gun_ts_;
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
