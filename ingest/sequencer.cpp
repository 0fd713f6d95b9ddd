#include "ingest/sequencer.hpp"

#include <algorithm>
#include <utility>

namespace splitstream::ingest {

namespace {

sequencer_step step_of(verdict what) {
    sequencer_step step;
    step.what = what;
    return step;
}

}  // namespace

sequencer::sequencer(sequencer_options options) : options_(options) {}

void sequencer::set_resume(std::string epoch, std::uint64_t last_seq) {
    epoch_ = std::move(epoch);
    last_applied_ = last_seq;
    heartbeat_ahead_ = 0;
    tracking_ = true;
    hold_.clear();
    gap_deadline_.reset();
    gap_attempts_ = 0;
    announced_upto_ = 0;
}

std::optional<std::uint64_t> sequencer::resume_position() const {
    if (!tracking_) return std::nullopt;
    return last_applied_;
}

std::uint64_t sequencer::duplicates(int line) const {
    auto it = lines_.find(line);
    return it == lines_.end() ? 0 : it->second.duplicates;
}

std::uint64_t sequencer::first_deliveries(int line) const {
    auto it = lines_.find(line);
    return it == lines_.end() ? 0 : it->second.first;
}

void sequencer::line_down(int line) {
    auto it = lines_.find(line);
    if (it != lines_.end()) it->second.epoch.clear();
}

sequencer_step sequencer::offer(sequenced_frame in, clock::time_point now) {
    const auto& outcome = in.outcome;
    if (!outcome.ok()) return offer_refused(std::move(in), now);
    switch (outcome.message().type()) {
        case feed::message_type::hello:
            return offer_hello(std::move(in), now);
        case feed::message_type::heartbeat:
            return offer_heartbeat(std::move(in), now);
        case feed::message_type::startlist:
        case feed::message_type::status:
        case feed::message_type::split:
        case feed::message_type::finish:
        case feed::message_type::irm:
        case feed::message_type::card:
        case feed::message_type::penalty_zone:
        case feed::message_type::reaction:
            break;
    }
    const auto seq = outcome.message().seq;
    return offer_data(std::move(in), seq, now);
}

sequencer_step sequencer::offer_refused(sequenced_frame in, clock::time_point now) {
    const auto seq = in.outcome.seq;
    if (seq && tracking_) {
        auto& line = lines_[in.frame.line];
        if (!line.epoch.empty() && line.epoch != epoch_) return step_of(verdict::foreign_epoch);
        // Its place exists when valid frames made it: the next seq, or a hole
        // below the highest held seq or the seq a heartbeat said was sent.
        // Anywhere else the seq is only what a broken or hostile frame says.
        const auto frontier =
            std::max(hold_.empty() ? last_applied_ + 1 : hold_.rbegin()->first, heartbeat_ahead_);
        if (*seq <= frontier) return offer_data(std::move(in), *seq, now);
    }
    // Not placed: the sink still hears about it at once.
    auto step = step_of(verdict::applied);
    step.apply.push_back(std::move(in));
    return step;
}

sequencer_step sequencer::offer_hello(sequenced_frame in, clock::time_point) {
    const auto& msg = in.outcome.message();
    const auto& hello = std::get<feed::hello_msg>(msg.body);
    auto& line = lines_[in.frame.line];
    line.epoch = hello.epoch;
    if (tracking_ && hello.epoch == epoch_) return step_of(verdict::absorbed);

    auto step = step_of(verdict::applied);
    step.epoch = epoch_change{.previous = epoch_, .current = hello.epoch, .feed = hello.feed};
    epoch_ = hello.epoch;
    feed_ = hello.feed;
    tracking_ = true;
    last_applied_ = msg.seq;
    heartbeat_ahead_ = 0;
    // Held messages belong to the old epoch's numbering: they can never be
    // placed in the new one.
    hold_.clear();
    gap_deadline_.reset();
    gap_attempts_ = 0;
    announced_upto_ = 0;
    step.apply.push_back(std::move(in));
    return step;
}

sequencer_step sequencer::offer_heartbeat(sequenced_frame in, clock::time_point now) {
    auto& line = lines_[in.frame.line];
    if (!line.epoch.empty() && line.epoch != epoch_) return step_of(verdict::foreign_epoch);
    const auto seq = in.outcome.message().seq;
    if (tracking_ && too_far(seq)) return step_of(verdict::too_far);
    auto step = step_of(verdict::applied);
    step.apply.push_back(std::move(in));
    if (tracking_ && seq > last_applied_ && seq > heartbeat_ahead_) {
        heartbeat_ahead_ = seq;
        open_gap_if_needed(step, seq, now);
    }
    return step;
}

sequencer_step sequencer::offer_data(sequenced_frame in, std::uint64_t seq, clock::time_point now) {
    auto& line = lines_[in.frame.line];
    if (!line.epoch.empty() && line.epoch != epoch_) return step_of(verdict::foreign_epoch);
    if (!tracking_) {
        // No hello and no recovered position: the first message seen starts
        // the order.
        tracking_ = true;
        last_applied_ = seq == 0 ? 0 : seq - 1;
    }
    if (seq <= last_applied_ || hold_.contains(seq)) {
        ++line.duplicates;
        return step_of(verdict::duplicate);
    }
    if (too_far(seq)) return step_of(verdict::too_far);
    sequencer_step step;
    if (seq == last_applied_ + 1) {
        ++line.first;
        step.what = verdict::applied;
        last_applied_ = seq;
        step.apply.push_back(std::move(in));
        release(step);
        if (!hold_.empty() || heartbeat_ahead_ > last_applied_) {
            // Another hole remains. Inside the range already announced it is
            // the same gap, with the same deadline; beyond it, a new one.
            const auto upto = hold_.empty() ? heartbeat_ahead_ : hold_.begin()->first - 1;
            if (upto > announced_upto_) {
                gap_deadline_.reset();
                open_gap_if_needed(step, upto, now);
            }
        } else {
            gap_deadline_.reset();
            gap_attempts_ = 0;
        }
        return step;
    }
    if (hold_.size() >= options_.hold_max) {
        // Holding more would make memory unbounded; a resume from the last
        // applied seq brings these messages again.
        step.what = verdict::overflow;
        step.reconnect = true;
        return step;
    }
    ++line.first;
    step.what = verdict::held;
    const bool first_hold = hold_.empty();
    hold_.emplace(seq, std::move(in));
    if (first_hold) open_gap_if_needed(step, hold_.begin()->first - 1, now);
    return step;
}

void sequencer::release(sequencer_step& step) {
    while (!hold_.empty() && hold_.begin()->first == last_applied_ + 1) {
        auto node = hold_.extract(hold_.begin());
        last_applied_ = node.key();
        step.apply.push_back(std::move(node.mapped()));
    }
}

void sequencer::open_gap_if_needed(sequencer_step& step, std::uint64_t upto, clock::time_point now) {
    if (gap_deadline_ || upto <= last_applied_) return;
    step.gap = seq_range{.first = last_applied_ + 1, .last = upto};
    announced_upto_ = upto;
    gap_deadline_ = now + options_.gap_timeout;
    gap_attempts_ = 0;
}

sequencer_step sequencer::tick(clock::time_point now) {
    sequencer_step step;
    if (!gap_deadline_ || now < *gap_deadline_) return step;
    if (gap_attempts_ < options_.gap_retries) {
        ++gap_attempts_;
        gap_deadline_ = now + options_.gap_timeout;
        step.reconnect = true;
        return step;
    }
    // The upstreams could not fill the gap: give the seqs up so the
    // messages after them are not held forever.
    const auto upto = hold_.empty() ? heartbeat_ahead_ : hold_.begin()->first - 1;
    step.skipped = seq_range{.first = last_applied_ + 1, .last = upto};
    last_applied_ = upto;
    gap_deadline_.reset();
    gap_attempts_ = 0;
    step.what = verdict::applied;
    release(step);
    if (!hold_.empty() || heartbeat_ahead_ > last_applied_) {
        const auto next = hold_.empty() ? heartbeat_ahead_ : hold_.begin()->first - 1;
        open_gap_if_needed(step, next, now);
    }
    return step;
}

}  // namespace splitstream::ingest
