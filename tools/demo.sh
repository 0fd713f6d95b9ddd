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
trap cleanup EXIT
trap 'cleanup; echo; echo "demo: stopped"; exit 0' INT TERM

for p in "$port" "$feed_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    echo "demo: port $p on 127.0.0.1 is already in use; set SPLITSTREAM_DEMO_PORT to another port" >&2
    exit 1
  fi
done

"$bin" sim --seed "$seed" --serve "127.0.0.1:$feed_port" --loop >"$work/sim.log" 2>&1 &
pids+=($!)
"$bin" serve --upstream "ws://127.0.0.1:$feed_port/feed" --listen "127.0.0.1:$port" \
  --journal "$work/demo.journal" >"$work/serve.log" 2>&1 &
pids+=($!)

ready=0
for _ in $(seq 1 100); do
  if curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then ready=1; break; fi
  if ! kill -0 "${pids[1]}" 2>/dev/null; then break; fi
  sleep 0.2
done
if [ "$ready" != 1 ]; then
  echo "demo: splitstream serve did not become ready; its log:" >&2
  cat "$work/serve.log" >&2
  exit 1
fi
cat <<EOT

splitstream is running (simulated championship session, seed $seed).
  stream    ws://127.0.0.1:$port/v1/stream
  events    http://127.0.0.1:$port/v1/events
  metrics   http://127.0.0.1:$port/metrics
  ticker    http://127.0.0.1:$port/ticker
  graphics  http://127.0.0.1:$port/graphics?event=<id from /v1/events>
The men's 1500 m final (Budapest 2023 start list and results) gets its
gun about a minute in; three more events follow. Live ticker below;
Ctrl-C stops everything.

EOT
"$bin" tail "ws://127.0.0.1:$port/v1/stream" &
pids+=($!)
wait "${pids[2]}"
