// The frame parser: the padded buffer, one walk over the frame's object
// that collects its fields by slot (frame_keys.hpp, frame_scan.hpp) and
// reads the startlist's lists in place (frame_lists.hpp), then the typed
// message or a rejection (frame_build.hpp).
#include "ingest/frame_parser.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "ingest/frame_build.hpp"
#include "ingest/frame_keys.hpp"
#include "ingest/frame_lists.hpp"
#include "ingest/frame_scan.hpp"

namespace splitstream::ingest {

using namespace frame_parsing;
using feed::reject_reason;
using feed::rejection;

struct frame_parser::impl {
    parser_options options;
    ondemand::parser json;
    std::unique_ptr<char[]> buffer;
    std::size_t capacity = 0;  // bytes in buffer, padding included

    // Scratch reused between frames: no allocation per frame.
    frame_fields fields;
    bool lists_pending = false;  // startlist lists met before `type`
    bool not_object = false;     // the frame is JSON but not an object

    explicit impl(parser_options o) : options(o) {}

    void parse(std::string_view frame, parse_outcome& out);
    simdjson::error_code walk(ondemand::document& doc, bool type_fixed);
};

simdjson::error_code frame_parser::impl::walk(ondemand::document& doc, bool type_fixed) {
    ondemand::object obj;
    if (auto e = doc.get_object().get(obj)) {
        not_object = e == simdjson::INCORRECT_TYPE;
        return e;
    }
    const char* buffer_end = buffer.get() + capacity;
    for (auto field_result : obj) {
        if (auto e = field_result.error()) return e;
        // The field where the iterator put it, not a copy: copying reads
        // with one 16-byte load what the iterator has just written with two
        // smaller stores, a load the CPU cannot forward from those stores,
        // and that stall on every field was a tenth of the pipeline's time.
        ondemand::field&& f = std::move(field_result).value_unsafe();
        std::string_view key;
        if (auto e = key_of(f, buffer_end, key)) return e;
        const slot which = top_level_slot(key);
        switch (which) {
            case slot::unknown:
                if (auto e = validate(f.value(), 0)) return e;
                continue;
            case slot::timing_points_m:
            case slot::athletes:
            case slot::records:
            case slot::judges: {
                if (!fields.type || *fields.type != feed::message_type::startlist) {
                    if (!fields.type) lists_pending = true;
                    if (auto e = validate(f.value(), 0)) return e;
                    continue;
                }
                simdjson::error_code e = simdjson::SUCCESS;
                if (which == slot::timing_points_m) {
                    fields.lists.timing_points_m.clear();
                    e = parse_timing_points(f.value(), fields.lists);
                } else if (which == slot::judges) {
                    fields.lists.judges.clear();
                    e = parse_judges(f.value(), buffer_end, fields.lists);
                } else if (which == slot::athletes) {
                    fields.lists.athletes.clear();
                    e = parse_athletes(f.value(), buffer_end, fields.lists);
                } else {
                    fields.lists.records.clear();
                    e = parse_records(f.value(), buffer_end, fields.lists);
                }
                if (e) return e;
                continue;
            }
            default:
                break;
        }
        auto i = static_cast<std::size_t>(which);
        scalar& s = fields.values[i];
        s = scalar{};
        if (auto e = decode(f.value(), s)) return e;
        fields.seen |= std::uint64_t{1} << i;
        if (which == slot::type && !type_fixed)
            fields.type = s.kind == json_kind::string ? message_type_named(s.text) : std::nullopt;
    }
    return simdjson::SUCCESS;
}

void frame_parser::impl::parse(std::string_view frame, parse_outcome& out) {
    auto reject = [&](reject_reason r, std::string detail) {
        out.result.emplace<rejection>(rejection{r, std::move(detail)});
    };
    if (frame.size() > options.max_frame_bytes) {
        return reject(reject_reason::too_large, "frame of " + std::to_string(frame.size()) +
                                                    " bytes is over the limit of " +
                                                    std::to_string(options.max_frame_bytes));
    }
    const std::size_t needed = frame.size() + simdjson::SIMDJSON_PADDING;
    if (needed > capacity) {
        std::size_t grown = std::max<std::size_t>({needed, capacity * 2, 4096});
        buffer = std::make_unique_for_overwrite<char[]>(grown);
        capacity = grown;
    }
    std::memcpy(buffer.get(), frame.data(), frame.size());
    // simdjson reads the padding; zeros keep it from looking like JSON.
    std::memset(buffer.get() + frame.size(), 0, simdjson::SIMDJSON_PADDING);

    fields.seen = 0;
    fields.type.reset();
    fields.lists.clear();
    lists_pending = false;
    not_object = false;

    ondemand::document doc;
    simdjson::error_code e = json.iterate(buffer.get(), frame.size(), capacity).get(doc);
    if (!e) e = walk(doc, false);
    if (!e && lists_pending && fields.type == feed::message_type::startlist) {
        // The lists came before `type`; walk again now that it is known.
        // Rewinding reuses the string buffer, so every value is read anew.
        fields.seen = 0;
        fields.lists.clear();
        doc.rewind();
        e = walk(doc, true);
    }

    // seq is reported even for frames refused later on.
    const scalar& seq = fields.get(slot::seq);
    if (seq.kind == json_kind::integer && seq.i >= 0) {
        out.seq = static_cast<std::uint64_t>(seq.i);
    } else if (seq.kind == json_kind::big_integer && seq.u != 0) {
        out.seq = seq.u;
    }

    if (not_object) {
        return reject(reject_reason::invalid_json, "invalid JSON: a frame must be one JSON object");
    }
    if (e)
        return reject(reject_reason::invalid_json,
                      std::string("invalid JSON: ") + simdjson::error_message(e));
    const char* trailing = nullptr;
    if (doc.current_location().get(trailing) == simdjson::SUCCESS) {
        return reject(reject_reason::invalid_json, "invalid JSON: content after the object");
    }
    build_message(fields, out);
}

frame_parser::frame_parser(parser_options options) : impl_(std::make_unique<impl>(options)) {}
frame_parser::~frame_parser() = default;

const parser_options& frame_parser::options() const {
    return impl_->options;
}

frame_parser::frame_parser(frame_parser&&) noexcept = default;
frame_parser& frame_parser::operator=(frame_parser&&) noexcept = default;

parse_outcome frame_parser::parse(std::string_view frame) {
    parse_outcome out{rejection{}, std::nullopt};
    impl_->parse(frame, out);
    return out;
}

void frame_parser::parse(std::string_view frame, parse_outcome& out) {
    out.seq.reset();
    impl_->parse(frame, out);
}

}  // namespace splitstream::ingest
