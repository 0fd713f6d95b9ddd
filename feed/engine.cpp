#include "feed/engine.hpp"

#include "feed/emitter.hpp"
#include "feed/json_writer.hpp"
#include "feed/race.hpp"
#include "feed/relay.hpp"

namespace splitstream::feed {

engine::engine(engine_options options) : next_seq_(options.first_seq) {}
engine::~engine() = default;
engine::engine(engine&&) noexcept = default;
engine& engine::operator=(engine&&) noexcept = default;

apply_result engine::apply(const feed_message& msg) {
    apply_result result;
    apply(msg, result);
    return result;
}

void engine::recycle(apply_result& out) {
    for (auto& e : out.events) spare_.push_back(std::move(e));
    out.events.clear();
    out.rejected.reset();
}

void engine::apply(const feed_message& msg, apply_result& result) {
    recycle(result);
    const auto type = msg.type();
    if (type == message_type::hello || type == message_type::heartbeat) return;

    emitter out(next_seq_, event_source{msg.ts, msg.seq, msg.trace}, result.events, &spare_);
    const auto* definition = std::get_if<startlist_msg>(&msg.body);
    // A start list joining a round is checked against the round's other
    // heats before anything changes.
    if (definition) {
        if (auto refused = relay::check_teams(*definition)) {
            result.rejected = std::move(refused);
            return;
        }
        if (auto refused = rounds_.check(msg.event, *definition, races_)) {
            result.rejected = std::move(refused);
            return;
        }
    }
    auto it = races_.find(msg.event);
    if (it == races_.end()) {
        if (!definition) {
            result.rejected =
                rejection{reject_reason::unknown_event, "event \"" + msg.event + "\" has no start list"};
            return;
        }
        auto r = std::make_unique<race>(msg.event, *definition);
        r->emit_startlist(out);
        order_.push_back(msg.event);
        races_.emplace(msg.event, std::move(r));
        rounds_.enter(msg.event, *definition);
        return;
    }
    result.rejected = it->second->apply(msg, out);
    if (result.rejected) return;
    if (definition) rounds_.enter(msg.event, *definition);
    rounds_.update(msg.event, races_, out);
}

derived_event engine::notice(const feed_notice& n) {
    std::vector<derived_event> events;
    emitter out(next_seq_, event_source{n.ts, n.src_seq, {}}, events);
    const std::string text = n.text.empty() ? "Timing feed: " + n.state : n.text;
    auto w = out.begin(event_type::feed, "", text);
    w.field("state", std::string_view(n.state));
    for (const auto& [k, v] : n.details) {
        w.key(k);
        if (const auto* s = std::get_if<std::string>(&v))
            w.value(std::string_view(*s));
        else
            w.value(std::get<std::int64_t>(v));
    }
    out.end();
    return std::move(events.front());
}

std::vector<std::string> engine::event_ids() const {
    return order_;
}

std::optional<std::string> engine::snapshot_json(std::string_view event) const {
    auto it = races_.find(event);
    // A round id: the round's state (its heats and qualifiers).
    if (it == races_.end()) return rounds_.state_json(event, races_);
    std::string out;
    out.reserve(4096);
    it->second->write_state(out);
    return out;
}

std::string engine::events_json() const {
    std::string out;
    json_writer w(out);
    w.begin_array();
    for (const auto& id : order_) races_.find(id)->second->write_summary(w);
    w.end_array();
    return out;
}

}  // namespace splitstream::feed
