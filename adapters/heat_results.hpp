#pragma once
// What a foreign source says about one heat right now (a LIF file, an ODF
// DT_RESULT, a scoreboard results block), and the feed v1 messages that
// bring what was sent up to date with it: a new time is a finish, a changed
// time a correction, a new IRM an irm, a removed IRM an irm OK.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "adapters/feed_output.hpp"
#include "feed/message.hpp"

namespace splitstream::adapters {

struct athlete_outcome {
    std::string bib;
    std::optional<std::int64_t> elapsed_ms;  // the finish time, when placed
    std::optional<int> place;                // the judges' place
    std::optional<feed::irm_code> irm;       // DNS, DNF, DQ; nullopt: none
    std::string rule;                        // the rule of a DQ
};

struct split_time {
    std::string bib;
    std::int64_t distance_m = 0;
    std::int64_t elapsed_ms = 0;
};

enum class results_status { none, unofficial, official };

struct heat_results {
    std::string event;
    bool started = false;  // the source says the race has started (results imply it)
    std::string gun_ts;    // ISO 8601, when the source gives the start time
    std::vector<split_time> splits;
    std::vector<athlete_outcome> outcomes;  // athletes the source does not list are left as sent
    results_status status = results_status::none;
};

// The messages, without seq and ts, that take `sent` (nullptr: nothing sent
// for the event yet) to `now`, in an order the race engine accepts: the
// start, splits, IRMs withdrawn, finishes by place, IRMs, then the status.
std::vector<feed::feed_message> diff_results(const sent_event* sent, const heat_results& now);

}  // namespace splitstream::adapters
