// An ingest node's journal on NATS (docs/scale-out.md): every frame ingest
// accepts is journalled before it is queued for the stream, so a node
// killed while NATS is away keeps what waited in its buffer. After a
// restart, once the node has read the stream, the journalled frames the
// stream does not hold yet are published again with their message ids.
// Nothing journalled is applied here: the engine's state is the stream's.

#include <filesystem>

#include "daemon/service.hpp"
#include "ingest/frame_parser.hpp"
#include "replay/journal_reader.hpp"
#include "scaleout/journal_tail.hpp"

namespace splitstream::daemon {

std::optional<std::string> service::open_nats_journal(const std::string& epoch_proposal) {
    if (options_.journal_path.empty()) return std::nullopt;
    if (!has_feed_sources()) {
        logs_.main->critical(
            "--journal on a relay: it accepts no frames, the JetStream stream is its record");
        return "--journal on a relay: it accepts no frames, the JetStream stream is its record";
    }
    const bool existed = !replay::journal_segments(options_.journal_path).empty();
    // A new journal carries this node's epoch proposal; an existing one keeps its own.
    if (auto err = open_journal(existed ? std::string() : epoch_proposal)) return err;
    journal_republished_ = &metrics_.make_counter(
        "nats_journal_republished_total",
        "Journalled frames published again after a restart because the stream did not hold them.");
    journal_holds_frames_ = existed;
    return std::nullopt;
}

void service::accept_for_stream(const ingest::received_frame& frame, const feed::feed_message& msg) {
    if (msg.type() == feed::message_type::heartbeat) return;
    bool journalled = false;
    if (journal_) {  // the hello too: the journal's frames take its feed epoch
        if (auto ec = journal_->append_received(frame))
            journal_failed(ec);
        else
            journalled = true;
    }
    if (msg.type() == feed::message_type::hello) return;
    // Until the stream is read, a restarted node's frames wait in the
    // journal behind the ones it had before, and go after them.
    if (journal_holds_frames_ && journalled) return;
    nats_->publish(ingest_->sequencing().epoch(), msg.seq, frame.bytes);
}

void service::on_stream_caught_up() {
    if (journal_holds_frames_) publish_journal_tail();
}

void service::publish_journal_tail() {
    journal_holds_frames_ = false;
    std::error_code ec;
    auto reader = replay::journal_reader::open(options_.journal_path, {}, ec);
    if (!reader) {
        logs_.replay->error("journal {}: cannot read it back for NATS: {}", options_.journal_path,
                            ec.message());
        return;
    }
    scaleout::journal_tail tail(stream_order_.feed_epoch(), stream_order_.last_seq());
    ingest::frame_parser parser;
    std::string feed_epoch;
    std::uint64_t sent = 0, without_epoch = 0, first = 0, last = 0;
    replay::journal_record record;
    while (reader->next(record)) {
        if (record.kind != replay::record_kind::frame_received &&
            record.kind != replay::record_kind::frame_applied)
            continue;
        auto parsed = parser.parse(record.frame.bytes);
        if (!parsed.ok()) continue;
        const auto& msg = parsed.message();
        if (msg.type() == feed::message_type::hello) {
            feed_epoch = std::get<feed::hello_msg>(msg.body).epoch;
            continue;
        }
        if (msg.type() == feed::message_type::heartbeat) continue;
        if (feed_epoch.empty()) {
            ++without_epoch;
            continue;
        }
        if (!tail.offer(feed_epoch, msg.seq)) continue;
        nats_->publish(feed_epoch, msg.seq, std::string(record.frame.bytes));
        if (sent++ == 0) first = msg.seq;
        last = msg.seq;
    }
    journal_republished_->inc(sent);
    if (sent)
        logs_.replay->info(
            "journal {}: {} frames the stream did not hold published again (feed seq {} to {})",
            options_.journal_path, sent, first, last);
    else
        logs_.replay->info("journal {}: the stream holds every journalled frame", options_.journal_path);
    if (without_epoch)
        logs_.replay->warn("journal {}: {} frames before any hello, without a feed epoch: not published",
                           options_.journal_path, without_epoch);
    if (reader->end().stop != replay::read_stop::end)
        logs_.replay->warn("journal {}: read back up to a {} record", options_.journal_path,
                           replay::to_string(reader->end().stop));
}

}  // namespace splitstream::daemon
