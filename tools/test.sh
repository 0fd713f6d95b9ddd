#!/usr/bin/env bash
# Builds splitstream and runs every test: the warnings-as-errors build (with
# the short fault soak, label `soak`), the same suite under AddressSanitizer
# + UBSan, the threaded parts under ThreadSanitizer, and each libFuzzer
# target for 30 s. Installs what it needs.
#   SPLITSTREAM_SKIP_ASAN=1  skip the ASan, TSan and fuzz passes (quicker local runs)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

SPLITSTREAM_WITH_BROWSER=1 bash tools/setup.sh

# Four builds of a Beast-heavy tree on two cores dominate the run. A compiler
# cache keyed on paths relative to the checkout makes a second run (another
# clone on the same machine) mostly cache hits; a first run pays in full.
launcher=()
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi

# Every pass adds to these; the run closes on one line with the totals.
passed=0
skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

count_ctest() {  # ctest's log: "100% tests passed, 0 tests failed out of N"
  local total skips
  total=$(grep -oE 'tests failed out of [0-9]+' "$log" | tail -n 1 | grep -oE '[0-9]+$')
  skips=$(grep -cE '\*\*\*Skipped' "$log" || true)
  passed=$((passed + total - skips))
  skipped=$((skipped + skips))
}

run_gtest() {  # binary, args...: a gtest binary, counted by its [ PASSED ] line
  "$@" 2>&1 | tee "$log"
  passed=$((passed + $(grep -oE '^\[  PASSED  \] [0-9]+' "$log" | grep -oE '[0-9]+$')))
}

run_suite() {  # build-dir, extra cmake args...
  local dir=$1; shift
  cmake -S . -B "$dir" -G Ninja -DSPLITSTREAM_WARNINGS_AS_ERRORS=ON "${launcher[@]}" "$@"
  cmake --build "$dir" -j "$jobs"
  # The live player's timing-accuracy test measures wall-clock gaps: it runs
  # alone, after the rest, and gets three tries on a loaded machine.
  local timing='at_speed_1_gaps_match'
  ctest --test-dir "$dir" --output-on-failure -j "$jobs" --timeout 300 -E "$timing" | tee "$log"
  count_ctest
  ctest --test-dir "$dir" --output-on-failure --timeout 120 -R "$timing" --repeat until-pass:3 | tee "$log"
  count_ctest
}

echo "== format check"
clang-format --dry-run --Werror $(git ls-files '*.cpp' '*.hpp') 

echo "== build and test (RelWithDebInfo, -Werror)"
# Line tables (-g1) are enough for file:line in backtraces and sanitizer
# reports, and compile about a fifth faster than full debug info.
run_suite build/ci -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG"

if [ "${SPLITSTREAM_SKIP_ASAN:-0}" != 1 ]; then
  echo "== build and test under ASan+UBSan"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    run_suite build/asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DSPLITSTREAM_SANITIZE=ON -DSPLITSTREAM_BUILD_BENCHMARKS=OFF \
      -DSPLITSTREAM_WARNINGS_AS_ERRORS=OFF  # warnings are errors in the pass above

  # Threads meet only where a test runs a client or server on a thread of
  # its own next to the server's io_context, in the daemon's async logger
  # (docs/faults.md, "Threads"), and in the journal's read-ahead thread
  # (recovery, offline replay): those tests, built with TSan.
  echo "== threaded parts under TSan"
  tsan=build/tsan
  cmake -S . -B "$tsan" -G Ninja "${launcher[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" -DSPLITSTREAM_SANITIZE_THREAD=ON \
    -DSPLITSTREAM_BUILD_BENCHMARKS=OFF
  cmake --build "$tsan" -j "$jobs" --target splitstream publish_itests tools_itests replay_tests
  export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1"
  run_gtest "$tsan/tests/publish_itests" --gtest_brief=1
  run_gtest "$tsan/tests/tools_itests" --gtest_brief=1 --gtest_filter='-*at_speed_1_gaps_match*'
  run_gtest "$tsan/tests/replay_tests" --gtest_brief=1

  echo "== fuzz each target for 30 s"
  bash tools/fuzz.sh 30 | tee "$log"
  passed=$((passed + $(grep -c '^== fuzz .* for [0-9]*s$' "$log")))  # one per target
fi
# The closing line CI reads, alone and last: every test of every pass, and
# each fuzz target. Nothing may follow it; a line such as "all tests
# passed" (no count) before it reads as a runner that ran no test.
echo "${passed} passed, 0 failed, ${skipped} skipped"
