#!/usr/bin/env bash
# HTTP/2 throughput: `h2load -n 200000 -c 16 -m 10` on /plaintext against the Lanes demo and the
# Vert.x hello app, each started alone in turn in the same run, each warmed up first with the
# same command. Goal: Lanes >= 1.0x Vert.x.
#   PROTO=h2c (default): h2c by prior knowledge on the cleartext port (Lanes h2c(true), Vert.x h2c
#     by default); writes the "h2load" section of RESULTS.md.
#   PROTO=tls: h2 over TLS by ALPN (Lanes demo TLS_PORT, OpenSSL engine; VertxHello tls mode,
#     OpenSSL); h2load keeps its 16 connections, so this measures record encryption and HTTP/2,
#     not handshakes; writes the "h2load-tls" section.
#
#   benchmarks/h2load.sh                     # ~1 min per round; ports BASE_PORT..+3 (default 18094..18097) must be free
#   ROUNDS=3 PROTO=tls benchmarks/h2load.sh  # order alternated per round; every round's ratio is reported
#
# h2load (Debian package nghttp2-client) runs on the same 2 cores as the server: ratios are
# meaningful, absolute numbers much less so.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
command -v h2load >/dev/null || { echo "h2load missing: apt-get install -y nghttp2-client" >&2; exit 1; }

N="${N:-200000}"
WARMUP_N="${WARMUP_N:-100000}"
ROUNDS="${ROUNDS:-1}"
PROTO="${PROTO:-h2c}"
BASE_PORT="${BASE_PORT:-18094}"
SERVERS=(lanes vertx)
ensure_jars
declare -A RPS FAILED LOAD CPU ALL ROUND
CLK_TCK="$(getconf CLK_TCK)"
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
RATIOS=()

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
    case "$PROTO/$s" in
      h2c/lanes) port=$BASE_PORT; url="http://127.0.0.1:$port/plaintext"; ready=""
        cmd=(env PORT=$port HOST=127.0.0.1 METRICS=off "$JAVA" "${JAVA_OPTS[@]}" -jar "$DEMO_JAR") ;;
      h2c/vertx) port=$((BASE_PORT + 2)); url="http://127.0.0.1:$port/plaintext"; ready=""
        cmd=("$JAVA" "${JAVA_OPTS[@]}" -cp "$BENCH_JAR" dev.lanes.benchmarks.VertxHello $port) ;;
      tls/lanes) port=$BASE_PORT; url="https://127.0.0.1:$((BASE_PORT + 1))/plaintext"; ready=""
        cmd=(env PORT=$port TLS_PORT=$((BASE_PORT + 1)) TLS_ENGINE=openssl HOST=127.0.0.1 METRICS=off
          "$JAVA" "${JAVA_OPTS[@]}" -jar "$DEMO_JAR") ;;
      tls/vertx) port=$((BASE_PORT + 2)); url="https://127.0.0.1:$port/plaintext"; ready="$url"
        cmd=("$JAVA" "${JAVA_OPTS[@]}" -cp "$BENCH_JAR" dev.lanes.benchmarks.VertxHello $port tls) ;;
      *) echo "PROTO must be h2c or tls: $PROTO" >&2; exit 2 ;;
    esac
    READY_URL="$ready" start_server "$s" "$port" "$OUT/h2load-$PROTO-$s.log" -- "${cmd[@]}"
    pid=$SERVER_PID
    echo "round $round: warm-up $s (h2load -n $WARMUP_N -c 16 -m 10 $url)" >&2
    timeout 120 h2load -n "$WARMUP_N" -c 16 -m 10 "$url" >/dev/null
    load="$(load1)"
    f="$OUT/h2load-$PROTO-$s-r$round.txt"
    echo "round $round: h2load -n $N -c 16 -m 10 $url" >&2
    t0="$(cpu_ticks "$pid")"
    timeout 300 h2load -n "$N" -c 16 -m 10 "$url" >"$f" 2>&1
    t1="$(cpu_ticks "$pid")"
    grep -q "Application protocol: h2" "$f" || { echo "$s did not speak h2: $(grep -i protocol "$f")" >&2; exit 1; }
    read -r rps ok bad <<<"$(parse_h2load "$f")"
    cpu=$(awk -v d=$((t1 - t0)) -v n="$ok" -v hz="$CLK_TCK" 'BEGIN { if (n > 0) printf "%.1f", d * 1e6 / hz / n; else print "n/a" }')
    ALL[$s]="${ALL[$s]:+${ALL[$s]}, }${rps%.*} (load1 $load)"
    ROUND[$s]=$rps
    if [ -z "${RPS[$s]:-}" ] || awk -v a="$rps" -v b="${RPS[$s]}" 'BEGIN { exit !(a + 0 > b + 0) }'; then
      RPS[$s]=$rps; FAILED[$s]=$bad; LOAD[$s]=$load; CPU[$s]=$cpu
    fi
    echo "  -> $rps req/s, $ok ok, $bad failed/errored, server CPU $cpu us/req, load1 $load" >&2
    stop_server "$pid"
  done
  RATIOS+=("$(ratio "${ROUND[lanes]}" "${ROUND[vertx]}") (${order[0]} first)")
  echo "round $round: Lanes / Vert.x ${RATIOS[-1]}" >&2
done

body="$(mktemp)"
{
  if [ "$PROTO" = tls ]; then
    echo "## HTTP/2 over TLS (ALPN h2) throughput: Lanes vs Vert.x (\`PROTO=tls benchmarks/h2load.sh\`)"
  else
    echo "## HTTP/2 (h2c) throughput: Lanes vs Vert.x (\`benchmarks/h2load.sh\`)"
  fi
  echo
  machine_md
  if [ "$PROTO" = tls ]; then
    echo "- command: \`h2load -n $N -c 16 -m 10 https://127.0.0.1:PORT/plaintext\` (TLS 1.3, ALPN h2), after a \`-n $WARMUP_N\` warm-up with the same options;"
    echo "  one server at a time, $ROUNDS round(s), order alternated per round"
    echo "- servers: Lanes demo (\`TLS_PORT\`, \`TLS_ENGINE=openssl\`, self-signed EC P-256), \`VertxHello tls\` (Vert.x 5 core HttpServer, ALPN h2, \`OpenSSLEngineOptions\`, the same kind of certificate); both $(nproc) event loops, both BoringSSL from netty-tcnative"
  else
    echo "- command: \`h2load -n $N -c 16 -m 10 http://127.0.0.1:PORT/plaintext\` (h2c by prior knowledge), after a \`-n $WARMUP_N\` warm-up with the same options;"
    echo "  one server at a time, $ROUNDS round(s), order alternated per round"
    echo "- servers: Lanes demo (\`h2c(true)\`, async handler returning a completed future), \`VertxHello\` (Vert.x 5 core HttpServer, h2c by default); both $(nproc) event loops"
  fi
  echo "- whole uptime line at the end: \`$(uptime_line)\`"
  echo
  echo "| server | best req/s | failed+errored | server CPU us/req (best round) | load1 before (best round) | req/s of every round (load1 before it) |"
  echo "|---|---:|---:|---:|---:|---|"
  for s in "${SERVERS[@]}"; do
    echo "| $s | ${RPS[$s]} | ${FAILED[$s]} | ${CPU[$s]} | ${LOAD[$s]} | ${ALL[$s]} |"
  done
  echo
  r="$(ratio "${RPS[lanes]}" "${RPS[vertx]}")"
  echo "Lanes / Vert.x req/s per round: $(IFS=';'; echo "${RATIOS[*]}" | sed 's/;/, /g'). Best round against best round: **$r** (goal >= 1.0: $(awk -v r="$r" 'BEGIN { print (r + 0 >= 1.0) ? "met" : "**not met**" }')); CPU/req Lanes / Vert.x: $(ratio "${CPU[lanes]}" "${CPU[vertx]}")"
} >"$body"
replace_section "$([ "$PROTO" = tls ] && echo h2load-tls || echo h2load)" "$body"
rm -f "$body"
echo "wrote the h2load$([ "$PROTO" = tls ] && echo -tls) section of $RESULTS" >&2
