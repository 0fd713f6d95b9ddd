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
            return false;
    }
    return false;
}

read_ahead::read_ahead(journal_reader& reader, ingest::frame_parser& parser)
    : reader_(reader), parser_(parser), ring_(ring_batches), filled_(ring_batches, 0) {
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

void read_ahead::produce() {
    for (;;) {
        std::size_t slot = 0;
        {
            std::unique_lock lock(mutex_);
            // A slot is free once the caller released the batch that was in it.
            changed_.wait(lock, [&] { return stopping_ || produced_ < released_ + ring_batches; });
            if (stopping_) return;
            slot = produced_ % ring_batches;
        }
        auto& batch = ring_[slot];
        std::size_t n = 0;
        bool end = false;
        while (n < batch.size()) {
            auto& r = batch[n];
            if (!reader_.next(r.record)) {
                end = true;
                break;
            }
            r.parsed_here = needs_parse(r.record);
            if (r.parsed_here) parser_.parse(r.record.frame.bytes, r.parsed);
            ++n;
        }
        {
            std::lock_guard lock(mutex_);
            filled_[slot] = n;
            ++produced_;
            done_ = end;
        }
        changed_.notify_all();
        if (end) return;
    }
}

std::span<parsed_record> read_ahead::next() {
    std::unique_lock lock(mutex_);
    if (taken_ > released_) {
        released_ = taken_;
        changed_.notify_all();
    }
    changed_.wait(lock, [&] { return produced_ > taken_ || (done_ && produced_ == taken_); });
    if (produced_ == taken_) return {};
    const std::size_t slot = taken_ % ring_batches;
    ++taken_;
    return {ring_[slot].data(), filled_[slot]};
}

}  // namespace splitstream::replay
