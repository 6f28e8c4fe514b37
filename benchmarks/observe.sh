#!/usr/bin/env bash
# What instrumentation costs: /plaintext of the demo in three configurations, side by side:
#   off      METRICS=off: no listener (events skipped by a null check), no watchdog, no JFR
#   metrics  the LanesMetrics listener + Prometheus registry only (WATCHDOG_MS=0 PINNING=off)
#   on       everything: metrics, blocked-loop watchdog (100 ms), JFR pinning monitor (PINNING=on)
# All servers are warmed up, then wrk runs against them in rotation (ROUNDS times, order rotating)
# so that load from other users of the machine hits every side alike. Reported per configuration:
# median req/s and median server CPU per request (/proc), each relative to "off".
# Usage: benchmarks/observe.sh   (builds the demo jar if missing; writes the "observe" section of RESULTS.md)
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME="$(bin/java-home)"; export JAVA_HOME
[ -f examples/target/examples.jar ] || ./mvnw -B -q -ntp -DskipTests package
BASE_PORT=${BASE_PORT:-18370}
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
OUT=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$OUT"' EXIT
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # user + system CPU of a process, in clock ticks

declare -A PORT PID
i=0
for mode in off metrics on; do
  PORT[$mode]=$((BASE_PORT + i)); i=$((i + 1))
  case $mode in
    off) env METRICS=off PORT=${PORT[$mode]} "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar examples/target/examples.jar >"$OUT/server-$mode.log" 2>&1 & ;;
    metrics) env METRICS=on WATCHDOG_MS=0 PINNING=off PORT=${PORT[$mode]} "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar examples/target/examples.jar >"$OUT/server-$mode.log" 2>&1 & ;;
    on) env METRICS=on PINNING=on PORT=${PORT[$mode]} "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar examples/target/examples.jar >"$OUT/server-$mode.log" 2>&1 & ;;
  esac
  PID[$mode]=$!; PIDS+=($!)
done
for mode in off metrics on; do
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:${PORT[$mode]}/plaintext" >/dev/null && break; sleep 0.1; done
  wrk -t2 -c64 -d10s "http://127.0.0.1:${PORT[$mode]}/plaintext" >/dev/null   # warm-up (JIT)
done

n=0
for round in $(seq "$ROUNDS"); do
  case $((round % 3)) in 1) order="off metrics on";; 2) order="on off metrics";; 0) order="metrics on off";; esac
  for mode in $order; do
    n=$((n + 1))
    load=$(cut -d' ' -f1 /proc/loadavg)
    before=$(cpu_ticks "${PID[$mode]}")
    wrk -t2 -c64 -d"$DURATION" "http://127.0.0.1:${PORT[$mode]}/plaintext" >"$OUT/wrk-$n.txt"
    ticks=$(( $(cpu_ticks "${PID[$mode]}") - before ))
    echo "$n $mode $(awk '/Requests\/sec/ {print $2}' "$OUT/wrk-$n.txt") $(awk '/Latency/ {print $2}' "$OUT/wrk-$n.txt") $load $ticks $(awk '/requests in/ {print $1}' "$OUT/wrk-$n.txt")" | tee -a "$OUT/runs.txt"
  done
done
curl -fs "http://127.0.0.1:${PORT[on]}/metrics" | grep -c '^lanes_' >"$OUT/series.txt"
for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; PIDS=()
# The request events alone, in one process: ns per request without and with LanesMetrics.
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp examples/target/examples.jar benchmarks/observe/TraceCost.java >"$OUT/trace.txt" 2>/dev/null

python3 - "$OUT" "$DURATION" <<'PY' >"$OUT/table.md"
import sys, os, statistics
out, duration = sys.argv[1], sys.argv[2]
runs = [l.split() for l in open(os.path.join(out, "runs.txt"))]
tick_us = 1e6 / os.sysconf("SC_CLK_TCK")
cpu = lambda r: int(r[5]) * tick_us / int(r[6])  # server CPU time per request, us
print(f"`/plaintext`, `wrk -t2 -c64 -d{duration}` per run; three servers warmed up (10 s each) and running side by side,")
print("runs rotating so that other load on the shared machine falls on all of them.\n")
print("| run | config | req/s | latency avg | server CPU per request | load avg (1 min) at start |\n|---|---|---|---|---|---|")
for r in runs:
    print(f"| {r[0]} | {r[1]} | {float(r[2]):,.0f} | {r[3]} | {cpu(r):.1f} µs | {r[4]} |")
med = lambda mode, f: statistics.median(f(r) for r in runs if r[1] == mode)
rps = lambda r: float(r[2])
print("\n| config | median req/s | on / off by req/s | median CPU per request | on / off implied by CPU |\n|---|---|---|---|---|")
for mode in ("off", "metrics", "on"):
    print(f"| {mode} | {med(mode, rps):,.0f} | {med(mode, rps) / med('off', rps):.3f} | {med(mode, cpu):.1f} µs | {med('off', cpu) / med(mode, cpu):.3f} |")
t_off, t_on, clock = open(os.path.join(out, "trace.txt")).read().split()
series = open(os.path.join(out, "series.txt")).read().strip()
print(f"\nThe request events alone (`benchmarks/observe/TraceCost.java`, one thread, best of 7 × 2M): {t_off} ns per request")
print(f"with no listener, {t_on} ns with `LanesMetrics` (one `System.nanoTime()` costs {clock} ns on this machine).")
print(f"\n`metrics` is the LanesMetrics listener (request timer with a histogram per route and status, queue-wait")
print(f"timers) behind a PrometheusMeterRegistry; `on` adds the blocked-loop watchdog (100 ms, heartbeats every")
print(f"50 ms per loop, each recorded in a loop-latency timer) and the JFR pinning monitor ({series} `lanes_*` series")
print("after the run). `/plaintext` is an async handler, so no lane is involved. Client and servers share the")
print("machine's 2 cores with other users: req/s moves by tens of percent between identical runs; CPU per")
print("request (from /proc) is the steadier measure.")
PY
cat "$OUT/table.md"
uptime
python3 benchmarks/write_section.py observe "$OUT/table.md"
