// Loading and cutting recordings (replay/recording.hpp).

#include "replay/recording.hpp"

#include <simdjson.h>

#include <algorithm>
#include <fstream>
#include <string_view>

#include "feed/iso_time.hpp"
#include "replay/journal_reader.hpp"

namespace splitstream::replay {

namespace {

class recording_builder {
public:
    explicit recording_builder(std::size_t max_frame_bytes) : max_(max_frame_bytes) {}

    // Adds one frame; `offset_ms` when the caller knows the receive time,
    // otherwise it comes from the frame's `ts`.
    void add(std::string_view text, std::optional<std::int64_t> offset_ms) {
        while (!text.empty() && (text.back() == '\r' || text.back() == ' ')) text.remove_suffix(1);
        if (text.empty()) return;
        if (text.size() > max_) return ++skipped_, void();
        simdjson::dom::element el;
        if (parser_.parse(text.data(), text.size()).get(el) != simdjson::SUCCESS) return ++skipped_, void();
        std::uint64_t seq;
        std::string_view type;
        if (el["seq"].get_uint64().get(seq) != simdjson::SUCCESS ||
            el["type"].get_string().get(type) != simdjson::SUCCESS)
            return ++skipped_, void();
        std::string_view ts;
        std::optional<std::int64_t> wall;
        if (el["ts"].get_string().get(ts) == simdjson::SUCCESS) wall = feed::parse_iso_ms(ts);
        if (type == "hello" && !saw_hello_) {
            saw_hello_ = true;
            std::string_view v;
            if (el["feed"].get_string().get(v) == simdjson::SUCCESS) rec_.feed = std::string(v);
            if (el["epoch"].get_string().get(v) == simdjson::SUCCESS) rec_.epoch = std::string(v);
        }
        if (!rec_.first_unix_ms && wall) rec_.first_unix_ms = wall;
        std::int64_t offset = 0;
        if (offset_ms)
            offset = *offset_ms;
        else if (wall && rec_.first_unix_ms)
            offset = *wall - *rec_.first_unix_ms;
        else
            offset = last_offset_;
        // A clock that steps back does not reorder the recording.
        offset = std::max(offset, last_offset_);
        last_offset_ = offset;
        rec_.frames.push_back(
            {.seq = seq, .offset_ms = offset, .type = std::string(type), .text = std::string(text)});
    }

    recording_result finish(const std::string& what) {
        if (rec_.frames.empty())
            return {.recording = std::nullopt,
                    .error = what + ": no usable frames (" + std::to_string(skipped_) + " lines skipped)"};
        return {.recording = std::move(rec_), .error = {}};
    }

private:
    std::size_t max_;
    simdjson::dom::parser parser_;
    feed_recording rec_;
    bool saw_hello_ = false;
    std::int64_t last_offset_ = 0;
    std::size_t skipped_ = 0;
};

}  // namespace

recording_result load_recording(const std::string& path, std::size_t max_frame_bytes) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {.recording = std::nullopt, .error = "cannot open " + path};
    char magic[8] = {};
    in.read(magic, sizeof magic);
    if (std::string_view(magic, static_cast<std::size_t>(in.gcount())) == journal_magic) {
        std::error_code ec;
        auto reader = journal_reader::open(path, reader_options{}, ec);
        if (!reader)
            return {.recording = std::nullopt, .error = "cannot open journal " + path + ": " + ec.message()};
        recording_builder b(max_frame_bytes);
        journal_record r;
        std::optional<std::int64_t> first_mono;
        while (reader->next(r)) {
            if (r.kind != record_kind::frame_applied && r.kind != record_kind::frame_received) continue;
            if (!first_mono) first_mono = r.frame.mono_ns;
            b.add(r.frame.bytes, (r.frame.mono_ns - *first_mono) / 1000000);
        }
        return b.finish(path);
    }
    in.seekg(0);
    recording_builder b(max_frame_bytes);
    std::string line;
    // getline has no size limit of its own: lines over the limit are read
    // and then skipped by add(), and the file as a whole is bounded by the disk.
    while (std::getline(in, line)) b.add(line, std::nullopt);
    return b.finish(path);
}

feed_recording cut_recording(const feed_recording& rec, std::optional<std::int64_t> from_ms,
                             std::optional<std::int64_t> to_ms) {
    feed_recording out{
        .feed = rec.feed, .epoch = rec.epoch, .frames = {}, .first_unix_ms = rec.first_unix_ms};
    std::int64_t from = from_ms.value_or(0);
    if (out.first_unix_ms) *out.first_unix_ms += from;
    for (const auto& f : rec.frames) {
        if (to_ms && f.offset_ms > *to_ms) break;
        if (f.offset_ms < from) {
            if (f.type == "startlist" || f.type == "status" || f.type == "hello") {
                auto copy = f;
                copy.offset_ms = 0;
                out.frames.push_back(std::move(copy));
            }
            continue;
        }
        auto copy = f;
        copy.offset_ms -= from;
        out.frames.push_back(std::move(copy));
    }
    return out;
}

}  // namespace splitstream::replay
