#!/usr/bin/env bash
# Builds splitstream and runs every test: the warnings-as-errors build, then
# the same suite under AddressSanitizer + UBSan. Installs what it needs.
#   SPLITSTREAM_SKIP_ASAN=1  skip the sanitizer pass (quicker local runs)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

SPLITSTREAM_WITH_BROWSER=1 bash tools/setup.sh

run_suite() {  # build-dir, extra cmake args...
  local dir=$1; shift
  cmake -S . -B "$dir" -G Ninja -DSPLITSTREAM_WARNINGS_AS_ERRORS=ON "$@"
  cmake --build "$dir" -j "$jobs"
  # The live player's timing-accuracy test measures wall-clock gaps: it runs
  # alone, after the rest, and gets three tries on a loaded machine.
  local timing='at_speed_1_gaps_match'
  ctest --test-dir "$dir" --output-on-failure -j "$jobs" --timeout 300 -E "$timing"
  ctest --test-dir "$dir" --output-on-failure --timeout 120 -R "$timing" --repeat until-pass:3
}

echo "== format check"
clang-format --dry-run --Werror $(git ls-files '*.cpp' '*.hpp') 

echo "== build and test (RelWithDebInfo, -Werror)"
run_suite build/ci -DCMAKE_BUILD_TYPE=RelWithDebInfo

if [ "${SPLITSTREAM_SKIP_ASAN:-0}" != 1 ]; then
  echo "== build and test under ASan+UBSan"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    run_suite build/asan -DCMAKE_BUILD_TYPE=Debug -DSPLITSTREAM_SANITIZE=ON -DSPLITSTREAM_BUILD_BENCHMARKS=OFF \
      -DSPLITSTREAM_WARNINGS_AS_ERRORS=OFF  # warnings are errors in the pass above
fi
echo "== all tests passed"
