#!/usr/bin/env bash
# Rejections must be cheap: the demo with LIMIT_CONCURRENCY=100 and SLEEP=0.2 (200 ms blocking
# handlers, /test/sync) under an h2load keep-alive flood of 200 HTTP/1.1 connections for 15 s
# (2x the limit: 100 connections hold admitted requests, the other 100 get 503s back to back, as
# fast as the server answers). Every request's status and latency come from h2load's log.
# Target: admitted (200) p99 <= 1.2 x the handler time (200 ms); nothing but 200 and 503.
# Writes the "overload-flood" section of RESULTS.md.
#
#   benchmarks/overload-flood.sh        # ~40 s; port 18014 (PORT) must be free
set -euo pipefail
source "$(dirname "$0")/lib.sh"

PORT="${PORT:-18014}"
LIMIT=100
SLEEP_S=0.2
CONNS=200
DURATION=15
RUN="$OUT/overload-flood"
rm -rf "$RUN"; mkdir -p "$RUN"
ensure_jars
LIMIT_CONCURRENCY=$LIMIT SLEEP=$SLEEP_S PORT=$PORT HOST=127.0.0.1 start_server lanes-demo "$PORT" "$RUN/server.log" -- \
  "$JAVA" "${JAVA_OPTS[@]}" -jar "$DEMO_JAR"
url="http://127.0.0.1:$PORT/test/sync"
timeout 60 h2load --h1 -n 2000 -c "$LIMIT" "$url" >/dev/null                      # warm-up, at the limit
timeout 60 h2load --h1 -n 1000 -c "$LIMIT" --log-file="$RUN/unloaded.log" "$url" >"$RUN/unloaded.txt"
timeout $((DURATION + 60)) h2load --h1 -D "$DURATION" -c "$CONNS" --log-file="$RUN/flood.log" "$url" >"$RUN/flood.txt"
cpu_ticks=$(awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat")
stop_server "$SERVER_PID"

python3 - "$RUN" "$DURATION" "$LIMIT" "$SLEEP_S" "$CONNS" >"$RUN/section.md" <<'PY'
import os, sys
run, duration, limit, sleep_s, conns = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
def load(name):  # h2load --log-file: start time (us since epoch), status, latency (us)
    rows = []
    for line in open(os.path.join(run, name)):
        parts = line.split()
        if len(parts) >= 3:
            rows.append((int(parts[1]), int(parts[2]) / 1000))
    return rows
def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else float("nan")
un = [ms for s, ms in load("unloaded.log") if s == 200]
fl = load("flood.log")
ok = [ms for s, ms in fl if s == 200]
rej = [ms for s, ms in fl if s == 503]
other = [s for s, ms in fl if s not in (200, 503)]
handler_ms = sleep_s * 1000
print(f"`LIMIT_CONCURRENCY={limit} SLEEP={sleep_s}`, `/test/sync` (blocking, {handler_ms:.0f} ms). "
      f"Unloaded: `h2load --h1 -n 1000 -c {limit}`; flood: `h2load --h1 -D {duration:.0f} -c {conns}` "
      f"(keep-alive, each connection sends its next request as soon as the last is answered). "
      f"Latencies from h2load's per-request log.\n")
print("| run | requests | per second | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|---:|")
print(f"| unloaded, 200 OK | {len(un)} | | {pct(un,50):.1f} | {pct(un,99):.1f} | {max(un):.1f} |")
print(f"| flood, 200 OK (admitted) | {len(ok)} | {len(ok)/duration:.0f} | {pct(ok,50):.1f} | {pct(ok,99):.1f} | {max(ok):.1f} |")
print(f"| flood, 503 (rejected) | {len(rej)} | {len(rej)/duration:.0f} | {pct(rej,50):.2f} | {pct(rej,99):.2f} | {max(rej):.2f} |")
r = pct(ok, 99) / handler_ms
print(f"\nAdmitted p99 / handler time = {r:.3f} (target <= 1.2: {'met' if r <= 1.2 else '**not met**'}); "
      f"admitted p99 / unloaded p99 = {pct(ok,99)/pct(un,99):.3f}; other statuses or failures: {len(other)}; "
      f"admitted throughput {len(ok)/duration:.0f} req/s against a limit of {limit / sleep_s:.0f}.")
PY
{
  machine_md
  echo "- load at the end: \`$(uptime_line)\`"
  echo "- server CPU over the whole run (ticks of 10 ms): $cpu_ticks"
  echo
  cat "$RUN/section.md"
} >"$RUN/body.md"
cat "$RUN/body.md"
{ echo "## Overload flood: cheap 503s keep admitted latency (\`benchmarks/overload-flood.sh\`)"; echo; cat "$RUN/body.md"; } >"$RUN/full.md"
replace_section overload-flood "$RUN/full.md"
