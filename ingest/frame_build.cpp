// The frame parser's last step: the values collected from a frame, checked
// against the schema of its type, become the typed message or the first
// rejection. The envelope (v, seq, type, ts, event, trace) is common to
// every type; the body is read by type.
#include "ingest/frame_build.hpp"

#include <string>
#include <string_view>
#include <utility>

#include "feed/iso_time.hpp"
#include "ingest/frame_checker.hpp"

namespace splitstream::ingest::frame_parsing {

using feed::reject_reason;
using feed::rejection;

namespace {

constexpr std::string_view timestamp_shape = "expected ISO 8601 UTC time like 2024-08-06T19:53:31.650Z";

// Reads an ISO 8601 time in the strict grammar (feed/iso_time.hpp); a
// string of another shape is a bad_timestamp.
bool read_timestamp(checker& c, const scalar& s, const field_path& at, presence p, std::string& out) {
    if (!c.read(s, at, p, out)) return false;
    if (feed::is_iso_timestamp(out, feed::iso_grammar::strict)) return true;
    std::string what(timestamp_shape);
    what += ", got ";
    what += quote_value(out);
    c.fail_field(reject_reason::bad_timestamp, at, what);
    return false;
}

// The outcome's message made ready for a new frame: a message left by the
// previous frame keeps its strings' buffers, every field is reset.
feed::feed_message& fresh_message(parse_outcome& out) {
    if (!out.ok()) return out.result.emplace<feed::feed_message>();
    auto& msg = out.message();
    msg.version = 1;
    msg.seq = 0;
    msg.ts.clear();
    msg.event.clear();
    msg.trace.clear();
    msg.body.emplace<feed::heartbeat_msg>();
    return msg;
}

// The body of each message type, read in the order its problems are
// reported. One switch rather than a function per type: each case is a
// short list of reads, and side by side they show the protocol's schema in
// one place.
void build_body(checker& c, frame_fields& fields, feed::feed_message& msg) {
    auto get = [&fields](slot s) -> const scalar& { return fields.get(s); };
    auto& lists = fields.lists;
    using feed::message_type;
    auto at = [](std::string_view key) { return field_path{key}; };
    switch (*fields.type) {
        case message_type::hello: {
            auto& m = msg.body.emplace<feed::hello_msg>();
            c.read(get(slot::feed), at("feed"), presence::required, m.feed);
            c.read(get(slot::epoch), at("epoch"), presence::required, m.epoch);
            return;
        }
        case message_type::heartbeat:
            msg.body.emplace<feed::heartbeat_msg>();
            return;
        case message_type::startlist: {
            auto& m = msg.body.emplace<feed::startlist_msg>();
            c.read(get(slot::name), at("name"), presence::required, m.name);
            if (c.read(get(slot::distance_m), at("distance_m"), presence::required, m.distance_m))
                c.require_positive(m.distance_m, at("distance_m"));
            c.read_named(get(slot::venue), at("venue"), presence::optional, venue_names, m.course);
            c.read(get(slot::round), at("round"), presence::optional, m.round);
            if (c.read(get(slot::heat), at("heat"), presence::optional, m.heat))
                c.require(*m.heat >= 1, at("heat"), "must be at least 1", *m.heat);
            // A heat of a round (extension). Whether the round's heats agree
            // and its rule can be met is the engine's to judge: it knows the
            // other heats.
            c.read(get(slot::round_id), at("round_id"), presence::optional, m.round_id);
            c.read(get(slot::heats), at("heats"), presence::optional, m.heats);
            {
                std::optional<std::int64_t> by_place, by_time;
                c.read(get(slot::qualify_by_place), at("qualify_by_place"), presence::optional, by_place);
                c.read(get(slot::qualify_by_time), at("qualify_by_time"), presence::optional, by_time);
                if (by_place || by_time)
                    m.qualify = feed::qualify_rule{by_place.value_or(0), by_time.value_or(0)};
            }
            c.read(get(slot::next_round), at("next_round"), presence::optional, m.next_round);
            read_timestamp(c, get(slot::scheduled), at("scheduled"), presence::optional, m.scheduled);
            c.read(get(slot::penalty_zone), at("penalty_zone"), presence::optional, m.penalty_zone);
            c.read(get(slot::combined_event), at("combined_event"), presence::optional, m.combined_event);
            if (c.failed()) return;
            if (lists.check.failed()) {
                c.fail(lists.check.take());
                return;
            }
            for (std::size_t i = 0; i < lists.timing_points_m.size(); ++i) {
                c.require(lists.timing_points_m[i] <= m.distance_m, field_path{{}, "timing_points_m", i},
                          "beyond the race distance", lists.timing_points_m[i]);
            }
            if (!lists.has_athletes)
                c.fail(reject_reason::missing_field, "missing required field \"athletes\"");
            if (c.failed()) return;
            if (auto dup = duplicate_bib(lists.athletes)) {
                c.fail(reject_reason::duplicate_bib,
                       "field \"athletes\": duplicate bib " + quote_value(*dup));
                return;
            }
            m.timing_points_m = std::move(lists.timing_points_m);
            m.athletes = std::move(lists.athletes);
            if (auto dup = duplicate_judge(lists.judges)) {
                c.fail(reject_reason::bad_value, "field \"judges\": duplicate judge " + quote_value(*dup));
                return;
            }
            m.records = std::move(lists.records);
            m.judges = std::move(lists.judges);
            return;
        }
        case message_type::status: {
            auto& m = msg.body.emplace<feed::status_msg>();
            c.read_named(get(slot::status), at("status"), presence::required, status_names, m.status);
            read_timestamp(c, get(slot::gun_ts), at("gun_ts"), presence::optional, m.gun_ts);
            return;
        }
        case message_type::split: {
            auto& m = msg.body.emplace<feed::split_msg>();
            c.read_non_empty(get(slot::bib), at("bib"), presence::required, m.bib);
            if (c.read(get(slot::distance_m), at("distance_m"), presence::required, m.distance_m))
                c.require_positive(m.distance_m, at("distance_m"));
            if (c.read(get(slot::elapsed_ms), at("elapsed_ms"), presence::required, m.elapsed_ms))
                c.require_time(m.elapsed_ms, at("elapsed_ms"));
            return;
        }
        case message_type::finish: {
            auto& m = msg.body.emplace<feed::finish_msg>();
            c.read_non_empty(get(slot::bib), at("bib"), presence::required, m.bib);
            if (c.read(get(slot::elapsed_ms), at("elapsed_ms"), presence::required, m.elapsed_ms)) {
                c.require_time(m.elapsed_ms, at("elapsed_ms"));
                c.require_positive(m.elapsed_ms, at("elapsed_ms"));
            }
            if (c.read(get(slot::place), at("place"), presence::optional, m.place))
                c.require(*m.place >= 1, at("place"), "must be at least 1", *m.place);
            return;
        }
        case message_type::irm: {
            auto& m = msg.body.emplace<feed::irm_msg>();
            c.read_non_empty(get(slot::bib), at("bib"), presence::required, m.bib);
            c.read_named(get(slot::code), at("code"), presence::required, irm_names, m.code);
            c.read(get(slot::rule), at("rule"), presence::optional, m.rule);
            c.read(get(slot::reason), at("reason"), presence::optional, m.reason);
            if (c.read(get(slot::at_m), at("at_m"), presence::optional, m.at_m))
                c.require(*m.at_m >= 0, at("at_m"), "must not be negative", *m.at_m);
            return;
        }
        case message_type::card: {
            auto& m = msg.body.emplace<feed::card_msg>();
            c.read_non_empty(get(slot::bib), at("bib"), presence::required, m.bib);
            c.read_non_empty(get(slot::judge), at("judge"), presence::required, m.judge);
            c.read_named(get(slot::offence), at("offence"), presence::required, offence_names, m.offence);
            c.read_named(get(slot::kind), at("kind"), presence::optional, card_kind_names, m.kind);
            return;
        }
        case message_type::penalty_zone: {
            auto& m = msg.body.emplace<feed::penalty_zone_msg>();
            c.read_non_empty(get(slot::bib), at("bib"), presence::required, m.bib);
            c.read_named(get(slot::action), at("action"), presence::required, penalty_action_names, m.action);
            if (c.read(get(slot::elapsed_ms), at("elapsed_ms"), presence::required, m.elapsed_ms))
                c.require_time(m.elapsed_ms, at("elapsed_ms"));
            return;
        }
        case message_type::reaction: {
            auto& m = msg.body.emplace<feed::reaction_msg>();
            c.read_non_empty(get(slot::bib), at("bib"), presence::required, m.bib);
            if (c.read(get(slot::reaction_ms), at("reaction_ms"), presence::required, m.reaction_ms))
                c.require(m.reaction_ms >= 0, at("reaction_ms"), "must not be negative", m.reaction_ms);
            return;
        }
    }
}

}  // namespace

void build_message(frame_fields& fields, parse_outcome& out) {
    auto get = [&fields](slot s) -> const scalar& { return fields.get(s); };
    const auto& type = fields.type;
    checker c;
    auto& msg = fresh_message(out);

    std::optional<int> version;
    if (c.read(get(slot::v), field_path{"v"}, presence::optional, version)) {
        msg.version = *version;
        if (*version != 1) {
            c.fail(reject_reason::bad_version, "field \"v\": unsupported protocol version " +
                                                   std::to_string(*version) + " (supported: 1)");
        }
    }
    c.read(get(slot::seq), field_path{"seq"}, presence::required, msg.seq);
    std::string_view type_name;
    if (c.read(get(slot::type), field_path{"type"}, presence::required, type_name) && !type) {
        c.fail(reject_reason::unknown_type, "unknown type " + quote_value(type_name));
    }
    read_timestamp(c, get(slot::ts), field_path{"ts"}, presence::required, msg.ts);
    if (!c.failed() && *type != feed::message_type::hello && *type != feed::message_type::heartbeat) {
        c.read_non_empty(get(slot::event), field_path{"event"}, presence::required, msg.event);
    }
    c.read(get(slot::trace), field_path{"trace"}, presence::optional, msg.trace);
    if (!c.failed()) build_body(c, fields, msg);

    if (c.failed()) out.result.emplace<rejection>(c.take());
}

}  // namespace splitstream::ingest::frame_parsing
