#include "publish/shard.hpp"

#include <algorithm>

#include "publish/subscriber_session.hpp"

namespace splitstream::publish {

namespace {

// A shard's hub keeps no snapshot timeline: delayed subscribers stay on
// the loop.
server_options shard_options(server_options options) {
    options.max_delay = std::chrono::milliseconds(0);
    return options;
}

}  // namespace

std::vector<std::string> shard_state::event_ids() const {
    std::vector<std::string> ids;
    if (!answers_) return ids;
    ids.reserve(answers_->states.size());
    for (const auto& [id, state] : answers_->states) ids.push_back(id);
    return ids;
}

std::optional<std::string> shard_state::snapshot_json(std::string_view event) const {
    if (!answers_) return std::nullopt;
    const auto& states = answers_->states;
    for (std::size_t n = 0; n < states.size(); ++n) {
        const auto i = (cursor_ + n) % states.size();
        if (states[i].first == event) {
            cursor_ = i + 1;
            return states[i].second;
        }
    }
    return std::nullopt;
}

publish_shard::publish_shard(server_options options, metrics_registry& registry,
                             std::shared_ptr<spdlog::logger> log, const hub& main)
    : hub_(std::make_shared<hub>(ioc_, state_, shard_options(options), registry, std::move(log))) {
    hub_->share_session_ids(main);
    hub_->serve_as_shard(options.max_delay);
}

publish_shard::~publish_shard() {
    stop();
    if (thread_.joinable()) thread_.join();
}

void publish_shard::start(const hub& main) {
    mirror(main);
    work_.emplace(ioc_.get_executor());
    thread_ = std::thread([this] {
        try {
            ioc_.run();
        } catch (const std::exception& e) {
            hub_->log().critical("publish thread stopped: {}", e.what());
        }
    });
}

void publish_shard::take(std::shared_ptr<const std::vector<history_entry>> batch, const std::string& epoch) {
    net::post(ioc_, [this, batch = std::move(batch), epoch] {
        state_.set_epoch(epoch);
        hub_->take_batch(*batch, epoch);
    });
}

void publish_shard::mirror(const hub& main) {
    net::post(ioc_,
              [this, events = main.retained_events(), head = main.head(), epoch = main.epoch()]() mutable {
                  state_.set_epoch(epoch);
                  hub_->mirror_history(events, head, std::move(epoch));
              });
}

void publish_shard::adopt(hub& main, plain_stream&& stream, subscription_request request,
                          std::string_view already_read) {
    // The events published and not fanned out yet are in the subscriber's
    // snapshots: the shard must hold them before it joins (it skips them
    // when their batch comes).
    if (const auto pending = main.pending(); !pending.empty())
        take(std::make_shared<const std::vector<history_entry>>(pending.begin(), pending.end()),
             main.epoch());

    auto answers = std::make_shared<join_answers>();
    auto& provider = main.provider();
    answers->epoch = provider.epoch();
    const bool same_epoch = !request.epoch || *request.epoch == answers->epoch;
    const bool resume = request.since && same_epoch && main.retained().covers(*request.since);
    // The loop decides, as it would for a subscriber of its own: the
    // publish thread's history keeps at least as much (hub::serve_as_shard),
    // so a resume decided here is served there; one refused here is a fresh
    // join there too (`recent` does not apply with `since`).
    if (request.since && !resume) {
        request.since.reset();
        request.recent = 0;
    }
    if (!resume) {
        for (auto& id : provider.event_ids()) {
            if (!request.filter.wants_event(id) || (request.claims && !request.claims->allows(id))) continue;
            auto state = provider.snapshot_json(id);
            answers->states.emplace_back(std::move(id), std::move(state));
        }
    }
    // The per-address limiter belongs to the loop: the slot goes back there.
    if (request.address_slot) {
        request.address_slot =
            std::shared_ptr<void>(nullptr, [slot = std::move(request.address_slot), &loop = main.context()](
                                               void*) mutable { net::post(loop, [s = std::move(slot)] {}); });
    }

    arriving_.fetch_add(1, std::memory_order_relaxed);
    auto socket = subscriber_transport<plain_stream>::adopt(std::move(stream), ioc_);
    net::post(ioc_, [this, socket = std::move(socket), request = std::move(request),
                     early = std::string(already_read), answers = std::move(answers)]() mutable {
        if (hub_->stopping()) {  // the socket closes with the handler
            arriving_.fetch_sub(1, std::memory_order_relaxed);
            return;
        }
        auto session = std::make_shared<subscriber_session<plain_socket>>(std::move(socket), hub_,
                                                                          std::move(request), early);
        // Counted by the hub now (the limit must not see it twice).
        arriving_.fetch_sub(1, std::memory_order_relaxed);
        state_.answer(answers.get());
        session->run();
        state_.answer(nullptr);
    });
}

void publish_shard::stop() {
    if (stopped_) return;
    stopped_ = true;
    net::post(ioc_, [this] { hub_->shutdown_all(); });
    work_.reset();
}

}  // namespace splitstream::publish
