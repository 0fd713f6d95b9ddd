#pragma once
// Turns one feed frame (JSON text) into a typed feed::feed_message, or a
// rejection that names the field and the reason. Never throws, never
// crashes, whatever the bytes. One parser per connection, reused: it keeps
// a padded buffer and a simdjson On-Demand parser between calls.

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <variant>

#include "feed/message.hpp"
#include "feed/rejection.hpp"

namespace splitstream::ingest {

struct parser_options {
    std::size_t max_frame_bytes = 1 << 20;  // larger frames: reject_reason::too_large
};

struct parse_outcome {
    std::variant<feed::feed_message, feed::rejection> result;
    std::optional<std::uint64_t> seq;  // read when it could be, also for rejected frames

    bool ok() const { return result.index() == 0; }
    const feed::feed_message& message() const { return std::get<0>(result); }
    feed::feed_message& message() { return std::get<0>(result); }
    const feed::rejection& rejected() const { return std::get<1>(result); }
};

class frame_parser {
public:
    explicit frame_parser(parser_options options = {});
    ~frame_parser();
    frame_parser(frame_parser&&) noexcept;
    frame_parser& operator=(frame_parser&&) noexcept;

    parse_outcome parse(std::string_view frame);
    // The same into `out`. Parsing every frame of a stream into one outcome
    // reuses the strings of the message it holds: no allocation per frame.
    void parse(std::string_view frame, parse_outcome& out);

    // The options it was made with: replay's read-ahead makes its worker's
    // parser with the caller's limits.
    const parser_options& options() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace splitstream::ingest
