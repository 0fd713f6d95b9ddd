#include "tools/sim/session.hpp"

#include <algorithm>
#include <stdexcept>

#include "tools/sim/race_generator.hpp"
#include "tools/sim/round_entrants.hpp"
#include "tools/sim/text_format.hpp"

namespace splitstream::sim {

namespace embedded {
extern const std::string_view default_session_json;
extern const std::string_view budapest_results_json;
}  // namespace embedded

replay::feed_recording build_session(const session_spec& spec, std::uint64_t seed) {
    replay::feed_recording rec;
    rec.feed = spec.feed;
    rec.epoch = spec.epoch.empty() ? spec.feed + "-" + std::to_string(seed) : spec.epoch;
    rec.first_unix_ms = spec.start_unix_ms;

    // Each event's messages, kept whole until the end: a later round's
    // field is read from its heats' finishes.
    std::vector<std::vector<timed_message>> generated;
    generated.reserve(spec.events.size());
    for (const auto& e : spec.events) {
        if (e.qualifiers_of.empty()) {
            generated.push_back(generate_event(e, seed));
            continue;
        }
        std::vector<generated_heat> heats;
        for (std::size_t k = 0; k < generated.size(); ++k)
            if (spec.events[k].round_id == e.qualifiers_of) heats.push_back({&spec.events[k], &generated[k]});
        event_spec next = e;
        next.athletes = qualifiers_of(heats, e.qualifier_pace);
        generated.push_back(generate_event(next, seed));
    }
    std::vector<timed_message> all;
    for (auto& msgs : generated)
        all.insert(all.end(), std::make_move_iterator(msgs.begin()), std::make_move_iterator(msgs.end()));
    // Stable: at equal offsets, earlier events first, then each event's own order.
    std::stable_sort(all.begin(), all.end(), [](const timed_message& a, const timed_message& b) {
        return a.offset_ms < b.offset_ms;
    });

    std::string hello =
        "{\"seq\":1,\"type\":\"hello\",\"ts\":\"" + format_iso_ms(spec.start_unix_ms) + "\",\"feed\":";
    append_json_string(hello, rec.feed);
    hello += ",\"epoch\":";
    append_json_string(hello, rec.epoch);
    hello += "}";
    rec.frames.push_back({.seq = 1, .offset_ms = 0, .type = "hello", .text = std::move(hello)});

    std::uint64_t seq = 2;
    for (auto& m : all) {
        std::string text = "{\"seq\":" + std::to_string(seq) + ",\"type\":\"" + m.type + "\",\"ts\":\"" +
                           format_iso_ms(spec.start_unix_ms + m.offset_ms) + "\",\"event\":";
        append_json_string(text, m.event);
        text += m.fields;
        text += "}";
        rec.frames.push_back(
            {.seq = seq++, .offset_ms = m.offset_ms, .type = m.type, .text = std::move(text)});
    }
    return rec;
}

std::string_view default_session_json() {
    return embedded::default_session_json;
}

file_reader embedded_files() {
    return [](const std::string& name) -> std::optional<std::string> {
        if (name == "budapest-2023-men-1500m-final.json") return std::string(embedded::budapest_results_json);
        return std::nullopt;
    };
}

session_spec default_session() {
    auto spec = parse_session_spec(default_session_json(), embedded_files());
    // The embedded spec is checked by the test suite; failing here is a build defect.
    if (!spec.ok()) throw std::logic_error("embedded default session: " + spec.error);
    return std::move(*spec.value);
}

void write_jsonl(const replay::feed_recording& rec, std::ostream& out) {
    for (const auto& f : rec.frames) {
        out.write(f.text.data(), static_cast<std::streamsize>(f.text.size()));
        out.put('\n');
    }
}

}  // namespace splitstream::sim
