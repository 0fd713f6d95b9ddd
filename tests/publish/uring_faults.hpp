#pragma once
// What the kernel's io_uring can do but never does on demand: refuse a
// submission, or complete a send later instead of inline. The publish test
// programs are linked with liburing's submit wrapped (-Wl,--wrap,
// tests/CMakeLists.txt), so a test can ask for them; with none asked for,
// every call goes through untouched.

namespace splitstream::test::uring_faults {

// The next `count` submissions are refused with -err, nothing taken.
void refuse_submits(int count, int err);
// From now on (until clear()) sends run on the kernel's worker threads and
// wait there for room: each ends after its submit has returned, as on a
// kernel that does not run them inline.
void complete_sends_later();
// How many submissions were refused so far.
int submits_refused();
// Back to the kernel's own answers; the counts start again.
void clear();

}  // namespace splitstream::test::uring_faults
