#include "replay/read_ahead.hpp"

namespace splitstream::replay {

bool needs_parse(const journal_record& r) {
    switch (r.kind) {
        case record_kind::frame_applied:
        case record_kind::frame_received:
            return true;
        case record_kind::frame_rejected:
            // The engine's own reasons start at unknown_event.
            return r.frame.reason &&
                   static_cast<int>(*r.frame.reason) >= static_cast<int>(feed::reject_reason::unknown_event);
        case record_kind::frame_duplicate:
        case record_kind::notice:
        case record_kind::adapter_input:
            return false;
    }
    return false;
}

read_ahead::read_ahead(journal_reader& reader, ingest::frame_parser& parser, read_ahead_options options)
    : reader_(reader),
      parser_(parser),
      options_(options),
      caller_parser_(parser.options()),
      ring_(ring_batches),
      filled_(ring_batches, 0),
      state_(ring_batches, slot_state::parsed) {
    for (auto& batch : ring_) batch.resize(batch_records);
    worker_ = std::thread([this] { produce(); });
}

read_ahead::~read_ahead() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    worker_.join();
}

bool read_ahead::read_batch(std::size_t slot) {
    auto& batch = ring_[slot];
    std::size_t n = 0;
    bool more = true;
    while (n < batch.size()) {
        auto& r = batch[n];
        if (!reader_.next(r.record)) {
            more = false;
            break;
        }
        r.parsed_here = needs_parse(r.record);
        ++n;
    }
    filled_[slot] = n;
    return more;
}

void read_ahead::parse_batch(std::vector<parsed_record>& batch, std::size_t n, ingest::frame_parser& parser) {
    for (std::size_t i = 0; i < n; ++i) {
        auto& r = batch[i];
        if (r.parsed_here) parser.parse(r.record.frame.bytes, r.parsed);
    }
}

std::size_t read_ahead::oldest_unclaimed() const {
    // Batches before taken_ were parsed before the caller took them.
    for (std::size_t b = taken_; b < produced_; ++b)
        if (state_[b % ring_batches] == slot_state::read) return b;
    return produced_;
}

bool read_ahead::parse_unclaimed(std::unique_lock<std::mutex>& lock, ingest::frame_parser& parser) {
    const std::size_t b = oldest_unclaimed();
    if (b == produced_) return false;
    const std::size_t slot = b % ring_batches;
    state_[slot] = slot_state::parsing;
    lock.unlock();
    parse_batch(ring_[slot], filled_[slot], parser);
    lock.lock();
    state_[slot] = slot_state::parsed;
    changed_.notify_all();
    return true;
}

// The worker alone reads (the reader is not shared), and keeps a batch or
// two read ahead of its parsing so that a waiting caller has one to take.
// When it does not parse, it reads until the ring is full.
void read_ahead::produce() {
    std::unique_lock lock(mutex_);
    for (;;) {
        if (stopping_) return;
        std::size_t unclaimed = 0;
        for (std::size_t b = taken_; b < produced_; ++b)
            if (state_[b % ring_batches] == slot_state::read) ++unclaimed;
        // A slot is free once the caller released the batch that was in it.
        const bool room = !done_ && produced_ < released_ + ring_batches;
        if (room && (unclaimed < unclaimed_goal || !options_.worker_parses)) {
            const std::size_t slot = produced_ % ring_batches;
            lock.unlock();
            const bool more = read_batch(slot);
            lock.lock();
            state_[slot] = slot_state::read;
            ++produced_;
            done_ = !more;
            changed_.notify_all();
            continue;
        }
        if (options_.worker_parses && parse_unclaimed(lock, parser_)) continue;
        if (done_) return;
        changed_.wait(lock);
    }
}

std::span<parsed_record> read_ahead::next() {
    std::unique_lock lock(mutex_);
    if (taken_ > released_) {
        released_ = taken_;
        changed_.notify_all();
    }
    for (;;) {
        if (produced_ > taken_ && state_[taken_ % ring_batches] == slot_state::parsed) break;
        if (done_ && produced_ == taken_) return {};
        // Rather than wait for the worker, parse a batch it has not claimed:
        // the one needed next or one after it.
        if (parse_unclaimed(lock, caller_parser_)) {
            ++caller_parsed_;
            continue;
        }
        changed_.wait(lock);
    }
    const std::size_t slot = taken_ % ring_batches;
    ++taken_;
    return {ring_[slot].data(), filled_[slot]};
}

}  // namespace splitstream::replay
