#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (their own build dir, only the
# fuzzers and the libraries they need) and runs each from its seed corpus.
#   tools/fuzz.sh [SECONDS_PER_TARGET]   default 30 (the CI run)
#   SPLITSTREAM_FUZZ_BUILD=DIR           build dir (default build/fuzz)
# Fails on any crash, leak, timeout or sanitizer report. Crash inputs are
# left in the build dir's fuzz-out/ (see docs/fuzzing.md).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
dir=${SPLITSTREAM_FUZZ_BUILD:-build/fuzz}
# The reference races, and the real races of tests/data: rounds, relays, a
# false start and a race walk, so that every feed type has seeds.
feeds=(../shared/data/feeds/*.jsonl tests/data/{rounds,relays,sprints,walks}/*.jsonl)
targets=(frame_parser engine engine_state request_target client_message journal_reader sequencer adapter_input)

CC=clang CXX=clang++ cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSPLITSTREAM_BUILD_TESTS=OFF -DSPLITSTREAM_BUILD_BENCHMARKS=OFF \
  -DSPLITSTREAM_BUILD_FUZZERS=ON -DSPLITSTREAM_WARNINGS_AS_ERRORS=ON >/dev/null
cmake --build "$dir" -j "$(nproc)" --target fuzzers

out="$dir/fuzz-out"
rm -rf "$out/seeds"
mkdir -p "$out"
ASAN_OPTIONS=detect_leaks=1 "$dir/tests/fuzz/fuzz_seeds" "$out/seeds" "${feeds[@]}"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for t in "${targets[@]}"; do
  corpus="$out/corpus/$t"  # grows across local runs; CI starts from seeds
  mkdir -p "$corpus" "$out/seeds/$t"
  seeds=("$out/seeds/$t")
  [ -d "tests/fuzz/corpus/$t" ] && seeds+=("tests/fuzz/corpus/$t")
  echo "== fuzz $t for ${seconds}s"
  "$dir/tests/fuzz/${t}_fuzz" "$corpus" "${seeds[@]}" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -error_exitcode=77 -timeout_exitcode=78 -detect_leaks=1 \
    -artifact_prefix="$out/$t-" -print_final_stats=1 2>"$out/$t.log" ||
    { tail -n 60 "$out/$t.log"; echo "fuzz $t failed: see $out/$t.log"; exit 1; }
  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)|cov: ' "$out/$t.log" | tail -n 3
done
echo "== fuzzing found nothing"
