#pragma once
// FinishLynx's live scoreboard output, as the script splitstream ships
// (tools/lynx/splitstream.lss) makes it: lines of "SS1", a field name and a
// value separated by the unit separator 0x1F. The gun becomes `started`; a
// results block (STATUS, EVENT, ROUND, HEAT, then PLACE ID TIME SPLIT LAPS END
// per athlete, then DONE) becomes finishes and IRMs, its OFFICIAL /
// UNOFFICIAL header the status, and a cumulative split with laps to go a
// split where the meet file gives the event's lap length. Only what changed
// since the last block is sent (heat_results.hpp).
//
// Pure: bytes in (any chunking), messages out; the TCP side is the daemon's.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/conversion.hpp"
#include "adapters/feed_output.hpp"
#include "adapters/meet_file.hpp"

namespace splitstream::adapters {

class lynx_scoreboard {
public:
    // Both must outlive this object; `output` may be shared with the file
    // adapter, whose lynx.evt gives the start lists.
    lynx_scoreboard(const meet_file& meet, feed_output& output);

    // `where` names the connection in problems; `ts` stamps the messages and
    // is the gun time of a GUN line.
    conversion on_bytes(std::string_view bytes, std::string_view where, std::string_view ts);

    const problem_counts& problems() const { return counts_; }

    static constexpr std::size_t max_line_bytes = 1024;

private:
    struct result_line {
        std::string place, id, time, split, laps;
        int line = 0;
    };
    void on_line(std::string_view line, const std::string& where, std::string_view ts, conversion& out,
                 std::vector<problem>& found);
    void finish_block(const std::string& where, std::string_view ts, conversion& out,
                      std::vector<problem>& found);
    std::string event_id() const;

    const meet_file& meet_;
    feed_output& output_;
    problem_counts counts_;
    std::string pending_;
    bool overlong_ = false;
    int line_no_ = 0;
    int event_ = 0, round_ = 1, heat_ = 1;
    std::string status_;
    std::vector<result_line> results_;
    std::optional<result_line> current_;
};

}  // namespace splitstream::adapters
