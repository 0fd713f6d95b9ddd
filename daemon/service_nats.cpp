// The service on NATS JetStream (docs/scale-out.md): ingest publishes what
// it accepts, and the engine takes its frames from the stream, so every
// node derives the same events with the same seqs.

#include <filesystem>

#include "base/host_port.hpp"
#include "daemon/epoch.hpp"
#include "daemon/installed_pages.hpp"
#include "daemon/service.hpp"
#include "daemon/wall_clock.hpp"
#include "publish/frame.hpp"
#include "scaleout/nats_loader.hpp"

namespace splitstream::daemon {

bool service::has_feed_sources() const {
    return !options_.ingest.upstreams.empty() || options_.ingest.listen || options_.adapter_folders;
}

// No recovery: the stream is the record, and a node that starts reads it
// from its first frame. The epoch is the stream's. An ingest node's journal
// only keeps what it accepted until the stream holds it.
std::optional<std::string> service::start_nats() {
    auto nats = *options_.nats;
    nats.publish = has_feed_sources();
    nats.epoch_proposal = new_epoch();
    if (auto err = open_nats_journal(nats.epoch_proposal)) return err;
    scaleout::stream_sink& sink = *this;
    const auto module = options_.nats_module.empty() ? scaleout::nats_module_path(this_program())
                                                     : std::filesystem::path(options_.nats_module);
    auto loaded = scaleout::load_nats_link(module, {ioc_, std::move(nats), sink, metrics_, logs_.main});
    if (!loaded.link) {
        logs_.main->critical("cannot use NATS: {}", loaded.error);
        return "cannot use NATS: " + loaded.error;
    }
    nats_ = std::move(loaded.link);
    if (auto err = nats_->start()) {
        logs_.main->critical("cannot use NATS: {}", *err);
        return "cannot use NATS: " + *err;
    }
    if (has_feed_sources())
        ingest_ = std::make_unique<ingest::feed_ingest>(ioc_.get_executor(), options_.ingest, *this, metrics_,
                                                        logs_.ingest);
    if (options_.adapter_folders) {
        adapter_folders_ = std::make_unique<daemon::adapter_folders>(
            ioc_.get_executor(), *options_.adapter_folders, *ingest_, metrics_, logs_.ingest);
        if (auto err = adapter_folders_->prepare(options_.journal_path)) {
            logs_.main->critical("cannot watch the timing system's folder: {}", *err);
            return "cannot watch the timing system's folder: " + *err;
        }
        if (journal_)
            adapter_folders_->record_inputs([this](const replay::input_fields& input) {
                if (auto ec = journal_->append_input(input)) journal_failed(ec);
            });
    }
    recovered_ = true;
    try {
        server_->start();
    } catch (const std::exception& e) {
        logs_.main->critical("cannot serve: {}", e.what());
        return std::string("cannot serve: ") + e.what();
    }
    if (ingest_) {
        if (auto err = ingest_->start()) {
            logs_.main->critical("cannot start ingest: {}", *err);
            return "cannot start ingest: " + *err;
        }
    }
    if (adapter_folders_) adapter_folders_->start();
    logs_.main->info("serving the stream of NATS {} on {}, {}", options_.nats->servers.front(),
                     format_host_port(options_.publish.listen_address, server_->port()),
                     ingest_ ? "publishing what ingest accepts" : "as a relay");
    return std::nullopt;
}

void service::on_stream_epoch(const std::string& epoch) {
    if (epoch == epoch_) return;
    epoch_ = epoch;
    server_->follow_epoch();
    logs_.main->info("stream epoch {}", epoch_);
}

// The same rule on every node, on the stream's contents alone: what is
// applied, refused or skipped here is so everywhere.
void service::on_stream_frame(std::string_view message_id, std::string_view bytes) {
    if (stream_order_.offer(message_id) != scaleout::stream_verdict::apply) {
        stream_copies_->inc();
        return;
    }
    auto parsed = stream_parser_.parse(bytes);
    if (!parsed.ok()) return count_rejection(parsed.rejected(), parsed.seq, false);
    const auto& msg = parsed.message();
    race_frame_arrived(msg);
    auto result = engine_.apply(msg);
    if (result.rejected) return count_rejection(*result.rejected, msg.seq, true);
    last_feed_seq_ = msg.seq;
    frames_applied_->inc();
    publish_events(result.events, steady_now_ns());
    for (const auto& e : result.events) nats_->publish_event(e.event, feed::to_string(e.type), e.seq, e.json);
}

// Snapshots (docs/scale-out.md): the engine, the stream-order state and
// the retained events, which every node holds alike at the same position.
std::optional<scaleout::node_state> service::stream_state() {
    scaleout::node_state s;
    s.feed_epoch = stream_order_.feed_epoch();
    s.feed_last_seq = stream_order_.last_seq();
    s.feed_started = stream_order_.started();
    s.last_feed_seq = last_feed_seq_;
    s.engine = engine_.save();
    auto retained = server_->retained_events();
    s.history.reserve(retained.size());
    for (auto& e : retained) {
        const auto json = publish::payload_of(*e.frame);
        s.history.push_back({e.seq, e.type, std::move(e.event), std::move(e.frame), json});
    }
    return s;
}

void service::on_stream_state(scaleout::node_state&& state, feed::engine&& engine) {
    engine_ = std::move(engine);
    stream_order_.restore(std::move(state.feed_epoch), state.feed_last_seq, state.feed_started);
    last_feed_seq_ = state.last_feed_seq;
    std::vector<publish::restored_event> history;
    history.reserve(state.history.size());
    for (const auto& e : state.history) history.push_back({e.seq, e.type, e.event, e.json});
    server_->restore_history(history, engine_.head());
}

}  // namespace splitstream::daemon
