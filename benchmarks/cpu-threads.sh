#!/usr/bin/env bash
# Where each server's CPU goes, per thread: the demo jar (or JAR) and VertxHello both pinned to
# core 0, each loaded by its own `wrk -t1 -c32` on core 1, warmed until both have had 17 young
# collections (their start-up live sets tenured, as in cpu-per-request.sh), then one measured run:
# every thread's time on CPU (field 1 of /proc/PID/task/TID/schedstat, ns) per request served, and
# in ms of CPU per second. For finding what a server does beside its event loop (JIT, GC, the
# watchdog, timers) that is charged to its requests. Prints; writes nothing to RESULTS.md.
#   benchmarks/cpu-threads.sh [JAR] [SECONDS] [PATH]     # defaults: the demo jar, 20, /plaintext
set -euo pipefail
source "$(dirname "$0")/lib.sh"
JAR="${1:-$DEMO_JAR}"; S="${2:-20}"; P="${3:-/plaintext}"
ensure_jars
start_server lanes 18221 "$OUT/threads-lanes.log" -- env PORT=18221 HOST=127.0.0.1 taskset -c 0 "$JAVA" "${JAVA_OPTS[@]}" -jar "$JAR"
L=$SERVER_PID
start_server vertx 18222 "$OUT/threads-vertx.log" -- taskset -c 0 "$JAVA" "${JAVA_OPTS[@]}" -cp "$BENCH_JAR" dev.lanes.benchmarks.VertxHello 18222
V=$SERVER_PID
ygc() { "$JAVA_HOME/bin/jstat" -gc "$1" | awk 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "YGC") c = i } NR == 2 { print $c }'; }
both() { # both DURATION PREFIX: a wrk on each server, at once
  local a b
  timeout 90 taskset -c 1 wrk -t1 -c32 -d"$1" "http://127.0.0.1:18221$P" >"$2-lanes.txt" & a=$!
  timeout 90 taskset -c 1 wrk -t1 -c32 -d"$1" "http://127.0.0.1:18222$P" >"$2-vertx.txt" & b=$!
  wait "$a" "$b"
}
for i in $(seq 1 40); do
  both 5s "$OUT/threads-warm"
  [ "$i" -ge 8 ] && [ "$(ygc "$L")" -ge 17 ] && [ "$(ygc "$V")" -ge 17 ] && break
done
echo "warm-up: $i runs of 5 s; young collections: lanes $(ygc "$L"), vertx $(ygc "$V")"
snap() { local t; for t in /proc/"$1"/task/*; do echo "$(basename "$t") $(awk '{ print $1 }' "$t/schedstat") $(tr ' ' '_' <"$t/comm")"; done | sort; }
snap "$L" >"$OUT/threads-l0"; snap "$V" >"$OUT/threads-v0"
both "${S}s" "$OUT/threads-run"
snap "$L" >"$OUT/threads-l1"; snap "$V" >"$OUT/threads-v1"
for s in lanes vertx; do
  x=${s:0:1}; n=$(awk '/ requests in / { print $1 }' "$OUT/threads-run-$s.txt")
  echo "== $s: $n requests in ${S} s"
  join "$OUT/threads-${x}0" "$OUT/threads-${x}1" | awk -v n="$n" -v s="$S" '{ d = $4 - $2; t += d
      if (d / 1e6 / s > 0.01) printf "%8.4f us/req %8.3f ms/s  %s\n", d / 1e3 / n, d / 1e6 / s, $3 }
    END { printf "%8.4f us/req            TOTAL\n", t / 1e3 / n }' | sort -rn | head -14
done
