#include "feed/emitter.hpp"

namespace splitstream::feed {

derived_event& emitter::next_event() {
    if (!spare_ || spare_->empty()) return out_.emplace_back();
    // Moving keeps the spare's string buffers; every field is written over.
    auto& e = out_.emplace_back(std::move(spare_->back()));
    spare_->pop_back();
    return e;
}

json_writer emitter::begin(event_type type, std::string_view event, std::string_view text) {
    auto& e = next_event();
    e.seq = next_seq_++;
    e.type = type;
    e.event = event;
    e.text = text;
    e.json.clear();
    // The envelope, the headline (escapes aside) and a split's payload fit,
    // so a split event is written without growing the string.
    e.json.reserve(384 + e.text.size());
    json_writer w(e.json);
    w.begin_object();
    w.field("seq", e.seq);
    w.field("type", to_string(type));
    w.field("event", event);
    w.field("ts", source_.ts);
    w.field("src_seq", source_.seq);
    if (!source_.trace.empty()) w.field("trace", source_.trace);
    w.field("text", std::string_view(e.text));
    return json_writer(e.json, true);
}

void emitter::end() {
    out_.back().json += '}';
}

}  // namespace splitstream::feed
