#!/usr/bin/env bash
# CPU an idle server burns, per thread: the demo jar (or VertxHello) pinned to core 0, 5 s of
# wrk on /plaintext from core 1, 5 s of rest, then the threads' time on CPU (field 1 of
# /proc/PID/task/TID/schedstat, ns) over SECONDS of idleness, in ms of CPU per second.
#   benchmarks/idle.sh examples/target/examples.jar 20      # env such as PINNING=on passes through
#   benchmarks/idle.sh vertx 20
# Prints the busiest threads and the total; builds nothing, writes nothing to RESULTS.md.
set -u
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JAVA="$("$ROOT/bin/java-home")/bin/java"
TARGET="$1"; SECONDS_IDLE="${2:-20}"
PORT="${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}"
OUT="$(mktemp -d)"
if [ "$TARGET" = vertx ]; then
  taskset -c 0 "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$ROOT/benchmarks/target/benchmarks.jar" \
    dev.lanes.benchmarks.VertxHello "$PORT" >"$OUT/server.log" 2>&1 &
else
  env PORT="$PORT" HOST=127.0.0.1 taskset -c 0 "$JAVA" --enable-native-access=ALL-UNNAMED -jar "$TARGET" \
    >"$OUT/server.log" 2>&1 &
fi
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$OUT"' EXIT
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/plaintext" && break; sleep 0.3; done
taskset -c 1 wrk -t1 -c32 -d5s "http://127.0.0.1:$PORT/plaintext" >/dev/null; sleep 5
snap() {
  for t in /proc/$SERVER/task/*; do
    echo "$(basename "$t") $(awk '{print $1}' "$t/schedstat") $(tr ' ' '_' < "$t/comm")"
  done | sort
}
snap >"$OUT/s0"; sleep "$SECONDS_IDLE"; snap >"$OUT/s1"
join "$OUT/s0" "$OUT/s1" | awk -v s="$SECONDS_IDLE" '{d=($4-$2)/1e6/s; tot+=d; if (d>0.005) printf "%8.3f ms/s %s\n", d, $3}
  END {printf "%8.3f ms/s TOTAL\n", tot}' | sort -rn | head -14
