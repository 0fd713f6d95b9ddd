// A batch pass's heap in huge pages (ingest/huge_heap.hpp): a state that
// grows by tens of megabytes is faulted in a few times per 2 MiB, not once
// per 4 KiB page (on a virtual machine each fault costs microseconds).

#include "ingest/huge_heap.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace splitstream::ingest {
namespace {

long minor_faults() {
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    return u.ru_minflt;
}

// "always [madvise] never": whether a region can ask for huge pages.
bool huge_pages_on_request() {
    std::ifstream f("/sys/kernel/mm/transparent_hugepage/enabled");
    std::string modes;
    std::getline(f, modes);
    return modes.find("[always]") != std::string::npos || modes.find("[madvise]") != std::string::npos;
}

TEST(huge_heap, a_growing_state_is_faulted_in_far_fewer_times_than_it_has_4k_pages) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    GTEST_SKIP() << "the sanitizer's allocator has no heap made by the break";
#endif
    if (!huge_pages_on_request()) GTEST_SKIP() << "this kernel gives no transparent huge pages on request";
    constexpr std::size_t block = 64 << 10;
    constexpr std::size_t total = 32 << 20;
    std::vector<std::unique_ptr<char[]>> state;
    state.reserve(total / block);
    grow_heap_in_huge_pages();
    const long before = minor_faults();
    // As `process` does: the state grows, and the heap is looked at again
    // after each piece of the pass.
    for (std::size_t i = 0; i < total / block; ++i) {
        state.push_back(std::make_unique<char[]>(block));
        std::memset(state.back().get(), 1, block);
        grow_heap_in_huge_pages();
    }
    const long faults = minor_faults() - before;
    constexpr long small_pages = total / 4096;  // 8,192
    EXPECT_LT(faults, small_pages / 8) << "faults for " << (total >> 20) << " MiB of state";
}

}  // namespace
}  // namespace splitstream::ingest
