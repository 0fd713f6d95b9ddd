#pragma once
// One more publish thread (server_options::threads): an io_context and a
// hub of its own, serving plain subscribers handed over by the daemon's
// loop right after their upgrade.
//
// The loop stays the one writer of the race: it frames every event once,
// and posts each fanned-out batch (entries sharing those immutable frames)
// to every shard, in order. A shard's hub keeps a copy of the history from
// those batches, so resumes and `recent=` joins are served from it; a fresh
// join's snapshots are taken on the loop at the handover (the engine is
// not shared) and answered to the session from there.
//
// Lifetime: start() runs the thread; stop() closes its subscribers with
// 1001 and lets the thread end once they are gone; the destructor waits
// for it.

#include <spdlog/logger.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/metrics.hpp"
#include "base/net.hpp"
#include "publish/history.hpp"
#include "publish/hub.hpp"
#include "publish/server_options.hpp"
#include "publish/state_provider.hpp"
#include "publish/subscription_request.hpp"
#include "publish/transport.hpp"

namespace splitstream::publish {

// What a fresh subscriber's join asks the race state, answered on the
// loop at the handover: the epoch, and the state of each event it may see.
struct join_answers {
    std::string epoch;
    std::vector<std::pair<std::string, std::optional<std::string>>> states;  // event order
};

// The race state as a shard's hub sees it: the epoch of the batches, and
// while a handed-over subscriber joins, that subscriber's answers.
class shard_state final : public state_provider {
public:
    std::string epoch() const override { return answers_ ? answers_->epoch : epoch_; }
    std::uint64_t head() const override { return 0; }
    std::vector<std::string> event_ids() const override;
    std::optional<std::string> snapshot_json(std::string_view event) const override;
    std::string events_json() const override { return "[]"; }
    bool ready() const override { return true; }

    void set_epoch(std::string epoch) { epoch_ = std::move(epoch); }
    void answer(const join_answers* answers) {
        answers_ = answers;
        cursor_ = 0;
    }

private:
    std::string epoch_;
    const join_answers* answers_ = nullptr;
    mutable std::size_t cursor_ = 0;  // the join asks in event order
};

class publish_shard {
public:
    publish_shard(server_options options, metrics_registry& registry, std::shared_ptr<spdlog::logger> log,
                  const hub& main);
    ~publish_shard();
    publish_shard(const publish_shard&) = delete;
    publish_shard& operator=(const publish_shard&) = delete;

    // Copies the main hub's history, then runs the thread.
    void start(const hub& main);
    // On the loop: a batch the main hub fanned out (see hub::take_batch).
    void take(std::shared_ptr<const std::vector<history_entry>> batch, const std::string& epoch);
    // On the loop: the main hub's history changed as a whole (a node
    // restored from a saved state) or its epoch moved between events.
    // Subscribers of an earlier epoch are closed, as on the loop.
    void mirror(const hub& main);
    // On the loop: serves a plain subscriber whose upgrade `main` accepted.
    void adopt(hub& main, plain_stream&& stream, subscription_request request, std::string_view already_read);
    void stop();

    // Readable from any thread.
    std::size_t load() const { return hub_->load() + arriving_.load(std::memory_order_relaxed); }
    std::size_t connections() const {
        return hub_->open_connections() + arriving_.load(std::memory_order_relaxed);
    }

private:
    shard_state state_;  // before the io_context: its handlers may hold the hub
    net::io_context ioc_{1};
    std::shared_ptr<hub> hub_;
    std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
    std::atomic<std::size_t> arriving_{0};  // handed over, not yet joined
    std::thread thread_;
    bool stopped_ = false;
};

}  // namespace splitstream::publish
