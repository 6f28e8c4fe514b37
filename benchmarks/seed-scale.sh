#!/usr/bin/env bash
# The seed endpoints at high concurrency: c=1000 and c=10000 sleeping requests (SLEEP=1) on the
# demo with default (adaptive) lanes, against a bare Netty event-loop timer (RawNettyHello /sleep)
# measured in the same run: `hey -n 2c -c c` after two untimed waves of c. The server's peak RSS
# during each run is sampled from /proc every 200 ms. Both JVMs get HEAP (-Xmx, default 128m): with
# the JVM's default (a quarter of RAM) G1 commits young regions by the GB at this allocation rate
# (2.8 GB committed for 0.2 GB used on a 24 GB machine) although the live set is ~20 MB; the live
# heap after a full GC is reported for Lanes. Writes the "seed-scale" section of RESULTS.md.
# Targets: every endpoint >= 0.99 x the floor's req/s at each concurrency, no non-2xx, no errors;
# peak RSS <= 300 MB.
#
#   benchmarks/seed-scale.sh                  # ~3 min; ports 18040 (PORT) and 18041 must be free
#   CONCURRENCY="1000" benchmarks/seed-scale.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"

PORT="${PORT:-18040}"
FLOOR_PORT="${FLOOR_PORT:-18041}"
CONCURRENCY=(${CONCURRENCY:-1000 10000})
ENDPOINTS=(${ENDPOINTS:-/test/sync /test/async /test/sync_async /test/sync_async_fastapi})
TARGET=0.99
RSS_LIMIT_MB=300
HEAP="${HEAP:-128m}"
JCMD="$JAVA_HOME/bin/jcmd"
RUN="$OUT/seed-scale"
rm -rf "$RUN"; mkdir -p "$RUN"
ulimit -n "$(ulimit -Hn)"
need=$(( ${CONCURRENCY[-1]} + 1000 ))
[ "$(ulimit -n)" -ge "$need" ] || { echo "ulimit -n is $(ulimit -n); c=${CONCURRENCY[-1]} needs $need" >&2; exit 1; }
ensure_jars
load_before="$(uptime_line)"

# peak_rss PID SECONDS_FILE_TO_WATCH: prints the largest VmRSS (kB) while the flag file exists.
sample_rss() {
  local pid="$1" flag="$2" peak=0 rss
  while [ -f "$flag" ]; do
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
    [ "${rss:-0}" -gt "$peak" ] && peak=$rss
    sleep 0.2
  done
  echo "$peak"
}

declare -A FLOOR LIVE
rows=()
all_met=1
# bench LABEL URL C IS_FLOOR: one untimed wave, then the timed run with RSS sampled.
bench() {
  local label="$1" url="$2" c="$3" floor="$4" n f flag rss_kb rps p50 p99 non2xx errors total r mark
  n=$(( 2 * c ))
  timeout 120 hey -n "$((2 * c))" -c "$c" "$url" >/dev/null 2>&1 || true # two untimed waves: JIT, pools
  f="$RUN/$(echo "$label-c$c" | tr -c 'a-zA-Z0-9\n' _).txt"
  flag="$RUN/sampling"; touch "$flag"
  sample_rss "$SERVER_PID" "$flag" >"$RUN/rss" &
  local sampler=$!
  echo "hey -n $n -c $c $label" >&2
  timeout 180 hey -n "$n" -c "$c" "$url" >"$f" 2>&1 || echo "hey exited $?" >>"$f"
  rm -f "$flag"; wait "$sampler"; rss_kb=$(cat "$RUN/rss")
  read -r rps p50 p99 non2xx errors total <<<"$(parse_hey "$f")"
  if [ "$floor" = 1 ]; then
    FLOOR[$c]="$rps"; r="1.000"; mark="(floor)"
  else
    r="$(ratio "${rps:-0}" "${FLOOR[$c]}")"
    if awk -v r="$r" -v t="$TARGET" 'BEGIN { exit !(r + 0 >= t) }' && [ "$non2xx" = 0 ] && [ "$errors" = 0 ] \
        && [ "$rss_kb" -le $(( RSS_LIMIT_MB * 1024 )) ]; then
      mark="yes"
    else
      mark="**no**"; all_met=0
    fi
  fi
  rows+=("| $label | $c | $n | ${total}s | $rps | $r | $p50 | $p99 | $non2xx | $errors | $(( rss_kb / 1024 )) | $(load1) | $mark |")
  echo "  -> $rps req/s (vs floor $r) p99 ${p99}ms non-2xx $non2xx errors $errors rss $(( rss_kb / 1024 )) MB" >&2
}

for c in "${CONCURRENCY[@]}"; do
  SLEEP=1 start_server raw-netty-timer "$FLOOR_PORT" "$RUN/raw-c$c.log" -- \
    "$JAVA" "${JAVA_OPTS[@]}" "-Xmx$HEAP" -cp "$BENCH_JAR" dev.lanes.benchmarks.RawNettyHello "$FLOOR_PORT"
  bench "raw Netty timer \`/sleep\`" "http://127.0.0.1:$FLOOR_PORT/sleep" "$c" 1
  stop_server "$SERVER_PID"
  SLEEP=1 PORT=$PORT HOST=127.0.0.1 start_server lanes-demo "$PORT" "$RUN/demo-c$c.log" -- \
    "$JAVA" "${JAVA_OPTS[@]}" "-Xmx$HEAP" -jar "$DEMO_JAR"
  for ep in "${ENDPOINTS[@]}"; do
    bench "Lanes \`$ep\`" "http://127.0.0.1:$PORT$ep" "$c" 0
  done
  lanes_stats="$(curl -s --max-time 5 "http://127.0.0.1:$PORT/get_available_threads" || true)"
  "$JCMD" "$SERVER_PID" GC.run >/dev/null 2>&1 || true
  live=$("$JCMD" "$SERVER_PID" GC.heap_info 2>/dev/null | awk '/used/ { for (i = 1; i <= NF; i++) if ($i == "used") { print $(i + 1); exit } }')
  LIVE[$c]="${live:-?}"
  stop_server "$SERVER_PID"
done
load_after="$(uptime_line)"

body="$RUN/section.md"
{
  echo "## Seed endpoints at c=1000 and c=10000 (\`benchmarks/seed-scale.sh\`)"
  echo
  machine_md
  echo "- load before: \`$load_before\`"
  echo "- load after:  \`$load_after\`"
  echo "- server: \`SLEEP=1 java -Xmx$HEAP -jar examples/target/examples.jar\` (default settings: adaptive lanes); a fresh JVM per concurrency; the floor also runs with -Xmx$HEAP"
  echo "- floor: \`RawNettyHello\`'s \`/sleep\` (a bare Netty timer), same commands, just before Lanes"
  echo "- command per endpoint: two untimed waves \`hey -n 2c -c c\`, then \`hey -n 2c -c c URL\`; RSS: the server's peak VmRSS during the timed run"
  echo "- targets: req/s >= $TARGET x the floor at the same concurrency, no non-2xx or errors, RSS <= $RSS_LIMIT_MB MB"
  echo
  echo "| endpoint | c | n | total | req/s | vs floor | p50 ms | p99 ms | non-2xx | errors | peak RSS MB | load1 after | met? |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  printf '%s\n' "${rows[@]}"
  echo
  if [ "$all_met" = 1 ]; then echo "**Targets met** on every row."; else echo "**Target missed** on the rows marked **no**."; fi
  echo
  for c in "${CONCURRENCY[@]}"; do echo "- Lanes' live heap after a full GC at the end of c=$c: ${LIVE[$c]}"; done
  echo
  echo "Lanes after the last run (\`/get_available_threads\`): \`$lanes_stats\`"
} >"$body"
replace_section seed-scale "$body"
echo "wrote the seed-scale section of $RESULTS" >&2
