#pragma once
// Internal to the frame parser: what the walk over a frame collects
// (`frame_fields`) and the step that turns it into the typed message or the
// first rejection (`build_message`), once `type` is known.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "feed/message.hpp"
#include "ingest/frame_keys.hpp"
#include "ingest/frame_lists.hpp"
#include "ingest/frame_parser.hpp"
#include "ingest/frame_scan.hpp"

namespace splitstream::ingest::frame_parsing {

inline constexpr scalar absent_value{};

// The top-level values of one frame by slot, its type once known and the
// startlist's lists. Reused between frames: no allocation per frame.
struct frame_fields {
    std::array<scalar, scalar_slot_count> values{};
    std::uint64_t seen = 0;  // bit per slot present in the current frame
    static_assert(scalar_slot_count <= 64, "one bit of `seen` per scalar slot");
    std::optional<feed::message_type> type;
    startlist_lists lists;

    const scalar& get(slot s) const {
        auto i = static_cast<std::size_t>(s);
        return (seen >> i) & 1U ? values[i] : absent_value;
    }
};

// Checks the collected fields against the schema of their type and writes
// the message into `out`, reusing the strings of the message it holds, or
// the first problem as a rejection.
void build_message(frame_fields& fields, parse_outcome& out);

}  // namespace splitstream::ingest::frame_parsing
