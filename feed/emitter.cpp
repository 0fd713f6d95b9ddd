#include "feed/emitter.hpp"

#include "feed/json_cursor.hpp"

namespace splitstream::feed {

derived_event& emitter::next_event() {
    if (!spare_ || spare_->empty()) return out_.emplace_back();
    // Moving keeps the spare's string buffers; every field is written over.
    auto& e = out_.emplace_back(std::move(spare_->back()));
    spare_->pop_back();
    return e;
}

std::string& emitter::begin_raw(event_type type, std::string_view event, std::string_view text) {
    auto& e = next_event();
    e.seq = next_seq_++;
    e.type = type;
    e.event = event;
    e.text = text;
    e.json.clear();
    using json_bytes::escaped_bound;
    using json_bytes::int_bound;
    // Literals, type name and quotes take 81 bytes at most.
    constexpr std::size_t envelope = 96;
    const std::size_t most = envelope + 2 * int_bound + escaped_bound(event) + escaped_bound(source_.ts) +
                             escaped_bound(source_.trace) + escaped_bound(text);
    // Room for a split's payload too, so the hot path's events are not
    // grown again.
    constexpr std::size_t payload_room = 256;
    e.json.reserve(most + payload_room);
    json_cursor c(e.json, most);
    c.literal("{\"seq\":");
    c.integer(e.seq);
    c.literal(",\"type\":\"");
    c.raw(to_string(type));
    c.literal("\",\"event\":");
    c.quoted(event);
    c.literal(",\"ts\":");
    c.quoted(source_.ts);
    c.literal(",\"src_seq\":");
    c.integer(source_.seq);
    if (!source_.trace.empty()) {
        c.literal(",\"trace\":");
        c.quoted(source_.trace);
    }
    c.literal(",\"text\":");
    c.quoted(text);
    return e.json;
}

json_writer emitter::begin(event_type type, std::string_view event, std::string_view text) {
    return json_writer(begin_raw(type, event, text), true);
}

void emitter::end() {
    out_.back().json += '}';
}

}  // namespace splitstream::feed
