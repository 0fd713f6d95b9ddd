#pragma once
// Puts the frames of every line (upstream A/B, push connections) into one
// feed order. Pure: no I/O, no clock, no logging; the caller tells it the
// time. Not thread-safe: one sequencer per feed, used on one executor.
//
// Rules (docs/ingest.md has the long form):
// - A data message (anything but hello and heartbeat) with seq == last
//   applied + 1 is applied, then every held message that follows without a
//   hole is released in seq order.
// - seq <= last applied, or a seq already held: a duplicate, dropped and
//   counted for the line that delivered it.
// - seq > last applied + 1: held (a gap). The first hold of a gap episode
//   announces the missing range once and starts its deadline; a gap not
//   filled by its deadline asks the caller to reconnect every upstream with
//   `since=<last applied>`; after `gap_retries` such reconnects the gap is
//   skipped (announced) and the held messages are released.
// - hello with a new epoch (or the first hello ever): the epoch changes,
//   holds are discarded and tracking restarts at the hello's seq; the hello
//   is applied. A hello of the current epoch is absorbed: never applied
//   twice, never a duplicate, never a gap.
// - heartbeat: applied as it comes, never a duplicate. Its seq is the
//   upstream's last sent; when that is ahead of last applied the tail of the
//   feed is missing, which opens a gap like a held message would.
// - A frame the parser refused but whose seq it could read takes that seq's
//   place in the order (so a bad frame never leaves a gap that a reconnect
//   cannot fill), but only a place that valid frames already made: the next
//   seq, or a hole below a held message or a heartbeat's seq. It never
//   opens a gap, starts tracking or moves the feed forward by itself; any
//   other refused frame (and one without a seq) is passed through at once.
// - A data message or heartbeat more than `max_jump` seqs ahead of the last
//   applied is refused (`too_far`) and changes nothing: one bad frame must
//   not open a gap that, once skipped, turns the real feed into duplicates.
// - A line's data is dropped while that line's last hello named another
//   epoch than the current one (a lagging redundant line after a restart).

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ingest/feed_sink.hpp"
#include "ingest/frame_parser.hpp"

namespace splitstream::ingest {

struct sequencer_options {
    std::size_t hold_max = 10'000;               // held messages, at most
    std::chrono::milliseconds gap_timeout{500};  // time a gap may stay open
    int gap_retries = 3;                         // reconnects per gap before it is skipped
    std::uint64_t max_jump = 10'000;             // seqs ahead of the last applied; further: too_far
};

// One frame as a line delivered it, parsed (or refused).
struct sequenced_frame {
    received_frame frame;
    parse_outcome outcome;
};

// A range of missing seqs, both ends included.
struct seq_range {
    std::uint64_t first = 0;
    std::uint64_t last = 0;
    friend bool operator==(const seq_range&, const seq_range&) = default;
};

struct epoch_change {
    std::string previous;  // empty when this is the first epoch seen
    std::string current;
    std::string feed;
};

enum class verdict {
    applied,        // this frame (and maybe held ones after it) is in `apply`
    duplicate,      // dropped: already applied or already held
    held,           // kept until the seqs before it arrive
    absorbed,       // a hello of the current epoch; nothing to do
    foreign_epoch,  // dropped: the line's hello named another epoch
    overflow,       // dropped: hold buffer full; `reconnect` is set
    too_far,        // dropped: seq more than max_jump ahead of the last applied
    none,           // a tick with nothing to report
};

// What the caller must do, in this order: announce `epoch`, hand every
// frame of `apply` to the sink in order, announce `gap` and `skipped`, and
// reconnect every upstream when `reconnect` is set.
struct sequencer_step {
    verdict what = verdict::none;
    std::optional<epoch_change> epoch;
    std::vector<sequenced_frame> apply;
    std::optional<seq_range> gap;      // a gap opened: announce once
    std::optional<seq_range> skipped;  // a gap given up: these seqs are lost
    bool reconnect = false;
};

class sequencer {
public:
    using clock = std::chrono::steady_clock;

    explicit sequencer(sequencer_options options = {});

    // Starts from a recovered position: the next hello of `epoch` is
    // absorbed and tracking continues after `last_seq`.
    void set_resume(std::string epoch, std::uint64_t last_seq);

    // Offers one frame; `now` is the caller's steady time.
    sequencer_step offer(sequenced_frame in, clock::time_point now);

    // Checks the gap deadline. Call at or after `gap_deadline()`.
    sequencer_step tick(clock::time_point now);

    // Forgets the epoch a line announced (its connection ended).
    void line_down(int line);

    std::optional<clock::time_point> gap_deadline() const { return gap_deadline_; }
    std::optional<std::uint64_t> resume_position() const;
    std::uint64_t last_applied() const { return last_applied_; }
    const std::string& epoch() const { return epoch_; }
    const std::string& feed() const { return feed_; }
    std::size_t held() const { return hold_.size(); }

    // Per line: duplicates dropped, seqs this line delivered first.
    std::uint64_t duplicates(int line) const;
    std::uint64_t first_deliveries(int line) const;

private:
    sequencer_step offer_hello(sequenced_frame in, clock::time_point now);
    sequencer_step offer_heartbeat(sequenced_frame in, clock::time_point now);
    sequencer_step offer_data(sequenced_frame in, std::uint64_t seq, clock::time_point now);
    sequencer_step offer_refused(sequenced_frame in, clock::time_point now);
    bool too_far(std::uint64_t seq) const {
        return seq > last_applied_ && seq - last_applied_ > options_.max_jump;
    }
    void release(sequencer_step& step);
    void open_gap_if_needed(sequencer_step& step, std::uint64_t upto, clock::time_point now);

    struct line_stats {
        std::uint64_t duplicates = 0;
        std::uint64_t first = 0;
        std::string epoch;  // from the line's last hello; empty: none yet
    };

    sequencer_options options_;
    std::string feed_;
    std::string epoch_;
    bool tracking_ = false;  // false until a hello or set_resume gives a position
    std::uint64_t last_applied_ = 0;
    std::uint64_t heartbeat_ahead_ = 0;  // highest seq a heartbeat said was sent
    std::map<std::uint64_t, sequenced_frame> hold_;
    std::optional<clock::time_point> gap_deadline_;
    int gap_attempts_ = 0;
    std::uint64_t announced_upto_ = 0;  // last seq of the gap announced last
    std::map<int, line_stats> lines_;
};

}  // namespace splitstream::ingest
