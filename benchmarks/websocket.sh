#!/usr/bin/env bash
# WebSocket echo throughput, blocking vs async handler, same server and client in the same run:
# the demo's /ws/echo (blocking handler on lane websockets) and /ws/echo-async (callbacks on the
# loop), loaded by WebSocketEchoLoad (raw sockets, C connections x W messages in flight). Runs
# alternate (blocking, async, blocking, async) so drift in the shared machine hits both alike.
# Writes the websocket section of benchmarks/RESULTS.md.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_jars
PORT=18021; CONNS=${CONNS:-16}; WINDOW=${WINDOW:-16}; SECS=${SECS:-10}; SIZE=${SIZE:-64}
start_server lanes "$PORT" "$OUT/websocket-server.log" -- env PORT=$PORT "$JAVA" "${JAVA_OPTS[@]}" -jar "$DEMO_JAR"
load() { "$JAVA" -cp "$BENCH_JAR" dev.lanes.benchmarks.WebSocketEchoLoad "$PORT" "$1" "$CONNS" "$WINDOW" "$2" "$SIZE"; }
load /ws/echo 5 >/dev/null; load /ws/echo-async 5 >/dev/null   # warm-up (JIT)
: >"$OUT/websocket.txt"
for round in 1 2; do
  for path in /ws/echo /ws/echo-async; do
    echo "$round $path $(load "$path" "$SECS")" | tee -a "$OUT/websocket.txt"
  done
done
stop_all
python3 - "$OUT/websocket.txt" "$CONNS" "$WINDOW" "$SIZE" "$SECS" >"$OUT/websocket.md" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
conns, window, size, secs = sys.argv[2:6]
rate = {}
for r in rows:
    rate.setdefault(r[1], []).append(float(r[2]))
blocking, async_ = rate["/ws/echo"], rate["/ws/echo-async"]
mb, ma = sum(blocking) / len(blocking), sum(async_) / len(async_)
print(f"Demo jar, `WebSocketEchoLoad`: {conns} connections x {window} messages in flight, {size}-byte text,")
print(f"{secs} s per run, runs alternated; client and server share the machine's cores.\n")
print("| handler | runs (messages/s) | mean messages/s | ratio to async |\n|---|---|---:|---:|")
print(f"| blocking (`/ws/echo`, lane `websockets`) | {', '.join(f'{x:.0f}' for x in blocking)} | {mb:.0f} | {mb / ma:.3f} |")
print(f"| async (`/ws/echo-async`, event loop) | {', '.join(f'{x:.0f}' for x in async_)} | {ma:.0f} | 1.000 |")
PY
cat "$OUT/websocket.md"
python3 "$BENCH_DIR/write_section.py" websocket "$OUT/websocket.md"
