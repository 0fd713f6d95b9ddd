#pragma once
// Which frames of the JetStream stream the engine applies: a rule on the
// stream's contents alone, so every node that reads the stream applies the
// same frames in the same order and derives the same events with the same
// seqs (docs/protocol.md, Scale-out).
//
// Each stored frame carries its message id `<feed epoch>:<seq>`. A frame of
// the current feed epoch whose seq is not above the last one applied is a
// copy stored after JetStream's duplicate window (an ingest node restarted
// long after it sent it): skipped. A frame of another epoch starts that
// epoch. A frame without a readable id is skipped too.

#include <cstdint>
#include <string>
#include <string_view>

namespace splitstream::scaleout {

enum class stream_verdict { apply, copy, bad_id };

class stream_order {
public:
    stream_verdict offer(std::string_view message_id);

    const std::string& feed_epoch() const { return epoch_; }
    std::uint64_t last_seq() const { return last_; }
    bool started() const { return started_; }
    // Takes the state another node saved (scaleout/node_state.hpp).
    void restore(std::string epoch, std::uint64_t last, bool started) {
        epoch_ = std::move(epoch);
        last_ = last;
        started_ = started;
    }

private:
    std::string epoch_;
    std::uint64_t last_ = 0;
    bool started_ = false;
};

// Splits `<feed epoch>:<seq>`; false when it is not of that form.
bool parse_message_id(std::string_view id, std::string_view& epoch, std::uint64_t& seq);
std::string message_id(std::string_view feed_epoch, std::uint64_t seq);

}  // namespace splitstream::scaleout
