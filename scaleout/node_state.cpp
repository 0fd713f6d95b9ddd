#include "scaleout/node_state.hpp"

#include "feed/engine_state.hpp"
#include "feed/state_codec.hpp"

namespace splitstream::scaleout {

namespace {
// Changes with the layout below; the engine's part has its own version.
constexpr std::uint64_t node_state_version = 1;
}  // namespace

std::string encode_node_state(const node_state& s) {
    std::string body;
    feed::state_writer w(body);
    w.u64(node_state_version);
    w.str(s.stream_epoch);
    w.u64(s.stream_seq);
    w.str(s.feed_epoch);
    w.u64(s.feed_last_seq);
    w.flag(s.feed_started);
    w.u64(s.last_feed_seq);
    w.str(s.engine);
    w.u64(s.history.size());
    for (const auto& e : s.history) {
        w.u64(e.seq);
        w.enumerator(e.type);
        w.str(e.event);
        w.str(e.json);
    }
    // The same frame as the engine's snapshot: its checksum covers it all.
    return feed::engine_state::seal(body);
}

bool decode_node_state(std::string_view bytes, node_state& out, std::string& error) {
    std::string_view body;
    if (!feed::engine_state::open(bytes, body, error)) return false;
    feed::state_reader r(body);
    if (const auto v = r.u64(); r.ok() && v != node_state_version) {
        error = "node state version " + std::to_string(v) + ", this program reads version " +
                std::to_string(node_state_version);
        return false;
    }
    out.stream_epoch = r.str();
    out.stream_seq = r.u64();
    out.feed_epoch = r.str();
    out.feed_last_seq = r.u64();
    out.feed_started = r.flag();
    out.last_feed_seq = r.u64();
    out.engine = r.str();
    out.history.resize(r.count(25, "history"));
    std::uint64_t previous = 0;
    for (auto& e : out.history) {
        e.seq = r.u64();
        e.type = r.enumerator(feed::event_type_last, "event type");
        e.event = r.str();
        auto text = std::make_shared<const std::string>(r.str());
        e.json = *text;
        e.keeps = std::move(text);
        if (r.ok() && e.seq <= previous) r.fail("history out of order");
        previous = e.seq;
    }
    if (r.ok() && r.left() != 0) r.fail("bytes after the state");
    if (!r.ok()) error = "node state: " + r.error();
    return r.ok();
}

}  // namespace splitstream::scaleout
