#!/usr/bin/env bash
# Fan-out against the peers, in one run (docs/benchmarks.md, "Fan-out
# against the peers"): the harness of ../shared/tools/fanout-bench measures
# uWebSockets, NATS, nchan and this build's `splitstream serve` (plain and
# `batch=1` subscribers) in its scenarios a-c, pinned (server on CPU 0,
# harness on CPU 1), each peer in turn, RUNS rounds.
#
# The measured run is at real-time priority (SCHED_FIFO 50, inherited by
# every server and the harness alike), so that builds or tests elsewhere on
# the machine do not preempt whoever is being measured: on a shared 2-core
# machine this is what makes figures of one run comparable. It does not
# make them comparable with figures of another day.
#
#   bench/fanout_peers.sh
# Environment: SPLITSTREAM_BIN (build/bench/tools/splitstream/splitstream),
# UWS_SRC and USOCKETS_SRC (checkouts of uWebSockets and uSockets: the uws
# peer is built from them, and left out without them), SCENARIOS ("a b c"),
# RUNS (2), CLIENT_ARGS (e.g. "--stamp scheduled"), WORK (a copy of the
# harness and its results: /tmp/splitstream-fanout), PEERS (default: every
# peer there is; `splitstream-awake` only when named), SPLITSTREAM_ARGS
# (more flags for `serve`, e.g. "--threads 2"), KEEP_AWAKE_MS (1000, for
# splitstream-awake). Scenario `m` is (a)'s rate to 30 subscribers.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
harness=${HARNESS:-$root/../shared/tools/fanout-bench}
work=${WORK:-/tmp/splitstream-fanout}
bin=$(realpath "${SPLITSTREAM_BIN:-$root/build/bench/tools/splitstream/splitstream}")
[ -x "$bin" ] || { echo "no splitstream at $bin: build it or set SPLITSTREAM_BIN" >&2; exit 2; }

# The harness writes its build and results beside itself: work on a copy.
mkdir -p "$work"
cp -r "$harness/." "$work/"
# Two additions to the copy (docs/benchmarks.md, "Where (a)'s tail comes
# from"): scenario m, (a)'s rate to 30 subscribers, where the harness's
# client has room; and the peer splitstream-awake, this build with
# `--keep-awake-ms KEEP_AWAKE_MS` (1000) and plain subscribers. Neither runs
# unless SCENARIOS or PEERS names it.
python3 - "$work/run-peers.sh" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
edits = [
    ('    a) SUBS=100 RATE=1000 MESSAGES=10000 DURATION=20 EXTRA="" ;;\n',
     '    a) SUBS=100 RATE=1000 MESSAGES=10000 DURATION=20 EXTRA="" ;;\n'
     '    m) SUBS=30 RATE=1000 MESSAGES=10000 DURATION=20 EXTRA="" ;;\n'),
    ('    splitstream | splitstream-batch)\n        "${cpu[@]}" "${SPLITSTREAM_BIN:?set SPLITSTREAM_BIN to the splitstream binary}" serve \\\n',
     '    splitstream | splitstream-batch | splitstream-awake)\n'
     '        local ssbin=$SPLITSTREAM_BIN\n'
     '        [ "$1" = splitstream-awake ] && ssbin=$SPLITSTREAM_AWAKE_BIN\n'
     '        "${cpu[@]}" "${ssbin:?set SPLITSTREAM_BIN to the splitstream binary}" serve \\\n'),
    ('    splitstream) echo "--sub-url', '    splitstream | splitstream-awake) echo "--sub-url'),
    ('    splitstream | splitstream-batch) # the feed', '    splitstream | splitstream-batch | splitstream-awake) # the feed'),
]
for old, new in edits:
    if text.count(old) != 1:
        sys.exit("fanout_peers.sh: the harness's run-peers.sh changed; cannot add scenario m and splitstream-awake")
    text = text.replace(old, new)
open(path, 'w').write(text)
PY
if [ -n "${UWS_SRC:-}" ] && [ ! -x "$work/build/uws-relay" ]; then
    UWS_SRC=$UWS_SRC USOCKETS_SRC=${USOCKETS_SRC:?set USOCKETS_SRC with UWS_SRC} bash "$work/build-uws.sh"
fi
peers="nats nchan splitstream splitstream-batch"
[ -x "$work/build/uws-relay" ] && peers="uws $peers"
peers=${PEERS:-$peers}
awake=$work/splitstream-awake
printf '#!/bin/sh\nexec %q "$@" %s --keep-awake-ms %d\n' "$bin" "${SPLITSTREAM_ARGS:-}" "${KEEP_AWAKE_MS:-1000}" >"$awake"
chmod +x "$awake"
if [ -n "${SPLITSTREAM_ARGS:-}" ]; then
    # The harness starts `serve` with its own flags: these go after them.
    wrapper=$work/splitstream-with-args
    printf '#!/bin/sh\nexec %q "$@" %s\n' "$bin" "$SPLITSTREAM_ARGS" >"$wrapper"
    chmod +x "$wrapper"
    bin=$wrapper
fi

# Installs the peers and builds the harness at normal priority (a short
# warm-up run of one peer), then measures at real-time priority.
(cd "$work" && PEERS=nchan SCENARIOS=a PLACEMENTS=pinned RUNS=1 OUT=results/warm-up bash run-peers.sh >/dev/null)
out=results/$(date -u +%Y%m%d-%H%M%S)
(cd "$work" && chrt -f 50 env SKIP_INSTALL=1 SPLITSTREAM_BIN="$bin" SPLITSTREAM_AWAKE_BIN="$awake" UWS_RELAY="$work/build/uws-relay" \
    PEERS="$peers" SCENARIOS="${SCENARIOS:-a b c}" PLACEMENTS=pinned RUNS="${RUNS:-2}" \
    CLIENT_ARGS="${CLIENT_ARGS:-}" OUT="$out" bash run-peers.sh)
echo "results: $work/$out (summary.md, results.jsonl, machine.txt)"
