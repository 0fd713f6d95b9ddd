#include "publish/frame_ring.hpp"

#include <algorithm>
#include <limits>
#include <utility>

namespace splitstream::publish {

namespace {
std::uint32_t round_up_pow2(std::size_t n) {
    std::uint32_t p = 1;
    while (p < n && p < (1u << 31)) p <<= 1;
    return p;
}
}  // namespace

frame_ring::frame_ring(std::size_t max_messages, std::size_t initial_capacity)
    : initial_(round_up_pow2(initial_capacity == 0 ? 1 : initial_capacity)),
      max_(std::min<std::size_t>(max_messages, std::size_t{1} << 31)) {}

void frame_ring::grow() {
    // Doubling, keeping order; rare once a subscriber is warm.
    const std::uint32_t bigger = capacity_ == 0 ? initial_ : capacity_ * 2;
    auto slots = std::make_unique<frame_ptr[]>(bigger);
    for (std::uint32_t i = 0; i < size_; ++i) slots[i] = std::move(slots_[(head_ + i) & (capacity_ - 1)]);
    slots_ = std::move(slots);
    capacity_ = bigger;
    head_ = 0;
}

bool frame_ring::push(frame_ptr f) {
    if (size_ >= max_) return false;
    if (size_ == capacity_) grow();
    slots_[(head_ + size_) & (capacity_ - 1)] = std::move(f);
    ++size_;
    return true;
}

void frame_ring::pop(std::size_t n) {
    for (std::size_t i = 0; i < n && size_ > 0; ++i) {
        slots_[head_].reset();
        head_ = (head_ + 1) & (capacity_ - 1);
        --size_;
    }
}

void frame_ring::truncate(std::size_t keep) {
    while (size_ > keep) {
        slots_[(head_ + size_ - 1) & (capacity_ - 1)].reset();
        --size_;
    }
    // A subscriber being closed keeps no memory.
    if (size_ == 0) release();
}

void frame_ring::release() {
    if (size_ != 0) return;
    slots_.reset();
    capacity_ = 0;
    head_ = 0;
}

}  // namespace splitstream::publish
