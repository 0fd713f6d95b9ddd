#pragma once
// The feed an adapter produces, and what it has sent so far. Foreign sources
// describe the present (a LIF file, an ODF DT_RESULT: the whole heat as it is
// now); feed v1 describes changes. An adapter compares what a source says
// with what it has already sent (heat_results.hpp) and sends only the
// difference, numbered with its own seq.
//
// What was sent can be rebuilt from the messages themselves (observe), so a
// restarted daemon that replays its journal into a fresh feed_output sends
// neither less nor more than before it stopped.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "feed/message.hpp"

namespace splitstream::adapters {

enum class sent_phase { scheduled, started, unofficial, official };

struct sent_athlete {
    std::optional<std::int64_t> finish_ms;
    std::optional<int> place;
    feed::irm_code status = feed::irm_code::ok;
    std::string rule;
    std::map<std::int64_t, std::int64_t> splits;  // distance_m -> elapsed_ms
};

struct sent_event {
    std::optional<feed::startlist_msg> startlist;
    std::string startlist_json;  // its body as sent, to see whether a new one differs
    sent_phase phase = sent_phase::scheduled;
    std::map<std::string, sent_athlete, std::less<>> athletes;

    bool has_bib(std::string_view bib) const { return athletes.find(bib) != athletes.end(); }
};

class feed_output {
public:
    // `feed` and `epoch` go into the hello that precedes the first message.
    feed_output(std::string feed, std::string epoch);

    // Numbers `msg` with the next seq, stamps it with `ts`, records it as
    // sent and appends it to `out` (after a hello when none was sent yet).
    void emit(feed::feed_message msg, std::string_view ts, std::vector<feed::feed_message>& out);

    // Records a message sent before (read back from a journal): later seqs
    // continue after it, and its effect counts as sent.
    void observe(const feed::feed_message& msg);

    const sent_event* find(std::string_view event) const;
    std::uint64_t last_seq() const { return last_seq_; }
    const std::string& epoch() const { return epoch_; }

private:
    std::string feed_;
    std::string epoch_;
    std::uint64_t last_seq_ = 0;
    bool hello_sent_ = false;
    std::map<std::string, sent_event, std::less<>> events_;
};

// The body of a start list as feed v1 JSON: two start lists are the same
// when these are equal.
std::string startlist_body_json(const feed::startlist_msg& m);

}  // namespace splitstream::adapters
