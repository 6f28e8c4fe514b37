#!/usr/bin/env bash
# The seed endpoints at high concurrency: c=1000 and c=10000 sleeping requests (SLEEP=1) on the
# demo with default (adaptive) lanes, against a bare Netty event-loop timer (RawNettyHello /sleep).
# Per concurrency both servers start fresh and run side by side (one loaded at a time): WAVES
# untimed waves of c requests per endpoint, then ROUNDS rounds (default 5) that each time the floor
# and every endpoint with `hey -n 2c -c c`, each round starting one further along; an endpoint's
# figure is its median over the rounds against the floor's median. Timed one after the other, single runs on this VM move 5-10%, more than the
# margin the target leaves. The server's peak RSS during the timed runs is sampled from /proc every
# 200 ms. Both JVMs get HEAP (-Xms and -Xmx, default 128m): with the JVM's default (a quarter of
# RAM) G1 commits young regions by the GB at this allocation rate (2.8 GB committed for 0.2 GB used
# on a 24 GB machine) although the live set is ~20 MB; started with less than -Xmx, G1 shrinks the
# committed heap at the demo's first (class-loading) collection cycle and then meets the load in a
# third of it. WAVES defaults to 6: after 2, C2 was still compiling in the timed run (at c=10000
# its thread used 400 ms of the bare timer's 1.8 s and 780 ms of Lanes' 2.1 s); after 8, 20-50 ms.
# The live heap after a full GC is reported for Lanes. Each timed run also reads the loaded server's
# CPU (utime+stime from /proc) before and after: CPU per request is steadier than req/s between
# rounds, and says what the rate cannot, whether a server spends more to keep pace.
# Writes the "seed-scale" section of RESULTS.md.
# CLIENT=h2load times keep-alive connections instead (the "seed-scale-keepalive" section): at
# c=10000 `hey` spends about four times the server's CPU per request on its own connects and
# goroutines, so on two cores the floor itself reaches under half of c / SLEEP and a server's rate
# there says how much CPU it leaves the client. `h2load --h1 -t2 -c c --warm-up-time W -D D` keeps
# c connections each with one sleeping request, and times D seconds after the warm-up: the
# physical limit is c / SLEEP, reported beside the floor. There the rate judged is c / mean time
# per request (Little's law with c always in flight), from h2load's per-request log: requests that
# sleep the same second stay in step, so h2load's count over D seconds depends on whether a wave of
# completions falls just inside the window or just outside (the floor's own rounds moved 1 %);
# h2load's count is reported beside it.
# Targets: every endpoint >= 0.99 x the floor's req/s at each concurrency, no non-2xx, no errors;
# peak RSS <= 300 MB.
#
#   benchmarks/seed-scale.sh                  # ~5-7 min; ports 18040 (PORT) and 18041 must be free
#   CONCURRENCY="1000" ROUNDS=5 benchmarks/seed-scale.sh
#   CLIENT=h2load CONCURRENCY=10000 ROUNDS=3 benchmarks/seed-scale.sh   # ~12 min (D=30, W=5)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

PORT="${PORT:-18040}"
FLOOR_PORT="${FLOOR_PORT:-18041}"
CONCURRENCY=(${CONCURRENCY:-1000 10000})
ENDPOINTS=(${ENDPOINTS:-/test/sync /test/async /test/sync_async /test/sync_async_fastapi})
TARGET=0.99
RSS_LIMIT_MB=300
HEAP="${HEAP:-128m}"
WAVES="${WAVES:-6}"
ROUNDS="${ROUNDS:-5}"
CLIENT="${CLIENT:-hey}"
D="${D:-30}"   # h2load: seconds timed per run
W="${W:-5}"    # h2load: warm-up seconds before them (connects, first requests)
SLEEP_S=1
case "$CLIENT" in
  hey) SECTION=seed-scale; timer=timed; lat="p50 ms | p99 ms"; latlog="p50/p99" ;;
  h2load) SECTION=seed-scale-keepalive; timer=timed_h2load; lat="mean ms | max ms"; latlog="mean/max" ;;
  *) echo "CLIENT must be hey or h2load, not $CLIENT" >&2; exit 2 ;;
esac
JCMD="$JAVA_HOME/bin/jcmd"
RUN="$OUT/$SECTION"
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

declare -A LIVE
rows=()
all_met=1
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.4f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
CLK_TCK="$(getconf CLK_TCK)"
# timed PID URL C FILE: one timed run `hey -n 2c -c c` with the server's RSS sampled; prints
# "rps p50 p99 non2xx errors total rss_kb cpu_us_per_request".
timed() {
  local pid="$1" url="$2" c="$3" f="$4" flag="$RUN/sampling" sampler t0 t1
  touch "$flag"
  sample_rss "$pid" "$flag" >"$RUN/rss" &
  sampler=$!
  t0=$(cpu_ticks "$pid")
  timeout 180 hey -n "$((2 * c))" -c "$c" "$url" >"$f" 2>&1 || echo "hey exited $?" >>"$f"
  t1=$(cpu_ticks "$pid")
  rm -f "$flag"; wait "$sampler"
  echo "$(parse_hey "$f") $(cat "$RUN/rss") $(awk -v t=$((t1 - t0)) -v hz="$CLK_TCK" -v n=$((2 * c)) 'BEGIN { printf "%.1f", t * 1e6 / hz / n }')"
}
# parse_h2load FILE -> "rps mean_ms max_ms non2xx errors requests" (h2load gives no percentiles)
parse_h2load() {
  awk '
    /^finished in/ { rps = $4 }
    /^requests:/ { n = $2; errors = $10 + $12 + $14 }
    /^status codes:/ { non2xx = $5 + $7 + $9 + $11 }
    /^time for request:/ { max = ms($5); mean = ms($6) }
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; return v * 1000 }
    END { printf "%s %.0f %.0f %d %d %d\n", rps, mean, max, non2xx, errors, n }' "$1"
}
# timed_h2load PID URL C FILE: as timed, over keep-alive connections; CPU is read from the end of
# the warm-up to the end of the run and divided by the requests h2load timed.
timed_h2load() {
  local pid="$1" url="$2" c="$3" f="$4" flag="$RUN/sampling" sampler t0 t1 client
  timeout $((D + W + 60)) h2load --h1 -t2 -c "$c" --warm-up-time "$W" -D "$D" --log-file="$f.log" "$url" >"$f" 2>&1 &
  client=$!
  sleep "$W"
  touch "$flag"
  sample_rss "$pid" "$flag" >"$RUN/rss" &
  sampler=$!
  t0=$(cpu_ticks "$pid")
  wait "$client" || echo "h2load exited $?" >>"$f"
  t1=$(cpu_ticks "$pid")
  rm -f "$flag"; wait "$sampler"
  read -r rps mean max non2xx errors n <<<"$(parse_h2load "$f")"
  # c / mean time per request, from h2load's per-request log: the timed requests' latencies in µs.
  read -r lrps lmean <<<"$(awk -F'\t' -v c="$c" '{ sum += $3; k++ }
    END { if (k > 0) printf "%.2f %.1f\n", c / (sum / k / 1e6), sum / k / 1000; else print "0 0" }' "$f.log" 2>/dev/null)"
  rm -f "$f.log"
  echo "$rps ${lmean:-$mean} $max $non2xx $errors $D $(cat "$RUN/rss") $(awk -v t=$((t1 - t0)) -v hz="$CLK_TCK" -v n="${n:-0}" \
    'BEGIN { if (n > 0) printf "%.1f", t * 1e6 / hz / n; else print "n/a" }') ${lrps:-0}"
}
warm() { timeout 300 hey -n "$((WAVES * $2))" -c "$2" "$1" >/dev/null 2>&1 || true; } # untimed: JIT, pools

for c in "${CONCURRENCY[@]}"; do
  SLEEP=$SLEEP_S start_server raw-netty-timer "$FLOOR_PORT" "$RUN/raw-c$c.log" -- \
    "$JAVA" "${JAVA_OPTS[@]}" "-Xms$HEAP" "-Xmx$HEAP" -cp "$BENCH_JAR" dev.lanes.benchmarks.RawNettyHello "$FLOOR_PORT"
  floor_pid=$SERVER_PID
  SLEEP=$SLEEP_S PORT=$PORT HOST=127.0.0.1 start_server lanes-demo "$PORT" "$RUN/demo-c$c.log" -- \
    "$JAVA" "${JAVA_OPTS[@]}" "-Xms$HEAP" "-Xmx$HEAP" -jar "$DEMO_JAR"
  lanes_pid=$SERVER_PID
  labels=("raw Netty timer \`/sleep\`"); urls=("http://127.0.0.1:$FLOOR_PORT/sleep"); pids=("$floor_pid")
  for ep in "${ENDPOINTS[@]}"; do
    labels+=("Lanes \`$ep\`"); urls+=("http://127.0.0.1:$PORT$ep"); pids+=("$lanes_pid")
  done
  for i in "${!urls[@]}"; do echo "warm-up c=$c ${labels[$i]} ($WAVES waves)" >&2; warm "${urls[$i]}" "$c"; done
  declare -A RPS=() LRPS=() P50=() P99=() BAD=() ERR=() RSS=() CPU=()
  for round in $(seq 1 "$ROUNDS"); do
    # Each round starts one server later: a run right after others pays for their sockets (at
    # c=10000, tens of thousands in TIME_WAIT make hey's connects slower), so no one always follows.
    for k in "${!urls[@]}"; do
      i=$(( (k + round - 1) % ${#urls[@]} ))
      read -r rps p50 p99 non2xx errors total rss_kb cpu_us lrps <<<"$("$timer" \
        "${pids[$i]}" "${urls[$i]}" "$c" "$RUN/c$c-$i-r$round.txt")"
      RPS[$i]="${RPS[$i]:-} ${rps:-0}"; P50[$i]="${P50[$i]:-} $p50"; P99[$i]="${P99[$i]:-} $p99"
      LRPS[$i]="${LRPS[$i]:-} ${lrps:-0}"
      CPU[$i]="${CPU[$i]:-} $cpu_us"
      BAD[$i]=$(( ${BAD[$i]:-0} + non2xx )); ERR[$i]=$(( ${ERR[$i]:-0} + errors ))
      [ "${rss_kb:-0}" -gt "${RSS[$i]:-0}" ] && RSS[$i]=$rss_kb
      echo "c=$c round $round ${labels[$i]}: $rps req/s${lrps:+ (c / mean: $lrps)} $latlog ${p50}/${p99} ms non-2xx $non2xx errors $errors rss $(( rss_kb / 1024 )) MB cpu ${cpu_us} us/request" >&2
    done
  done
  floor_rps=$(median <<<"${RPS[0]}")
  floor_lrps=$(median <<<"${LRPS[0]}")
  floor_cpu=$(median <<<"${CPU[0]}")
  for i in "${!urls[@]}"; do
    rps=$(median <<<"${RPS[$i]}"); r=$(ratio "$rps" "$floor_rps")
    if [ "$CLIENT" = h2load ]; then # judged on c / mean time per request (see the header)
      lrps=$(median <<<"${LRPS[$i]}"); wr=$r; r=$(ratio "$lrps" "$floor_lrps")
    fi
    if [ "$i" = 0 ]; then
      mark="(floor)"
    elif awk -v r="$r" -v t="$TARGET" 'BEGIN { exit !(r + 0 >= t) }' && [ "${BAD[$i]}" = 0 ] && [ "${ERR[$i]}" = 0 ] \
        && [ "${RSS[$i]}" -le $(( RSS_LIMIT_MB * 1024 )) ]; then
      mark="yes"
    else
      mark="**no**"; all_met=0
    fi
    cpu=$(median <<<"${CPU[$i]}")
    if [ "$CLIENT" = h2load ]; then
      rows+=("| ${labels[$i]} | $c | ${LRPS[$i]# } | $lrps | $r | $(ratio "$lrps" $((c / SLEEP_S))) | ${RPS[$i]# } | $rps | $wr | $(median <<<"${P50[$i]}") | $(median <<<"${P99[$i]}") | ${BAD[$i]} | ${ERR[$i]} | $(( RSS[$i] / 1024 )) | $cpu | $(ratio "$cpu" "$floor_cpu") | $mark |")
    else
      rows+=("| ${labels[$i]} | $c | ${RPS[$i]# } | $rps | $r | $(ratio "$rps" $((c / SLEEP_S))) | $(median <<<"${P50[$i]}") | $(median <<<"${P99[$i]}") | ${BAD[$i]} | ${ERR[$i]} | $(( RSS[$i] / 1024 )) | $cpu | $(ratio "$cpu" "$floor_cpu") | $mark |")
    fi
  done
  lanes_stats="$(curl -s --max-time 5 "http://127.0.0.1:$PORT/get_available_threads" || true)"
  "$JCMD" "$lanes_pid" GC.run >/dev/null 2>&1 || true
  live=$("$JCMD" "$lanes_pid" GC.heap_info 2>/dev/null | awk '/used/ { for (i = 1; i <= NF; i++) if ($i == "used") { print $(i + 1); exit } }')
  LIVE[$c]="${live:-?}"
  stop_server "$lanes_pid"; stop_server "$floor_pid"
done
load_after="$(uptime_line)"

body="$RUN/section.md"
if [ "$CLIENT" = h2load ]; then
  title="Seed endpoints over keep-alive connections at c=${CONCURRENCY[*]} (\`CLIENT=h2load benchmarks/seed-scale.sh\`)"
  command="$WAVES untimed waves \`hey -n ${WAVES}c -c c\` (JIT), then $ROUNDS rounds of \`h2load --h1 -t2 -c c --warm-up-time $W -D $D --log-file=F URL\`: c connections, each with one sleeping request at a time, timed for $D s after a $W s warm-up; \"c / mean\" is c over the mean time per request of the timed requests (from h2load's per-request log), \"h2load req/s\" h2load's count over the timed seconds; the latency columns are that mean and h2load's max time per request, medians over the rounds"
  cpu_over="over the requests of its timed seconds"
else
  title="Seed endpoints at c=1000 and c=10000 (\`benchmarks/seed-scale.sh\`)"
  command="$WAVES untimed waves \`hey -n ${WAVES}c -c c\`, then $ROUNDS rounds of \`hey -n 2c -c c URL\`; req/s, p50 and p99 are medians over the rounds"
  cpu_over="over its 2c requests"
fi
{
  echo "## $title"
  echo
  machine_md
  echo "- load before: \`$load_before\`"
  echo "- load after:  \`$load_after\`"
  echo "- server: \`SLEEP=$SLEEP_S java -Xms$HEAP -Xmx$HEAP -jar examples/target/examples.jar\` (default settings: adaptive lanes); a fresh JVM per concurrency; the floor runs with the same heap"
  echo "- floor: \`RawNettyHello\`'s \`/sleep\` (a bare Netty timer), same commands; both servers run at once (one loaded at a time), and each round times the floor and each endpoint, starting one further along each round"
  echo "- command per endpoint: $command; non-2xx and errors are sums, RSS the server's peak VmRSS during the timed runs"
  echo "- physical limit: c / SLEEP requests a second (every connection always has one request sleeping); \"vs c/SLEEP\" is the median against it"
  if [ "$CLIENT" = h2load ]; then
    echo "- targets: median c / mean >= $TARGET x the floor's median at the same concurrency, no non-2xx or errors, RSS <= $RSS_LIMIT_MB MB. Why c / mean and not h2load's count: the connections' requests sleep the same second and stay in step, so a timed window ends inside a wave of completions, and whether that wave counts moves the count by up to a few per cent (the floor's own rounds have spanned 1 %; a count of exactly c / SLEEP means every connection completed exactly $D requests). With c requests always in flight, req/s = c / (mean time per request + the client's turn-around), Little's law, and the mean has no window edge; the client's turn-around, the same client for both, is left out of both."
  else
    echo "- targets: median req/s >= $TARGET x the floor's median at the same concurrency, no non-2xx or errors, RSS <= $RSS_LIMIT_MB MB"
  fi
  echo "- server CPU: the loaded server's utime+stime during a timed run $cpu_over, median over the rounds (µs per request), and its ratio to the floor's (not a target: where the time goes)"
  echo
  if [ "$CLIENT" = h2load ]; then
    echo "| endpoint | c | c / mean per round | median c / mean | vs floor | vs c/SLEEP | h2load req/s per round | median h2load req/s | h2load vs floor | $lat | non-2xx | errors | peak RSS MB | server CPU µs/req | CPU vs floor | met? |"
    echo "|---|---:|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  else
    echo "| endpoint | c | req/s per round | median req/s | vs floor | vs c/SLEEP | $lat | non-2xx | errors | peak RSS MB | server CPU µs/req | CPU vs floor | met? |"
    echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  fi
  printf '%s\n' "${rows[@]}"
  echo
  if [ "$all_met" = 1 ]; then echo "**Targets met** on every row."; else echo "**Target missed** on the rows marked **no**."; fi
  echo
  for c in "${CONCURRENCY[@]}"; do echo "- Lanes' live heap after a full GC at the end of c=$c: ${LIVE[$c]}"; done
  echo
  echo "Lanes after the last run (\`/get_available_threads\`): \`$lanes_stats\`"
} >"$body"
replace_section "$SECTION" "$body"
echo "wrote the $SECTION section of $RESULTS" >&2
