#!/usr/bin/env bash
# Hello-world throughput (issue 2): `wrk -t2 -c64 -d10s` on /plaintext and /json against the Lanes
# demo, the raw-Netty baseline (RawNettyHello) and Vert.x 5 (VertxHello), each started alone in turn
# in the same run, with a 5 s warm-up (same wrk command) before each measured run (and 5 s per path
# when a server starts, so the JIT has compiled both paths before anything is measured). Writes the
# "wrk" section of RESULTS.md with the ratios Lanes/raw-Netty and Lanes/Vert.x.
# Issue target: Lanes >= 0.9x raw Netty; aim: match Vert.x.
#
#   benchmarks/wrk.sh            # ~2.5 min per round; ports 18080 (Lanes), 18081 (raw Netty), 18082 (Vert.x) must be free
#
#   ROUNDS=3 benchmarks/wrk.sh   # rotates the order each round and reports each server's best round
#
# wrk runs on the same machine as the server (2 cores here), so every server competes with wrk
# for CPU; the ratios are meaningful, the absolute numbers much less so.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-5s}"
JIT_WARMUP="${JIT_WARMUP:-5s}"
PATHS=(/plaintext /json)
SERVERS=(lanes raw-netty vertx)

ROUNDS="${ROUNDS:-1}"
ensure_jars
declare -A RPS LAT ERR LOAD CPU ALL
CLK_TCK="$(getconf CLK_TCK)"

# cpu_ticks PID: user + system CPU ticks the process has used so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# parse_wrk FILE -> "rps avg_latency errors requests" (errors: socket errors + non-2xx/3xx responses)
parse_wrk() {
  awk '
    / requests in / { reqs = $1 }
    /^Requests\/sec:/ { rps = $2 }
    /^    Latency/ { lat = $2 }
    /Socket errors:/ { for (i = 3; i <= NF; i++) { v = $i; gsub(/[^0-9]/, "", v); err += v } }
    /Non-2xx or 3xx responses:/ { err += $5 }
    END { printf "%s %s %d %d\n", rps, lat, err, reqs }' "$1"
}

# One round runs every server in turn; with ROUNDS > 1 the order rotates each round and the best
# round per server and path is reported (other people's load only ever lowers a number).
for round in $(seq 1 "$ROUNDS"); do
  order=("${SERVERS[@]:$(( (round - 1) % ${#SERVERS[@]} ))}" "${SERVERS[@]:0:$(( (round - 1) % ${#SERVERS[@]} ))}")
  for s in "${order[@]}"; do
    case "$s" in
      lanes) port=18080; cmd=(env PORT=$port HOST=127.0.0.1 "$JAVA" "${JAVA_OPTS[@]}" -jar "$DEMO_JAR") ;;
      raw-netty) port=18081; cmd=("$JAVA" "${JAVA_OPTS[@]}" -cp "$BENCH_JAR" dev.lanes.benchmarks.RawNettyHello $port) ;;
      vertx) port=18082; cmd=("$JAVA" "${JAVA_OPTS[@]}" -cp "$BENCH_JAR" dev.lanes.benchmarks.VertxHello $port) ;;
    esac
    start_server "$s" "$port" "$OUT/wrk-$s.log" -- "${cmd[@]}"
    pid=$SERVER_PID
    # JIT warm-up of the whole server before any measurement: on a loaded 2-core machine the JIT
    # threads starve and a cold server's first measured run was ~30% low (CPU/req ~2x).
    for p in "${PATHS[@]}"; do
      echo "round $round: JIT warm-up $s $p ($JIT_WARMUP)" >&2
      timeout 60 wrk -t2 -c64 -d"$JIT_WARMUP" "http://127.0.0.1:$port$p" >/dev/null
    done
    for p in "${PATHS[@]}"; do
      url="http://127.0.0.1:$port$p"
      echo "round $round: warm-up $s $p ($WARMUP)" >&2
      timeout 60 wrk -t2 -c64 -d"$WARMUP" "$url" >/dev/null
      load="$(load1)"
      f="$OUT/wrk-$s${p//\//_}-r$round.txt"
      echo "round $round: wrk -t2 -c64 -d$DURATION $url" >&2
      t0="$(cpu_ticks "$pid")"
      timeout 90 wrk -t2 -c64 -d"$DURATION" "$url" >"$f" 2>&1
      t1="$(cpu_ticks "$pid")"
      read -r rps lat err reqs <<<"$(parse_wrk "$f")"
      # Server CPU per request: far less sensitive to other people's load than req/s.
      cpu=$(awk -v d=$((t1 - t0)) -v n="$reqs" -v hz="$CLK_TCK" 'BEGIN { if (n > 0) printf "%.1f", d * 1e6 / hz / n; else print "n/a" }')
      ALL[$s$p]="${ALL[$s$p]:+${ALL[$s$p]}, }${rps%.*}"
      if [ -z "${RPS[$s$p]:-}" ] || awk -v a="$rps" -v b="${RPS[$s$p]}" 'BEGIN { exit !(a + 0 > b + 0) }'; then
        RPS[$s$p]=$rps; LAT[$s$p]=$lat; ERR[$s$p]=$err; LOAD[$s$p]=$load; CPU[$s$p]=$cpu
      fi
      echo "  -> $rps req/s, avg latency $lat, errors $err, server CPU ${cpu} us/req, load1 $load" >&2
    done
    stop_server "$pid"
  done
done

body="$(mktemp)"
{
  echo "## Hello world: Lanes vs raw Netty vs Vert.x (\`benchmarks/wrk.sh\`)"
  echo
  machine_md
  echo "- load (1-min average) just before each measured run is in the table; whole line at the end: \`$(uptime_line)\`"
  echo "- command: \`wrk -t2 -c64 -d$DURATION URL\`, after a \`-d$WARMUP\` warm-up with the same command; one server at a time,"
  echo "  each first warmed up with \`-d$JIT_WARMUP\` on every path (JIT) after it starts;"
  echo "  $ROUNDS round(s), order rotated per round; the table shows each server's best round (all rounds in the last column)"
  echo "- server CPU us/req: the server process's user+system CPU time during the measured run / requests served"
  echo "  (from /proc; much less sensitive to other people's load than req/s, though not immune)"
  echo "- servers: Lanes demo (\`java -jar examples/target/examples.jar\`, async handlers returning completed futures),"
  echo "  \`RawNettyHello\` (HttpServerCodec + HttpObjectAggregator + one handler, epoll, flush on read complete),"
  echo "  \`VertxHello\` (Vert.x 5 core HttpServer, one verticle per event loop); all: $(nproc) event loops, same headers, JSON serialised per request with Jackson"
  echo
  echo "| path | server | req/s | avg latency | errors | server CPU us/req | load1 before | req/s of every round |"
  echo "|---|---|---:|---:|---:|---:|---:|---|"
  for p in "${PATHS[@]}"; do
    for s in "${SERVERS[@]}"; do
      echo "| \`$p\` | $s | ${RPS[$s$p]} | ${LAT[$s$p]} | ${ERR[$s$p]} | ${CPU[$s$p]} | ${LOAD[$s$p]} | ${ALL[$s$p]} |"
    done
  done
  echo
  echo "| path | Lanes / raw Netty | Lanes / Vert.x | Vert.x / raw Netty | Lanes >= 0.9x Netty? | CPU/req Lanes / raw Netty | CPU/req Lanes / Vert.x |"
  echo "|---|---:|---:|---:|---|---:|---:|"
  for p in "${PATHS[@]}"; do
    rn="$(ratio "${RPS[lanes$p]}" "${RPS[raw-netty$p]}")"
    rv="$(ratio "${RPS[lanes$p]}" "${RPS[vertx$p]}")"
    vn="$(ratio "${RPS[vertx$p]}" "${RPS[raw-netty$p]}")"
    ok=$(awk -v r="$rn" 'BEGIN { print (r + 0 >= 0.9) ? "yes" : "**no**" }')
    cn="$(ratio "${CPU[lanes$p]}" "${CPU[raw-netty$p]}")"
    cv="$(ratio "${CPU[lanes$p]}" "${CPU[vertx$p]}")"
    echo "| \`$p\` | $rn | $rv | $vn | $ok | $cn | $cv |"
  done
} >"$body"
replace_section wrk "$body"
rm -f "$body"
echo "wrote the wrk section of $RESULTS" >&2
