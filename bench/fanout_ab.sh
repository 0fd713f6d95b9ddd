#!/usr/bin/env bash
# Two builds of splitstream on the harness's fan-out scenarios, in one run
# (docs/benchmarks.md, "Two builds in one run"): rounds that alternate the
# builds, each round one run-peers.sh run of each, pinned and at real-time
# priority as in bench/fanout_peers.sh. Figures move 1.5-2x between
# minutes on a shared machine; the alternation is what makes a ratio of
# the two builds mean something.
#
#   BASE_BIN=/path/to/older/splitstream bench/fanout_ab.sh
# Environment: BASE_BIN (required: the build to compare with),
# SPLITSTREAM_BIN (build/bench/tools/splitstream/splitstream), SCENARIOS
# ("c"), PEERS ("splitstream": plain subscribers; "splitstream-batch" for
# batch=1, or both), ROUNDS (4), CLIENT_ARGS, WORK
# (/tmp/splitstream-fanout). Prints the harness's medians table with the
# builds as "base" and "current" (plus "-batch").
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
harness=${HARNESS:-$root/../shared/tools/fanout-bench}
work=${WORK:-/tmp/splitstream-fanout}
current=$(realpath "${SPLITSTREAM_BIN:-$root/build/bench/tools/splitstream/splitstream}")
base=$(realpath "${BASE_BIN:?set BASE_BIN to the splitstream build to compare with}")
for bin in "$current" "$base"; do
    [ -x "$bin" ] || { echo "no splitstream at $bin" >&2; exit 2; }
done

mkdir -p "$work"
cp -r "$harness/." "$work/"
# Installs what the harness needs and builds it, at normal priority.
(cd "$work" && PEERS=splitstream SPLITSTREAM_BIN="$current" SCENARIOS=a PLACEMENTS=pinned RUNS=1 \
    OUT=results/warm-up bash run-peers.sh >/dev/null)

out=$work/results/ab-$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$out"
for round in $(seq "${ROUNDS:-4}"); do
    for build in base current; do
        bin=$base
        [ "$build" = current ] && bin=$current
        echo "== round $round, $build ($bin)"
        (cd "$work" && chrt -f 50 env SKIP_INSTALL=1 SPLITSTREAM_BIN="$bin" PEERS="${PEERS:-splitstream}" \
            SCENARIOS="${SCENARIOS:-c}" PLACEMENTS=pinned RUNS=1 CLIENT_ARGS="${CLIENT_ARGS:-}" \
            OUT="$out/$build-$round" bash run-peers.sh)
        # The harness labels runs peer/scenario/placement/run: the build
        # takes the peer's place and the round the run's.
        sed -e "s#\"label\":\"splitstream#\"label\":\"$build#" -e "s#/pinned/1\"#/pinned/$round\"#" \
            "$out/$build-$round/results.jsonl" >>"$out/results.jsonl"
    done
done
node "$work/summarize.js" "$out/results.jsonl" | tee "$out/summary.md"
echo "results: $out (summary.md, results.jsonl; each run's logs in its own folder)"
