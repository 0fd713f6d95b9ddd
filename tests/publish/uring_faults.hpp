#pragma once
// What the kernel's io_uring can answer but never does on demand: a refused
// submission, a failed wait, a send that waits in the kernel. The publish
// test programs are linked with liburing's submit and wait wrapped
// (-Wl,--wrap, tests/CMakeLists.txt), so a test can ask for them; with none
// asked for, every call goes through untouched.

namespace splitstream::test::uring_faults {

// The next `count` submissions are refused with -err, nothing taken.
void refuse_submits(int count, int err);
// From now on (until clear()) sends wait in the kernel for room, as on a
// kernel that runs them on its worker threads rather than inline.
void hold_sends_until_room();
// Every wait for a completion fails with -err until clear().
void fail_waits(int err);
// How many submissions and waits were refused so far.
int submits_refused();
int waits_failed();
// Back to the kernel's own answers; the counts start again.
void clear();

}  // namespace splitstream::test::uring_faults
