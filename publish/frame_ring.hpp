#pragma once
// A subscriber's outgoing queue: a ring of shared frame pointers, bounded in
// messages. No storage until the first push; then it starts small and
// doubles up to the bound, so a busy subscriber stops allocating once grown
// (a push copies one pointer) and release() gives it all back when the
// subscriber is idle again. Every idle subscriber carries one, so it is
// kept to a pointer and four counters.

#include <cstddef>
#include <cstdint>
#include <memory>

#include "publish/frame.hpp"

namespace splitstream::publish {

class frame_ring {
public:
    explicit frame_ring(std::size_t max_messages, std::size_t initial_capacity = 8);

    // False, and nothing stored, when the ring already holds max_messages.
    bool push(frame_ptr f);
    const frame_ptr& at(std::size_t i) const { return slots_[(head_ + i) & (capacity_ - 1)]; }
    const frame_ptr& front() const { return at(0); }
    // Drops the first n frames (n <= size()).
    void pop(std::size_t n);
    // Drops every frame after the first `keep`.
    void truncate(std::size_t keep);
    // Frees the storage of an empty ring (the next push allocates again).
    void release();
    // The same, only for a ring that never grew past its initial size.
    void release_if_small() {
        if (capacity_ <= initial_) release();
    }

    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    std::size_t max_messages() const { return max_; }
    // Slots allocated (0 when released).
    std::size_t capacity() const { return capacity_; }

private:
    void grow();

    std::unique_ptr<frame_ptr[]> slots_;
    std::uint32_t capacity_ = 0;  // a power of two, or 0 before the first push
    std::uint32_t head_ = 0;
    std::uint32_t size_ = 0;
    std::uint32_t initial_;
    std::size_t max_;
};

}  // namespace splitstream::publish
