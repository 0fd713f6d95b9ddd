#include "scaleout/journal_tail.hpp"

namespace splitstream::scaleout {

journal_tail::journal_tail(std::string stream_epoch, std::uint64_t stream_last)
    : epoch_(std::move(stream_epoch)), last_(stream_last), past_stream_(epoch_.empty()) {}

bool journal_tail::offer(std::string_view feed_epoch, std::uint64_t seq) {
    if (feed_epoch == epoch_) {
        if (seq >= last_) past_stream_ = true;
        return seq > last_;
    }
    return past_stream_;
}

}  // namespace splitstream::scaleout
