#!/usr/bin/env bash
# The one-command demo: installs what is needed, builds, starts the race
# simulator as the upstream timing feed and `splitstream serve` connected
# to it, prints the URLs, and shows the live ticker until Ctrl-C. Everything
# it started stops with it.
#   SPLITSTREAM_DEMO_PORT  subscriber port (default 8080)
#   SPLITSTREAM_DEMO_SEED  simulator seed (default 2023)
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/setup.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DSPLITSTREAM_BUILD_TESTS=OFF \
  -DSPLITSTREAM_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build build/release -j "$(nproc)" --target splitstream
bin=build/release/tools/splitstream/splitstream

port=${SPLITSTREAM_DEMO_PORT:-8080}
feed_port=$((port + 1))
seed=${SPLITSTREAM_DEMO_SEED:-2023}
work=$(mktemp -d)
pids=()
cleanup() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

"$bin" sim --seed "$seed" --serve "127.0.0.1:$feed_port" --loop >"$work/sim.log" 2>&1 &
pids+=($!)
"$bin" serve --upstream "ws://127.0.0.1:$feed_port/feed" --listen "127.0.0.1:$port" \
  --journal "$work/demo.journal" >"$work/serve.log" 2>&1 &
pids+=($!)

for _ in $(seq 1 50); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
cat <<EOT

splitstream is running (simulated championship session, seed $seed).
  stream    ws://127.0.0.1:$port/v1/stream
  events    http://127.0.0.1:$port/v1/events
  metrics   http://127.0.0.1:$port/metrics
  ticker    http://127.0.0.1:$port/ticker
  graphics  http://127.0.0.1:$port/graphics?event=<id from /v1/events>
Live ticker below; Ctrl-C stops everything.

EOT
"$bin" tail "ws://127.0.0.1:$port/v1/stream" &
pids+=($!)
wait "${pids[2]}"
