#!/usr/bin/env bash
# Server CPU per request (issue 12): each server pinned to core 0 with taskset, `wrk -t1 -c64` pinned
# to core 1, so what is measured is the server's CPU, not the client's. CPU per request = the server
# process's utime+stime delta (from /proc/PID/stat) during a measured run / requests served; user
# time alone is reported too (kernel time is mostly the same socket work for every server).
# Servers: the Lanes demo with its defaults (observability on: metrics, watchdog, pinning monitor),
# RawNettyHello and VertxHello; with BASE_DEMO_JAR=path another Lanes build ("lanes-base") joins,
# for an old-vs-new comparison in the same run. All servers run side by side (idle ones cost next to
# nothing) and are measured one at a time, order rotated per round; the table gives each server's
# median over the rounds. Writes the "cpu-per-request" section of RESULTS.md.
# Target: Lanes CPU/request <= 1.0x Vert.x on /plaintext and /json.
#
#   benchmarks/cpu-per-request.sh                   # ~1.5 min per round with 3 servers; ports PORT_BASE (18040) and up
#   ROUNDS=3 BASE_DEMO_JAR=/tmp/old/examples/target/examples.jar benchmarks/cpu-per-request.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"

DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-3s}"
# Long enough for a server's first ~15 young collections, which copy its start-up live set until
# they tenure it (the demo's 4.8 MB: 6.7 ms a collection, 0.8 ms after), in JIT_RUNS runs on new
# connections each, as every measured run is: code compiled while the first connections only read
# is thrown away ("uncommon trap") once new ones are accepted. Start-up costs, not the steady state.
JIT_WARMUP="${JIT_WARMUP:-5s}"
JIT_RUNS="${JIT_RUNS:-5}"
ROUNDS="${ROUNDS:-3}"
SERVER_CPU="${SERVER_CPU:-0}"
CLIENT_CPU="${CLIENT_CPU:-1}"
PATHS=(/plaintext /json)
SERVERS=(lanes raw-netty vertx)
[ -n "${BASE_DEMO_JAR:-}" ] && SERVERS+=(lanes-base)

ensure_jars
CLK_TCK="$(getconf CLK_TCK)"
declare -A PORT PID CPU USR RPS

# ticks PID FIELD...: sum of the given /proc/PID/stat fields (14 utime, 15 stime).
ticks() { local pid="$1"; shift; awk -v f="$*" '{ n = split(f, a, " "); s = 0; for (i = 1; i <= n; i++) s += $a[i]; print s }' "/proc/$pid/stat"; }
requests() { awk '/ requests in / { print $1 }' "$1"; }
rps() { awk '/^Requests\/sec:/ { print $2 }' "$1"; }
errors() {
  awk '/Socket errors:/ { for (i = 3; i <= NF; i++) { v = $i; gsub(/[^0-9]/, "", v); e += v } }
       /Non-2xx or 3xx responses:/ { e += $5 } END { print e + 0 }' "$1"
}
client() { timeout 90 taskset -c "$CLIENT_CPU" wrk -t1 -c64 "$@"; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

i=0
for s in "${SERVERS[@]}"; do
  port=$((${PORT_BASE:-18040} + i)); i=$((i + 1)); PORT[$s]=$port
  case "$s" in
    lanes) cmd=(env PORT=$port HOST=127.0.0.1 "$JAVA" "${JAVA_OPTS[@]}" -jar "$DEMO_JAR") ;;
    lanes-base) cmd=(env PORT=$port HOST=127.0.0.1 "$JAVA" "${JAVA_OPTS[@]}" -jar "$BASE_DEMO_JAR") ;;
    raw-netty) cmd=("$JAVA" "${JAVA_OPTS[@]}" -cp "$BENCH_JAR" dev.lanes.benchmarks.RawNettyHello $port) ;;
    vertx) cmd=("$JAVA" "${JAVA_OPTS[@]}" -cp "$BENCH_JAR" dev.lanes.benchmarks.VertxHello $port) ;;
  esac
  start_server "$s" "$port" "$OUT/cpu-$s.log" -- taskset -c "$SERVER_CPU" "${cmd[@]}"
  PID[$s]=$SERVER_PID
  for p in "${PATHS[@]}"; do
    echo "JIT warm-up $s $p ($JIT_RUNS x $JIT_WARMUP)" >&2
    for _ in $(seq 1 "$JIT_RUNS"); do client -d"$JIT_WARMUP" "http://127.0.0.1:$port$p" >/dev/null; done
  done
done

LOADS=()
for round in $(seq 1 "$ROUNDS"); do
  shift_by=$(( (round - 1) % ${#SERVERS[@]} ))
  order=("${SERVERS[@]:$shift_by}" "${SERVERS[@]:0:$shift_by}")
  LOADS+=("$(load1)")
  for s in "${order[@]}"; do
    for p in "${PATHS[@]}"; do
      url="http://127.0.0.1:${PORT[$s]}$p"
      client -d"$WARMUP" "$url" >/dev/null
      f="$OUT/cpu-$s${p//\//_}-r$round.txt"
      t0="$(ticks "${PID[$s]}" 14 15)"; u0="$(ticks "${PID[$s]}" 14)"
      client -d"$DURATION" "$url" >"$f" 2>&1
      t1="$(ticks "${PID[$s]}" 14 15)"; u1="$(ticks "${PID[$s]}" 14)"
      n="$(requests "$f")"
      [ "$(errors "$f")" = 0 ] || { echo "$s $p: errors in $f" >&2; cat "$f" >&2; exit 1; }
      cpu=$(awk -v d=$((t1 - t0)) -v n="$n" -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", d * 1e6 / hz / n }')
      usr=$(awk -v d=$((u1 - u0)) -v n="$n" -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", d * 1e6 / hz / n }')
      CPU[$s$p]="${CPU[$s$p]:-} $cpu"; USR[$s$p]="${USR[$s$p]:-} $usr"; RPS[$s$p]="${RPS[$s$p]:-} $(rps "$f")"
      echo "round $round $s $p: $(rps "$f") req/s, $cpu us/req CPU ($usr user), load1 $(load1)" >&2
    done
  done
done
LOADS+=("$(load1)")

body="$(mktemp)"
{
  echo "## Server CPU per request, pinned (\`benchmarks/cpu-per-request.sh\`)"
  echo
  machine_md
  echo "- load (1-min average) at the start of each round and at the end: ${LOADS[*]}; whole line at the end: \`$(uptime_line)\`"
  echo "- layout: every server \`taskset -c $SERVER_CPU\` (so one event loop each), \`taskset -c $CLIENT_CPU wrk -t1 -c64 -d$DURATION URL\`"
  echo "  after a \`-d$WARMUP\` warm-up; each server first warmed up $JIT_RUNS x \`-d$JIT_WARMUP\` per path (JIT, start-up live set tenured); servers run side by side,"
  echo "  measured one at a time, $ROUNDS rounds, order rotated per round"
  echo "- CPU us/req: the server process's utime+stime (user: utime only) during the measured run / requests served;"
  echo "  median of the rounds (every round in the last column)"
  echo "- servers: Lanes demo with its defaults (\`java -jar examples/target/examples.jar\`: metrics, blocked-loop watchdog,"
  echo "  pinning monitor all on), \`RawNettyHello\`, \`VertxHello\` (Vert.x 5 core)${BASE_DEMO_JAR:+, lanes-base = the demo jar of an older build (\`$BASE_DEMO_JAR\`)}"
  echo
  echo "| path | server | CPU us/req | user us/req | req/s (median) | CPU us/req of every round |"
  echo "|---|---|---:|---:|---:|---|"
  for p in "${PATHS[@]}"; do
    for s in "${SERVERS[@]}"; do
      echo "| \`$p\` | $s | $(median <<<"${CPU[$s$p]}") | $(median <<<"${USR[$s$p]}") | $(median <<<"${RPS[$s$p]}" | cut -d. -f1) | $(echo ${CPU[$s$p]} | sed 's/ /, /g') |"
    done
  done
  echo
  echo "| path | CPU/req Lanes / Vert.x | Lanes / raw Netty | Vert.x / raw Netty |${BASE_DEMO_JAR:+ Lanes / lanes-base |} Lanes <= 1.0x Vert.x? |"
  echo "|---|---:|---:|---:|${BASE_DEMO_JAR:+---:|}---|"
  for p in "${PATHS[@]}"; do
    l="$(median <<<"${CPU[lanes$p]}")"; v="$(median <<<"${CPU[vertx$p]}")"; n="$(median <<<"${CPU[raw-netty$p]}")"
    base=""
    [ -n "${BASE_DEMO_JAR:-}" ] && base=" $(ratio "$l" "$(median <<<"${CPU[lanes-base$p]}")") |"
    ok=$(awk -v a="$l" -v b="$v" 'BEGIN { print (a + 0 <= b + 0) ? "yes" : "**no**" }')
    echo "| \`$p\` | $(ratio "$l" "$v") | $(ratio "$l" "$n") | $(ratio "$v" "$n") |$base $ok |"
  done
} >"$body"
replace_section cpu-per-request "$body"
rm -f "$body"
echo "wrote the cpu-per-request section of $RESULTS" >&2
