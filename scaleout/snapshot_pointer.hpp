#pragma once
// The bucket's pointer at the latest stored node state (docs/scale-out.md,
// Snapshots): "<stream epoch> <stream seq> <chunks> <bytes> <checksum>",
// and the size of the chunks the state is stored in. Pure: snapshot_store
// reads and writes it.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace splitstream::scaleout {

inline constexpr std::size_t chunk_bytes = 512 * 1024;

struct snapshot_pointer {
    std::string stream_epoch;
    std::uint64_t stream_seq = 0;
    std::uint64_t chunks = 0;
    std::uint64_t bytes = 0;
    std::uint64_t checksum = 0;
};

std::string format_pointer(const snapshot_pointer& p);
std::optional<snapshot_pointer> parse_pointer(std::string_view text);

}  // namespace splitstream::scaleout
