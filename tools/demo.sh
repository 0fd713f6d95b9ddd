#!/usr/bin/env bash
# The one-command demo: installs what is needed, builds, starts the race
# simulator as the upstream timing feed and `splitstream serve` connected
# to it, prints the URLs, and shows the live ticker until Ctrl-C. Everything
# it started stops with it.
#   SPLITSTREAM_DEMO_PORT  subscriber port (default 8080)
#   SPLITSTREAM_DEMO_SEED  simulator seed (default 2023)
#   SPLITSTREAM_DEMO_BIN   a splitstream program already built: no set-up,
#                          no build (the test of the demo uses it)
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${SPLITSTREAM_DEMO_BIN:-}
if [ -z "$bin" ]; then
  bash tools/setup.sh
  cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DSPLITSTREAM_BUILD_TESTS=OFF \
    -DSPLITSTREAM_BUILD_BENCHMARKS=OFF >/dev/null
  cmake --build build/release -j "$(nproc)" --target splitstream
  bin=build/release/tools/splitstream/splitstream
fi

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
finish() {
  cleanup
  echo
  echo "demo: stopped"
  exit 0
}
trap cleanup EXIT
trap finish INT TERM

for p in "$port" "$feed_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    echo "demo: port $p on 127.0.0.1 is already in use; set SPLITSTREAM_DEMO_PORT to another port" >&2
    exit 1
  fi
done

# --wall-clock: the session starts now, so the pages' times of day are the
# viewer's own (the built-in session is otherwise dated Budapest 2023). It
# plays once: a second pass (--loop) would carry the first pass's times.
"$bin" sim --seed "$seed" --serve "127.0.0.1:$feed_port" --wall-clock >"$work/sim.log" 2>&1 &
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
# The events of the session, from the feed the simulator serves: one
# overlay URL each ("<event>\t<name>" per startlist).
events=$("$bin" sim --seed "$seed" --out - |
  sed -nE 's/.*"type":"startlist",.*"event":"([^"]*)","name":"([^"]*)".*/\1\t\2/p')
cat <<EOT

splitstream is running (simulated championship session, seed $seed, on this machine's clock).
  pages     http://127.0.0.1:$port/  (the events, each with its ticker and overlay)
  ticker    http://127.0.0.1:$port/ticker
EOT
label="graphics"
while IFS=$'\t' read -r id name; do
  printf '  %-9s http://127.0.0.1:%s/graphics?event=%s  (%s)\n' "$label" "$port" "$id" "$name"
  label=""
done <<<"$events"
cat <<EOT
  stream    ws://127.0.0.1:$port/v1/stream
  events    http://127.0.0.1:$port/v1/events
  metrics   http://127.0.0.1:$port/metrics
The men's 1500 m final (Budapest 2023 start list and results) gets its
gun about a minute in; three more events follow, and the results stay up
once the session ends (about 25 minutes). The program is
$bin (\`cmake --install build/release --prefix ~/.local\`
puts it on your PATH). Live ticker below; Ctrl-C stops everything.

EOT
"$bin" tail "ws://127.0.0.1:$port/v1/stream" &
pids+=($!)
# Ctrl-C reaches the tail too (one process group): whichever of it and the
# trap comes first, the demo ends the same way.
wait "${pids[2]}" || true
finish
