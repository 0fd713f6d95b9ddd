#!/usr/bin/env bash
# tools/demo.sh as a user runs it, with the program already built (issue 22):
# every URL it prints answers and names the session's real events, the
# simulated session runs on this machine's clock, and Ctrl-C stops
# everything within a second, leaving nothing running.
#   bash tests/tools/demo_test.sh /path/to/splitstream
set -euo pipefail
bin=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
demo_pid=
cleanup() {
  if [ -n "$demo_pid" ] && kill -0 "$demo_pid" 2>/dev/null; then kill -KILL -- "-$demo_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; echo "--- demo output:" >&2; cat "$work/demo.out" >&2 || true; exit 1; }

# Two free neighbouring ports on 127.0.0.1 (the demo uses PORT and PORT+1).
port=$(python3 - <<'PY'
import socket
for _ in range(50):
    a = socket.socket(); a.bind(("127.0.0.1", 0)); p = a.getsockname()[1]
    b = socket.socket()
    try:
        b.bind(("127.0.0.1", p + 1)); print(p); break
    except OSError:
        pass
    finally:
        a.close(); b.close()
PY
)
[ -n "$port" ] || fail "no two free ports"

SPLITSTREAM_DEMO_BIN=$bin SPLITSTREAM_DEMO_PORT=$port setsid bash "$root/tools/demo.sh" >"$work/demo.out" 2>&1 &
demo_pid=$!
for _ in $(seq 1 200); do
  grep -q "Ctrl-C stops everything" "$work/demo.out" && break
  kill -0 "$demo_pid" 2>/dev/null || fail "the demo ended by itself"
  sleep 0.1
done
grep -q "Ctrl-C stops everything" "$work/demo.out" || fail "no banner within 20 s"

# Every URL printed is real: no placeholder, and each page answers.
if grep -E 'https?://' "$work/demo.out" | grep -q '<'; then fail "a URL with a placeholder"; fi
urls=$(grep -oE 'http://127\.0\.0\.1:[0-9]+/[^ ]*' "$work/demo.out")
for url in $urls; do
  curl -fs -o /dev/null "$url" || fail "$url does not answer"
done
# One overlay per event of the session, each named by its startlist.
expected=$("$bin" sim --seed 2023 --out - | sed -nE 's/.*"type":"startlist",.*"event":"([^"]*)".*/\1/p' | sort)
printed=$(grep -oE 'graphics\?event=[^ ]+' "$work/demo.out" | sed 's/graphics?event=//' | sort)
[ "$printed" = "$expected" ] || fail "overlay URLs for '$printed', the session has '$expected'"
[ "$(echo "$printed" | wc -l)" -ge 2 ] || fail "fewer than two events"

# The session runs on this machine's clock: its first event is stamped now.
first=$("$bin" tail "ws://127.0.0.1:$port/v1/stream?since=0" --json --count 1 --duration 10 | head -n 1)
ts=$(echo "$first" | sed -nE 's/.*"ts":"([^"]*)".*/\1/p')
[ -n "$ts" ] || fail "no ts in the first event: $first"
age=$(($(date +%s) - $(date -d "$ts" +%s)))
[ "$age" -ge -5 ] && [ "$age" -le 120 ] || fail "first event stamped $ts, $age s from now"

# Ctrl-C: SIGINT to the whole process group, as a terminal sends it.
start=$(date +%s%N)
kill -INT -- "-$demo_pid"
for _ in $(seq 1 500); do
  kill -0 "$demo_pid" 2>/dev/null || break
  sleep 0.01
done
wait "$demo_pid" 2>/dev/null || true
took_ms=$((($(date +%s%N) - start) / 1000000))
kill -0 "$demo_pid" 2>/dev/null && fail "the demo still runs 5 s after Ctrl-C"
demo_pid=
tail -n 1 "$work/demo.out" | grep -qx "demo: stopped" || fail "the last line is not 'demo: stopped'"
[ "$took_ms" -lt 1000 ] || fail "the demo took $took_ms ms to stop"
for p in "$port" $((port + 1)); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then fail "port $p still open after the demo stopped"; fi
done
echo "demo: URLs answer, session on the wall clock, stopped in $took_ms ms"
