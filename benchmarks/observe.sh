#!/usr/bin/env bash
# What instrumentation costs: /plaintext throughput of the demo with METRICS=off (no listener, no
# watchdog, no JFR) and METRICS=on (LanesMetrics listener + Prometheus registry, blocked-loop
# watchdog, JFR pinning monitor). Both servers run side by side, each is warmed up, then wrk runs
# against them in alternation (off, on, on, off, off, on) so that load from other users of the
# machine hits both sides alike; the ratio reported is the median of the per-pair ratios.
# Usage: benchmarks/observe.sh   (builds the demo jar if missing; writes the "observe" section of RESULTS.md)
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME="$(bin/java-home)"; export JAVA_HOME
[ -f examples/target/examples.jar ] || ./mvnw -B -q -ntp -DskipTests package
OFF_PORT=${OFF_PORT:-18370}
ON_PORT=${ON_PORT:-18371}
DURATION=${DURATION:-10s}
OUT=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$OUT"' EXIT

METRICS=off PORT=$OFF_PORT "$JAVA_HOME/bin/java" -jar examples/target/examples.jar >"$OUT/server-off.log" 2>&1 &
PIDS+=($!)
METRICS=on PORT=$ON_PORT "$JAVA_HOME/bin/java" -jar examples/target/examples.jar >"$OUT/server-on.log" 2>&1 &
PIDS+=($!)
for port in $OFF_PORT $ON_PORT; do
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/plaintext" >/dev/null && break; sleep 0.1; done
  wrk -t2 -c64 -d5s "http://127.0.0.1:$port/plaintext" >/dev/null   # warm-up (JIT)
done
curl -fs "http://127.0.0.1:$OFF_PORT/metrics" -o /dev/null -w '%{http_code}' >"$OUT/off-metrics-status.txt" || true

i=0
for mode in off on on off off on; do
  i=$((i + 1))
  port=$OFF_PORT; [ "$mode" = on ] && port=$ON_PORT
  load=$(cut -d' ' -f1 /proc/loadavg)
  wrk -t2 -c64 -d"$DURATION" "http://127.0.0.1:$port/plaintext" >"$OUT/wrk-$i-$mode.txt"
  echo "$i $mode $(awk '/Requests\/sec/ {print $2}' "$OUT/wrk-$i-$mode.txt") $(awk '/Latency/ {print $2}' "$OUT/wrk-$i-$mode.txt") $load" | tee -a "$OUT/runs.txt"
done
curl -fs "http://127.0.0.1:$ON_PORT/metrics" | grep -c '^lanes_' >"$OUT/series.txt"

python3 - "$OUT" "$DURATION" <<'PY' >"$OUT/table.md"
import sys, os, statistics
out, duration = sys.argv[1], sys.argv[2]
runs = [l.split() for l in open(os.path.join(out, "runs.txt"))]
print(f"`/plaintext`, `wrk -t2 -c64 -d{duration}` per run, both servers warmed up (5 s each) and running side by side,")
print("runs alternating so that other load on the shared machine falls on both sides.\n")
print("| run | metrics | req/s | latency avg | load avg (1 min) at start |\n|---|---|---|---|---|")
for n, mode, rps, lat, load in runs:
    print(f"| {n} | {mode} | {float(rps):,.0f} | {lat} | {load} |")
pairs = [(runs[0], runs[1]), (runs[3], runs[2]), (runs[4], runs[5])]  # (off, on)
ratios = [float(on[2]) / float(off[2]) for off, on in pairs]
off_mean = statistics.mean(float(r[2]) for r in runs if r[1] == "off")
on_mean = statistics.mean(float(r[2]) for r in runs if r[1] == "on")
print(f"\nPer adjacent pair, on / off: {', '.join(f'{r:.3f}' for r in ratios)}; **median {statistics.median(ratios):.3f}**;")
print(f"means: off {off_mean:,.0f} req/s, on {on_mean:,.0f} req/s (ratio {on_mean / off_mean:.3f}).")
series = open(os.path.join(out, "series.txt")).read().strip()
print(f"\n\"On\" is the LanesMetrics listener (a request timer with histogram per route and status, queue-wait and")
print(f"loop-latency timers) behind a PrometheusMeterRegistry ({series} `lanes_*` series after the run), the")
print("blocked-loop watchdog (100 ms) and the JFR pinning monitor; \"off\" is `METRICS=off`: no listener")
print("(events skipped by a null check), no watchdog, no JFR. `/plaintext` is an async handler, so no lane")
print("is involved; client and servers share the machine's 2 cores, so absolute numbers are low and noisy.")
PY
cat "$OUT/table.md"
uptime
python3 benchmarks/write_section.py observe "$OUT/table.md"
