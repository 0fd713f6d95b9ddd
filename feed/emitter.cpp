#include "feed/emitter.hpp"

namespace splitstream::feed {

json_writer emitter::begin(event_type type, std::string_view event, std::string text) {
    auto& e = out_.emplace_back();
    e.seq = next_seq_++;
    e.type = type;
    e.event = event;
    e.text = std::move(text);
    e.json.reserve(256 + e.text.size());
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
