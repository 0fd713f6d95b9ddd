// The race engine fed a fuzzed message sequence: the input is JSON Lines,
// each line goes through the frame parser and, when accepted, the engine.
// After every message the engine's output must keep its invariants:
//   - derived seqs strictly increase, and head() is the last one;
//   - every derived event and snapshot is valid JSON;
//   - running `order` in a snapshot is 1..n with no gap or repeat;
//   - split positions and finish places agree with the times;
//   - no record event without a mark at least as good as the previous one.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "feed/engine.hpp"
#include "ingest/frame_parser.hpp"

namespace {

simdjson::dom::parser& json() {
    static simdjson::dom::parser p;
    return p;
}

[[noreturn]] void broken(const char*) {
    std::abort();
}

std::int64_t ceil_to(std::int64_t ms, std::int64_t unit) {
    return (ms + unit - 1) / unit * unit;
}

void check_record(simdjson::dom::element ev) {
    std::int64_t elapsed = 0;
    std::int64_t previous = 0;
    std::string_view kind;
    if (ev["elapsed_ms"].get_int64().get(elapsed) != simdjson::SUCCESS) broken("record without elapsed_ms");
    if (ev["kind"].get_string().get(kind) != simdjson::SUCCESS) broken("record without kind");
    if (ev["previous"]["mark_ms"].get_int64().get(previous) != simdjson::SUCCESS)
        broken("record without a previous mark");
    // Track marks round up to 1/100 s, road marks to the second: either way
    // the official mark is at least the time rounded to 1/100 s.
    if (ceil_to(elapsed, 10) > previous) broken("record slower than the previous mark");
}

void check_snapshot(std::string_view json_text) {
    simdjson::dom::element snap;
    if (json().parse(json_text.data(), json_text.size()).get(snap) != simdjson::SUCCESS)
        broken("snapshot is not JSON");
    simdjson::dom::array athletes;
    if (snap["athletes"].get_array().get(athletes) != simdjson::SUCCESS) return;
    std::int64_t expected_order = 1;
    struct timed {
        std::int64_t t;
        std::int64_t rank;
    };
    std::map<std::int64_t, std::vector<timed>> at_point;  // distance -> (time, position)
    std::vector<timed> finishes;                          // (time, place) of placed OK athletes
    for (auto a : athletes) {
        std::int64_t order = 0;
        if (a["order"].get_int64().get(order) == simdjson::SUCCESS && order != expected_order++)
            broken("running order is not 1..n");
        simdjson::dom::element split;
        if (a["last_split"].get(split) == simdjson::SUCCESS) {
            std::int64_t d = 0, t = 0, pos = 0;
            if (split["distance_m"].get_int64().get(d) || split["elapsed_ms"].get_int64().get(t) ||
                split["position"].get_int64().get(pos))
                broken("last_split incomplete");
            at_point[d].push_back({t, pos});
        }
        std::string_view status;
        simdjson::dom::element finish;
        std::int64_t t = 0, place = 0;
        if (a["status"].get_string().get(status) == simdjson::SUCCESS && status == "OK" &&
            a["finish"].get(finish) == simdjson::SUCCESS && !finish["elapsed_ms"].get_int64().get(t) &&
            !finish["place"].get_int64().get(place))
            finishes.push_back({t, place});
    }
    auto consistent = [](const std::vector<timed>& v, bool ties_share) {
        for (const auto& x : v)
            for (const auto& y : v) {
                if (x.t < y.t && x.rank >= y.rank) return false;
                if (ties_share && x.t == y.t && x.rank != y.rank) return false;
            }
        return true;
    };
    for (const auto& [d, v] : at_point)
        if (!consistent(v, true)) broken("split positions disagree with times");
    // Equal times may be split by the judges' places, so only strict order.
    if (!consistent(finishes, false)) broken("places disagree with times");
}

void check_snapshots(const splitstream::feed::engine& engine) {
    for (const auto& id : engine.event_ids()) {
        auto snap = engine.snapshot_json(id);
        if (!snap) broken("a listed event has no snapshot");
        check_snapshot(*snap);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    splitstream::ingest::frame_parser parser;
    splitstream::feed::engine engine;
    std::string_view rest(reinterpret_cast<const char*>(data), size);
    std::uint64_t last_seq = 0;
    std::size_t changed = 0;
    for (int lines = 0; lines < 4000 && !rest.empty(); ++lines) {
        const auto nl = rest.find('\n');
        const auto line = rest.substr(0, nl);
        rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
        auto parsed = parser.parse(line);
        if (!parsed.ok()) continue;
        const auto result = engine.apply(parsed.message());
        if (result.rejected && !result.events.empty()) broken("a refused message made events");
        for (const auto& ev : result.events) {
            if (ev.seq != last_seq + 1) broken("derived seqs not strictly increasing by one");
            last_seq = ev.seq;
            simdjson::dom::element doc;
            if (json().parse(ev.json).get(doc) != simdjson::SUCCESS) broken("derived event is not JSON");
            std::uint64_t seq = 0;
            if (doc["seq"].get_uint64().get(seq) != simdjson::SUCCESS || seq != ev.seq)
                broken("derived event JSON has another seq");
            if (ev.type == splitstream::feed::event_type::record) check_record(doc);
        }
        if (engine.head() != last_seq) broken("head() is not the last seq");
        // Snapshots are big: checking them after every message would make
        // each input of a whole race take a second.
        if (!result.events.empty() && ++changed % 16 == 0) check_snapshots(engine);
    }
    check_snapshots(engine);
    return 0;
}
