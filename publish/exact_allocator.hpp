#pragma once
// An allocator for the one operation every idle subscriber keeps pending
// (its wait for readability). By default Asio recycles operation memory per
// thread and hands a cached block to any smaller operation, so a wait that
// needs about a hundred bytes can hold a block three times that size left
// by an accept or a write; with this allocator bound to its handler, the
// wait gets exactly its own size from the heap.

#include <cstddef>
#include <new>

namespace splitstream::publish {

template <class T>
struct exact_allocator {
    using value_type = T;

    exact_allocator() noexcept = default;
    template <class U>
    exact_allocator(const exact_allocator<U>&) noexcept {}

    T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T))); }
    void deallocate(T* p, std::size_t) noexcept { ::operator delete(p); }

    template <class U>
    bool operator==(const exact_allocator<U>&) const noexcept {
        return true;
    }
};

}  // namespace splitstream::publish
