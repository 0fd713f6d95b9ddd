#pragma once
// The frame of an engine snapshot (engine::save, engine::restore): a name,
// the format version, the body's length, the body and its FNV-1a 64
// checksum, so a truncated, corrupt or other-version snapshot is refused
// before its body is read. Pure.

#include <cstdint>
#include <string>
#include <string_view>

namespace splitstream::feed::engine_state {

// The version this program writes and reads. A change of the body's
// layout takes the next number.
inline constexpr std::uint64_t version = 1;

std::uint64_t checksum(std::string_view bytes);

// The snapshot holding `body`.
std::string seal(std::string_view body);

// The body of `snapshot`, or false with `error` saying why not.
bool open(std::string_view snapshot, std::string_view& body, std::string& error);

}  // namespace splitstream::feed::engine_state
