#!/usr/bin/env bash
# The whole pipeline against the bare parse, whole processes, same run
# (docs/benchmarks.md, Pipeline): writes the synthetic road race to a file,
# then times `splitstream process FILE > /dev/null` and `bare_parse_file
# FILE` (simdjson On-Demand over the same lines, every value read) in
# interleaved rounds, pinned to one CPU at real-time priority when allowed,
# and prints each round, the medians and the ratio.
#
#   bench/process_vs_parse.sh [BUILD_DIR]      (default build/bench)
#
# Environment: ROUNDS (7), CPU (1), FEED (a temporary file; kept when
# given), ATHLETES and SPLIT_ROUNDS (24 x 41667: 1,000,011 lines),
# SPLITSTREAM (the program to time; default BUILD_DIR's, e.g. an older
# build to compare).
set -euo pipefail

build=${1:-build/bench}
rounds=${ROUNDS:-7}
cpu=${CPU:-1}
athletes=${ATHLETES:-24}
split_rounds=${SPLIT_ROUNDS:-41667}
splitstream=${SPLITSTREAM:-$build/tools/splitstream/splitstream}
for bin in tools/splitstream/splitstream bench/road_race_file bench/bare_parse_file; do
    [[ -x $build/$bin ]] || { echo "missing $build/$bin: ninja -C $build splitstream road_race_file bare_parse_file" >&2; exit 2; }
done

feed=${FEED:-}
if [[ -z $feed ]]; then
    feed=$(mktemp --suffix=.jsonl)
    trap 'rm -f "$feed"' EXIT
fi
"$build/bench/road_race_file" "$feed" "$athletes" "$split_rounds"
echo "feed: $feed, $(wc -l < "$feed") lines, $(stat -c %s "$feed") bytes"

pin=(taskset -c "$cpu")
if chrt -f 50 true 2>/dev/null; then pin=(chrt -f 50 "${pin[@]}"); else echo "(not real-time: chrt refused)"; fi

# Wall time of one run in microseconds; the output goes nowhere.
run_us() {
    local start end
    start=$(date +%s%N)
    "${pin[@]}" "$@" > /dev/null 2>&1
    end=$(date +%s%N)
    echo $(((end - start) / 1000))
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Both read the file once unmeasured, so the page cache holds it for every round.
cat "$feed" > /dev/null
process_times=() parse_times=() ratios=()
printf '%-6s %12s %12s %7s\n' round "process ms" "parse ms" ratio
for r in $(seq "$rounds"); do
    # Alternate which goes first, so neither always meets the machine's
    # state after the other.
    if ((r % 2)); then
        p=$(run_us "$splitstream" process "$feed")
        b=$(run_us "$build/bench/bare_parse_file" "$feed")
    else
        b=$(run_us "$build/bench/bare_parse_file" "$feed")
        p=$(run_us "$splitstream" process "$feed")
    fi
    ratio=$(awk -v p="$p" -v b="$b" 'BEGIN { printf "%.2f", p / b }')
    process_times+=("$p") parse_times+=("$b") ratios+=("$ratio")
    printf '%-6s %12.1f %12.1f %7s\n' "$r" "$(awk -v t="$p" 'BEGIN { print t / 1000 }')" \
        "$(awk -v t="$b" 'BEGIN { print t / 1000 }')" "$ratio"
done
pm=$(printf '%s\n' "${process_times[@]}" | median)
bm=$(printf '%s\n' "${parse_times[@]}" | median)
rm_=$(printf '%s\n' "${ratios[@]}" | median)
rmin=$(printf '%s\n' "${ratios[@]}" | sort -n | head -1)
rmax=$(printf '%s\n' "${ratios[@]}" | sort -n | tail -1)
echo "median: process $(awk -v t="$pm" 'BEGIN { print t / 1000 }') ms, bare parse $(awk -v t="$bm" 'BEGIN { print t / 1000 }') ms"
# The busy machine only ever adds time: the fastest run of each is the
# least disturbed.
pmin=$(printf '%s\n' "${process_times[@]}" | sort -n | head -1)
bmin=$(printf '%s\n' "${parse_times[@]}" | sort -n | head -1)
echo "ratio per round: median ${rm_}x, range ${rmin}-${rmax}x (target: at most 3x)"
echo "fastest runs: process $(awk -v t="$pmin" 'BEGIN { print t / 1000 }') ms, bare parse $(awk -v t="$bmin" 'BEGIN { print t / 1000 }') ms, ratio $(awk -v p="$pmin" -v b="$bmin" 'BEGIN { printf "%.2f", p / b }')x"
