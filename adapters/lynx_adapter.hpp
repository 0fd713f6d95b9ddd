#pragma once
// FinishLynx exchange files in, feed v1 out. lynx.evt gives the start lists
// (one feed event per event-round-heat, named by the meet file); lynx.ppl,
// the people file, completes a competitor whose names or affiliation
// lynx.evt leaves empty (what lynx.evt writes wins); each *.lif
// gives the results of one heat, and every rewrite of it yields only what
// changed since the last: a new or changed time is a finish (the second one a
// correction), a place of DNS/DNF/DQ an irm, a DQ removed an irm OK. A LIF
// that places or rules on every athlete of the start list makes the results
// unofficial (a LIF has no official flag).
//
// Pure: bytes in, messages out; reading the folder is lynx_folder's job.
// Files may be Windows-1252 or UTF-8 (text_encoding.hpp).

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/conversion.hpp"
#include "adapters/feed_output.hpp"
#include "adapters/input_problem.hpp"
#include "adapters/lynx_files.hpp"
#include "adapters/meet_file.hpp"

namespace splitstream::adapters {

class lynx_adapter {
public:
    // Both must outlive the adapter; `output` may be shared with other
    // adapters of the same feed.
    lynx_adapter(const meet_file& meet, feed_output& output);

    // `file` names the input in problems; `ts` stamps the messages (when the
    // file was seen).
    conversion on_evt(std::string_view bytes, std::string_view file, std::string_view ts);
    conversion on_lif(std::string_view bytes, std::string_view file, std::string_view ts);
    // lynx.ppl, whole each time: replaces the people known; the start lists
    // of the last lynx.evt are sent again where that completes them (only
    // before their start, as for a rewritten lynx.evt).
    conversion on_ppl(std::string_view bytes, std::string_view file, std::string_view ts);

    const problem_counts& problems() const { return counts_; }

    // The feed event of a FinishLynx heat: the meet file's id for it, else
    // "lynx-E-R-H".
    std::string event_id(const lynx_heat& heat) const;

private:
    void note(conversion& out, std::vector<problem> found);
    void send_start_lists(conversion& out, std::string_view ts);
    lynx_competitor completed(const lynx_competitor& c) const;

    const meet_file& meet_;
    feed_output& output_;
    problem_counts counts_;
    std::map<std::string, lynx_person> people_;  // lynx.ppl by ID
    std::optional<std::vector<lynx_heat>> evt_;  // the last lynx.evt read
    std::string evt_name_;
};

}  // namespace splitstream::adapters
