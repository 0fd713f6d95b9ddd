#include "publish/control_desk.hpp"

#include <algorithm>

#include "feed/iso_time.hpp"

namespace splitstream::publish {

control_desk::control_desk(publish_metrics& metrics, spdlog::logger& log) : metrics_(metrics), log_(log) {}

frame_ptr control_desk::message_frame(std::string_view channel) const {
    if (auto it = messages_.find(channel); it != messages_.end()) return it->second;
    return make_text_frame(control_message_json(board_.state(channel)));
}

frame_ptr control_desk::join(std::string_view channel, subscriber& s) {
    leave(s);
    auto it = followers_.try_emplace(std::string(channel)).first;
    it->second.push_back(&s);
    channel_of_.emplace(&s, it->first);
    metrics_.control_subscribers.set(static_cast<std::int64_t>(channel_of_.size()));
    return message_frame(channel);
}

void control_desk::leave(subscriber& s) {
    auto at = channel_of_.find(&s);
    if (at == channel_of_.end()) return;
    auto it = followers_.find(at->second);
    channel_of_.erase(at);
    metrics_.control_subscribers.set(static_cast<std::int64_t>(channel_of_.size()));
    if (it == followers_.end()) return;
    auto& list = it->second;
    if (auto pos = std::find(list.begin(), list.end(), &s); pos != list.end()) {
        *pos = list.back();
        list.pop_back();
    }
    // A channel nobody follows costs nothing: names come from subscribers.
    if (list.empty()) followers_.erase(it);
}

std::variant<std::string, control_error> control_desk::change(std::string_view channel, std::string_view body,
                                                              std::string_view remote,
                                                              std::int64_t now_unix_ms) {
    auto parsed = parse_control_update(parser_, body);
    if (auto* err = std::get_if<control_error>(&parsed)) return std::move(*err);
    auto applied = board_.apply(channel, std::get<control_update>(parsed), feed::format_iso_ms(now_unix_ms));
    if (auto* err = std::get_if<control_error>(&applied)) return std::move(*err);
    const control_state& state = *std::get<const control_state*>(applied);

    auto frame = make_text_frame(control_message_json(state));
    messages_.insert_or_assign(state.channel, frame);
    std::size_t sent = 0;
    if (auto it = followers_.find(channel); it != followers_.end()) {
        // control_changed() queues and may start a write, but never leaves
        // (a slow overlay is closed on its own turn), so the list holds.
        for (auto* s : it->second) s->control_changed(frame);
        sent = it->second.size();
    }
    metrics_.control_changes.inc();
    log_.info("control {} rev {}: on_air {} view {} event {} (from {}, to {} overlays)", state.channel,
              state.rev, state.on_air, state.view ? to_string(*state.view) : "null",
              state.event ? *state.event : "null", remote, sent);
    return control_state_json(state);
}

}  // namespace splitstream::publish
