#include "scaleout/publish_queue.hpp"

namespace splitstream::scaleout {

bool publish_queue::offer(std::string id, std::string bytes, std::string subject) {
    if (frames_.size() >= max_frames_) return false;
    entry e;
    e.frame.number = next_number_++;
    e.frame.expected_last = last_id_;
    e.frame.id = std::move(id);
    e.frame.bytes = std::move(bytes);
    e.frame.subject = std::move(subject);
    last_id_ = e.frame.id;
    frames_.push_back(std::move(e));
    return true;
}

std::optional<outgoing_frame> publish_queue::next(std::size_t window, clock::time_point now) {
    if (sent_ >= frames_.size() || sent_ >= window) return std::nullopt;
    auto& e = frames_[sent_++];
    e.sent_at = now;
    return e.frame;
}

publish_queue::entry* publish_queue::find(std::uint64_t number) {
    if (frames_.empty() || number < frames_.front().frame.number) return nullptr;
    const auto at = number - frames_.front().frame.number;
    return at < frames_.size() ? &frames_[at] : nullptr;
}

void publish_queue::acknowledged(std::uint64_t number) {
    auto* e = find(number);
    if (e == nullptr) return;  // a late answer for a frame already done
    e->acked = true;
    while (!frames_.empty() && frames_.front().acked) {
        frames_.pop_front();
        if (sent_ > 0) --sent_;
    }
}

void publish_queue::refused(std::uint64_t number, bool wrong_last) {
    auto* e = find(number);
    if (e == nullptr || e->acked) return;
    if (wrong_last && e == &frames_.front()) e->frame.expected_last.clear();
    rewind();
}

bool publish_queue::rewind_if_overdue(clock::time_point now, clock::duration timeout) {
    if (sent_ == 0 || now - frames_.front().sent_at <= timeout) return false;
    rewind();
    return true;
}

}  // namespace splitstream::scaleout
