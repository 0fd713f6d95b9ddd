#include "ingest/huge_heap.hpp"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>

namespace splitstream::ingest {

namespace {

constexpr std::uintptr_t page = 4096;
// The heap's growth step: the break moves this far beyond a request, so a
// pass's state lies mostly in a stretch advised before it is touched.
constexpr int growth_step = 64 << 20;

// Where the heap was advised up to; 0 until the first call.
std::uintptr_t advised_to = 0;

}  // namespace

void grow_heap_in_huge_pages() {
    const auto end = reinterpret_cast<std::uintptr_t>(::sbrk(0));
    if (advised_to == 0) {
        ::mallopt(M_TOP_PAD, growth_step);
        // Blocks as large as a step stay in the heap rather than in a
        // mapping of their own, which would be faulted in 4 KiB pages.
        ::mallopt(M_MMAP_THRESHOLD, growth_step);
        ::mallopt(M_TRIM_THRESHOLD, 2 * growth_step);
        advised_to = end & ~(page - 1);
    }
    if (end <= advised_to) return;
    // Failure (no THP, a heap not made by the break) leaves 4 KiB pages.
    ::madvise(reinterpret_cast<void*>(advised_to), end - advised_to, MADV_HUGEPAGE);
    advised_to = (end + page - 1) & ~(page - 1);
}

}  // namespace splitstream::ingest
