#include "replay/recovery.hpp"

#include <deque>
#include <utility>

#include "replay/read_ahead.hpp"
#include "replay/recovery_position.hpp"

namespace splitstream::replay {

namespace {

// Sink for rebuilt events: either retains the newest `limit` of them or
// streams them to a callback.
class event_sink {
public:
    event_sink(const derived_callback* callback, bool retain, std::size_t limit)
        : callback_(callback), retain_(retain), limit_(limit) {}

    void add(feed::derived_event&& e) {
        head_ = e.seq;
        if (callback_ != nullptr && *callback_) (*callback_)(e);
        if (!retain_) return;  // e keeps its buffers for the engine to reuse
        if (limit_ > 0 && kept_.size() == limit_) {
            // The oldest event leaves the history; its buffers go back to
            // the engine in e's place instead of being freed.
            feed::derived_event oldest = std::move(kept_.front());
            kept_.pop_front();
            kept_.push_back(std::move(e));
            e = std::move(oldest);
            return;
        }
        kept_.push_back(std::move(e));
    }
    std::uint64_t head() const { return head_; }
    std::vector<feed::derived_event> take() {
        return {std::make_move_iterator(kept_.begin()), std::make_move_iterator(kept_.end())};
    }

private:
    const derived_callback* callback_;
    bool retain_;
    std::size_t limit_;
    std::deque<feed::derived_event> kept_;
    std::uint64_t head_ = 0;
};

recovery_result run(const std::filesystem::path& path, feed::engine& engine, ingest::frame_parser& parser,
                    event_sink& sink, const skipped_callback& on_skipped, std::error_code& ec) {
    const auto started = std::chrono::steady_clock::now();
    recovery_result result;
    auto reader = journal_reader::open(path, {}, ec);
    if (!reader) return result;
    result.epoch = reader->header().epoch;

    auto skip = [&](const journal_record& r, std::optional<feed::rejection> refused) {
        if (on_skipped) on_skipped(skipped_frame{.record = r, .refused = std::move(refused)});
    };

    feed_position position;
    // Reused for every record: an event not retained leaves its strings
    // with the engine for the next one, so offline play does not allocate
    // per message.
    feed::apply_result applied;
    {
        // Reading and parsing run a few batches ahead on a second thread,
        // joined at the end of this block, before the reader is asked why it
        // stopped.
        read_ahead ahead(*reader, parser);
        for (auto batch = ahead.next(); !batch.empty(); batch = ahead.next()) {
            for (auto& item : batch) {
                const journal_record& record = item.record;
                const ingest::parse_outcome& parsed = item.parsed;
                switch (record.kind) {
                    case record_kind::frame_rejected:
                        // Refused when it arrived: applying it now could only
                        // change what was published. A frame the engine refused
                        // still used up its seq, so the resume position moves
                        // past it.
                        ++result.counts.rejected;
                        if (item.parsed_here && parsed.ok()) position.consumed(parsed.message());
                        skip(record, std::nullopt);
                        continue;
                    case record_kind::frame_duplicate:
                        ++result.counts.duplicates;
                        skip(record, std::nullopt);
                        continue;
                    case record_kind::notice:
                        ++result.counts.notices;
                        sink.add(engine.notice(record.notice));
                        continue;
                    case record_kind::adapter_input:
                        // The frames made from this input follow it and are
                        // what replay applies: the input changes nothing.
                        ++result.counts.inputs;
                        continue;
                    case record_kind::frame_applied:
                    case record_kind::frame_received:
                        break;
                }
                const bool received = record.kind == record_kind::frame_received;
                auto& refused_count = received ? result.counts.refused_received : result.counts.diverged;
                if (!parsed.ok()) {
                    ++refused_count;
                    skip(record, parsed.rejected());
                    continue;
                }
                const auto& msg = parsed.message();
                if (received && !position.admit(msg)) {
                    ++result.counts.duplicates;
                    skip(record, std::nullopt);
                    continue;
                }
                engine.apply(msg, applied);
                position.consumed(msg);
                if (applied.rejected) {
                    ++refused_count;
                    skip(record, applied.rejected);
                    continue;
                }
                ++result.counts.applied;
                for (auto& e : applied.events) sink.add(std::move(e));
            }
        }
    }
    result.end = reader->end();
    result.last_feed_seq = position.last_seq();
    result.feed_epoch = position.epoch();
    result.head = sink.head();
    result.elapsed = std::chrono::steady_clock::now() - started;
    return result;
}

}  // namespace

recovery_result recover(const std::filesystem::path& path, feed::engine& engine, ingest::frame_parser& parser,
                        const recovery_options& options, std::error_code& ec) {
    event_sink sink(nullptr, true, options.history_limit);
    auto result = run(path, engine, parser, sink, {}, ec);
    result.events = sink.take();
    return result;
}

recovery_result replay_journal(const std::filesystem::path& path, feed::engine& engine,
                               ingest::frame_parser& parser, const replay_callbacks& callbacks,
                               std::error_code& ec) {
    event_sink sink(&callbacks.on_event, false, 0);
    return run(path, engine, parser, sink, callbacks.on_skipped, ec);
}

}  // namespace splitstream::replay
