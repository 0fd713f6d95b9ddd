#include "scaleout/snapshot_pointer.hpp"

#include <sstream>

namespace splitstream::scaleout {

std::string format_pointer(const snapshot_pointer& p) {
    return p.stream_epoch + " " + std::to_string(p.stream_seq) + " " + std::to_string(p.chunks) + " " +
           std::to_string(p.bytes) + " " + std::to_string(p.checksum);
}

std::optional<snapshot_pointer> parse_pointer(std::string_view text) {
    std::istringstream in{std::string(text)};
    snapshot_pointer p;
    if (!(in >> p.stream_epoch >> p.stream_seq >> p.chunks >> p.bytes >> p.checksum)) return std::nullopt;
    std::string extra;
    if (in >> extra) return std::nullopt;
    return p;
}

}  // namespace splitstream::scaleout
