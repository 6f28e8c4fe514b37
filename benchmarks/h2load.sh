#!/usr/bin/env bash
# HTTP/2 throughput over h2c: `h2load -n 200000 -c 16 -m 10` on /plaintext against the Lanes demo
# (h2c on) and the Vert.x hello app (h2c by default), each started alone in turn in the same run,
# each warmed up first with the same command. Goal: Lanes >= 1.0x Vert.x.
# Writes the "h2load" section of RESULTS.md.
#
#   benchmarks/h2load.sh             # ~1 min per round; ports 18094 (Lanes), 18096 (Vert.x) must be free
#   ROUNDS=3 benchmarks/h2load.sh    # order rotated per round; the best round per server is reported
#
# h2load (Debian package nghttp2-client) runs on the same 2 cores as the server: ratios are
# meaningful, absolute numbers much less so.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
command -v h2load >/dev/null || { echo "h2load missing: apt-get install -y nghttp2-client" >&2; exit 1; }

N="${N:-200000}"
WARMUP_N="${WARMUP_N:-100000}"
ROUNDS="${ROUNDS:-1}"
SERVERS=(lanes vertx)
ensure_jars
declare -A RPS FAILED LOAD CPU ALL
CLK_TCK="$(getconf CLK_TCK)"
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# parse FILE -> "req/s succeeded failed+errored"
parse_h2load() {
  awk '
    /^finished in/ { rps = $4 }
    /^requests:/ { ok = $8; bad = $10 + $12 }
    END { printf "%s %d %d\n", rps, ok, bad }' "$1"
}

for round in $(seq 1 "$ROUNDS"); do
  order=("${SERVERS[@]:$(( (round - 1) % 2 ))}" "${SERVERS[@]:0:$(( (round - 1) % 2 ))}")
  for s in "${order[@]}"; do
    case "$s" in
      lanes) port=18094; cmd=(env PORT=$port HOST=127.0.0.1 "$JAVA" "${JAVA_OPTS[@]}" -jar "$DEMO_JAR") ;;
      vertx) port=18096; cmd=("$JAVA" "${JAVA_OPTS[@]}" -cp "$BENCH_JAR" dev.lanes.benchmarks.VertxHello $port) ;;
    esac
    start_server "$s" "$port" "$OUT/h2load-$s.log" -- "${cmd[@]}"
    pid=$SERVER_PID
    url="http://127.0.0.1:$port/plaintext"
    echo "round $round: warm-up $s (h2load -n $WARMUP_N -c 16 -m 10)" >&2
    timeout 120 h2load -n "$WARMUP_N" -c 16 -m 10 "$url" >/dev/null
    load="$(load1)"
    f="$OUT/h2load-$s-r$round.txt"
    echo "round $round: h2load -n $N -c 16 -m 10 $url" >&2
    t0="$(cpu_ticks "$pid")"
    timeout 300 h2load -n "$N" -c 16 -m 10 "$url" >"$f" 2>&1
    t1="$(cpu_ticks "$pid")"
    read -r rps ok bad <<<"$(parse_h2load "$f")"
    cpu=$(awk -v d=$((t1 - t0)) -v n="$ok" -v hz="$CLK_TCK" 'BEGIN { if (n > 0) printf "%.1f", d * 1e6 / hz / n; else print "n/a" }')
    ALL[$s]="${ALL[$s]:+${ALL[$s]}, }${rps%.*}"
    if [ -z "${RPS[$s]:-}" ] || awk -v a="$rps" -v b="${RPS[$s]}" 'BEGIN { exit !(a + 0 > b + 0) }'; then
      RPS[$s]=$rps; FAILED[$s]=$bad; LOAD[$s]=$load; CPU[$s]=$cpu
    fi
    echo "  -> $rps req/s, $ok ok, $bad failed/errored, server CPU $cpu us/req, load1 $load" >&2
    stop_server "$pid"
  done
done

body="$(mktemp)"
{
  echo "## HTTP/2 (h2c) throughput: Lanes vs Vert.x (\`benchmarks/h2load.sh\`)"
  echo
  machine_md
  echo "- command: \`h2load -n $N -c 16 -m 10 http://127.0.0.1:PORT/plaintext\` (h2c by prior knowledge), after a \`-n $WARMUP_N\` warm-up with the same options;"
  echo "  one server at a time, $ROUNDS round(s), order rotated per round; best round shown (all rounds in the last column)"
  echo "- servers: Lanes demo (\`h2c(true)\`, async handler returning a completed future), \`VertxHello\` (Vert.x 5 core HttpServer, h2c by default); both $(nproc) event loops"
  echo "- whole uptime line at the end: \`$(uptime_line)\`"
  echo
  echo "| server | req/s | failed+errored | server CPU us/req | load1 before | req/s of every round |"
  echo "|---|---:|---:|---:|---:|---|"
  for s in "${SERVERS[@]}"; do
    echo "| $s | ${RPS[$s]} | ${FAILED[$s]} | ${CPU[$s]} | ${LOAD[$s]} | ${ALL[$s]} |"
  done
  echo
  r="$(ratio "${RPS[lanes]}" "${RPS[vertx]}")"
  echo "Lanes / Vert.x req/s: **$r** (goal >= 1.0: $(awk -v r="$r" 'BEGIN { print (r + 0 >= 1.0) ? "met" : "**not met**" }')); CPU/req Lanes / Vert.x: $(ratio "${CPU[lanes]}" "${CPU[vertx]}")"
} >"$body"
replace_section h2load "$body"
rm -f "$body"
echo "wrote the h2load section of $RESULTS" >&2
