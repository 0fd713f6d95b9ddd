#include "publish/frame_ring.hpp"

#include <utility>

namespace splitstream::publish {

namespace {
std::size_t round_up_pow2(std::size_t n) {
    std::size_t p = 1;
    while (p < n) p <<= 1;
    return p;
}
}  // namespace

frame_ring::frame_ring(std::size_t max_messages, std::size_t initial_capacity)
    : initial_(round_up_pow2(initial_capacity == 0 ? 1 : initial_capacity)), max_(max_messages) {}

bool frame_ring::push(frame_ptr f) {
    if (size_ >= max_) return false;
    if (slots_.empty()) {
        slots_.resize(initial_);
        head_ = 0;
    } else if (size_ == slots_.size()) {
        // Grow by doubling, keeping order; rare once a subscriber is warm.
        std::vector<frame_ptr> bigger(slots_.size() * 2);
        for (std::size_t i = 0; i < size_; ++i)
            bigger[i] = std::move(slots_[(head_ + i) & (slots_.size() - 1)]);
        slots_ = std::move(bigger);
        head_ = 0;
    }
    slots_[(head_ + size_) & (slots_.size() - 1)] = std::move(f);
    ++size_;
    return true;
}

void frame_ring::pop(std::size_t n) {
    for (std::size_t i = 0; i < n && size_ > 0; ++i) {
        slots_[head_].reset();
        head_ = (head_ + 1) & (slots_.size() - 1);
        --size_;
    }
}

void frame_ring::truncate(std::size_t keep) {
    while (size_ > keep) {
        slots_[(head_ + size_ - 1) & (slots_.size() - 1)].reset();
        --size_;
    }
    // A subscriber being closed keeps no memory.
    if (size_ == 0) release();
}

void frame_ring::release() {
    if (size_ != 0) return;
    std::vector<frame_ptr>().swap(slots_);
    head_ = 0;
}

}  // namespace splitstream::publish
