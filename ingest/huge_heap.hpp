#pragma once

namespace splitstream::ingest {

// For a command that reads a whole feed in one pass (`process`, `replay` of
// a recording; line_reader.hpp calls it): its race state grows to tens of
// megabytes, and on a virtual machine each 4 KiB page of it costs a fault
// of microseconds when first touched (one pass over a million messages:
// 11,000 faults, a tenth of its time). Asks the kernel to back the heap
// with 2 MiB pages (transparent huge pages, where the kernel gives them on
// request) and has it grow in large steps, so that most of it is covered
// before it is touched. Call once before the pass and then from time to
// time (each read block): it covers what the heap grew by since. A kernel
// or allocator that does not do this leaves the heap as it was. One thread
// only: what it advised is kept in statics.
void grow_heap_in_huge_pages();

}  // namespace splitstream::ingest
