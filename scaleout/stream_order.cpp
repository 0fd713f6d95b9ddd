#include "scaleout/stream_order.hpp"

#include <charconv>

namespace splitstream::scaleout {

bool parse_message_id(std::string_view id, std::string_view& epoch, std::uint64_t& seq) {
    const auto colon = id.rfind(':');
    if (colon == std::string_view::npos || colon + 1 == id.size()) return false;
    const auto digits = id.substr(colon + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
    if (ec != std::errc{} || end != digits.data() + digits.size()) return false;
    epoch = id.substr(0, colon);
    return true;
}

std::string message_id(std::string_view feed_epoch, std::uint64_t seq) {
    std::string out(feed_epoch);
    out += ':';
    out += std::to_string(seq);
    return out;
}

stream_verdict stream_order::offer(std::string_view message_id) {
    std::string_view epoch;
    std::uint64_t seq = 0;
    if (!parse_message_id(message_id, epoch, seq)) return stream_verdict::bad_id;
    if (started_ && epoch == epoch_ && seq <= last_) return stream_verdict::copy;
    if (!started_ || epoch != epoch_) epoch_ = epoch;
    started_ = true;
    last_ = seq;
    return stream_verdict::apply;
}

}  // namespace splitstream::scaleout
