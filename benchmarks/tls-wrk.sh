#!/usr/bin/env bash
# HTTP/1.1 over TLS: `wrk -t2 -c64 -d10s` on https /plaintext and /json against the demo's TLS
# listener with the OpenSSL engine (netty-tcnative BoringSSL) and with the JDK engine, each
# started alone in turn, plus the same server's cleartext port in the same run as the peer (so
# the table shows what TLS costs and what OpenSSL saves). wrk keeps its 64 connections open, so
# this measures record encryption, not handshakes. Writes the "tls-wrk" section of RESULTS.md.
#
#   benchmarks/tls-wrk.sh   # ~2.5 min; ports 18091 (cleartext) and 18444 (TLS) must be free
set -euo pipefail
source "$(dirname "$0")/lib.sh"

DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-5s}"
# The JDK engine's AES-GCM runs ~20x slower until C2 has compiled it (1.5k req/s in the first
# 8 s of a fresh server, 30k after 16 s here), so every server is warmed up on every URL first.
JIT_WARMUP="${JIT_WARMUP:-12s}"
PATHS=(/plaintext /json)
ENGINES=(openssl jdk)
ensure_jars
declare -A RPS LAT ERR CPU
CLK_TCK="$(getconf CLK_TCK)"
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
parse_wrk() {
  awk '
    / requests in / { reqs = $1 }
    /^Requests\/sec:/ { rps = $2 }
    /^    Latency/ { lat = $2 }
    /Socket errors:/ { for (i = 3; i <= NF; i++) { v = $i; gsub(/[^0-9]/, "", v); err += v } }
    /Non-2xx or 3xx responses:/ { err += $5 }
    END { printf "%s %s %d %d\n", rps, lat, err, reqs }' "$1"
}

for engine in "${ENGINES[@]}"; do
  start_server "lanes-$engine" 18091 "$OUT/tls-wrk-$engine.log" -- \
    env PORT=18091 TLS_PORT=18444 TLS_ENGINE="$engine" HOST=127.0.0.1 \
    "$JAVA" "${JAVA_OPTS[@]}" -jar "$DEMO_JAR"
  pid=$SERVER_PID
  grep -q "TLS: ${engine^^}" "$OUT/tls-wrk-$engine.log" || { echo "server did not report engine $engine" >&2; exit 1; }
  for p in "${PATHS[@]}"; do
    echo "JIT warm-up $engine https $p ($JIT_WARMUP)" >&2
    timeout 60 wrk -t2 -c64 -d"$JIT_WARMUP" "https://127.0.0.1:18444$p" >/dev/null
  done
  for scheme in https http; do
    port=$([ "$scheme" = https ] && echo 18444 || echo 18091)
    key="$engine-$scheme"
    # The cleartext port is the same for both engines: measure it once, with the first server.
    if [ "$scheme" = http ] && [ "$engine" != "${ENGINES[0]}" ]; then continue; fi
    for p in "${PATHS[@]}"; do
      url="$scheme://127.0.0.1:$port$p"
      echo "warm-up $key $p ($WARMUP)" >&2
      timeout 60 wrk -t2 -c64 -d"$WARMUP" "$url" >/dev/null
      f="$OUT/tls-wrk-$key${p//\//_}.txt"
      t0="$(cpu_ticks "$pid")"
      timeout 90 wrk -t2 -c64 -d"$DURATION" "$url" >"$f" 2>&1
      t1="$(cpu_ticks "$pid")"
      read -r rps lat err reqs <<<"$(parse_wrk "$f")"
      cpu=$(awk -v d=$((t1 - t0)) -v n="$reqs" -v hz="$CLK_TCK" 'BEGIN { if (n > 0) printf "%.1f", d * 1e6 / hz / n; else print "n/a" }')
      RPS[$key$p]=$rps; LAT[$key$p]=$lat; ERR[$key$p]=$err; CPU[$key$p]=$cpu
      echo "  -> $key $p: $rps req/s, avg latency $lat, errors $err, server CPU ${cpu} us/req" >&2
    done
  done
  stop_server "$pid"
done

body="$(mktemp)"
{
  echo "## HTTP/1.1 over TLS: OpenSSL vs JDK engine (\`benchmarks/tls-wrk.sh\`)"
  echo
  machine_md
  echo "- load (1-min average) at the end: \`$(uptime_line)\`"
  echo "- command: \`wrk -t2 -c64 -d$DURATION URL\` after a \`-d$WARMUP\` warm-up, each server first warmed up \`-d$JIT_WARMUP\` per https path (JIT: the JDK engine is ~20x slower before C2); wrk keeps its connections (no handshakes measured); TLS 1.3, TLS_AES_128_GCM_SHA256 or what wrk's OpenSSL picks"
  echo "- server: the demo with \`TLS_PORT\`, self-signed EC P-256 certificate, \`TLS_ENGINE=openssl\` (netty-tcnative-boringssl-static 2.0.84) or \`jdk\`, one at a time; the cleartext row is the same demo (openssl run) on its plain port in the same run"
  echo
  echo "| path | listener | req/s | avg latency | errors | server CPU us/req |"
  echo "|---|---|---:|---:|---:|---:|"
  for p in "${PATHS[@]}"; do
    for key in openssl-https jdk-https openssl-http; do
      label=$([ "$key" = openssl-http ] && echo "cleartext" || echo "TLS, ${key%-https}")
      echo "| \`$p\` | $label | ${RPS[$key$p]} | ${LAT[$key$p]} | ${ERR[$key$p]} | ${CPU[$key$p]} |"
    done
  done
  echo
  echo "| path | OpenSSL / JDK (req/s) | OpenSSL TLS / cleartext | JDK TLS / cleartext | CPU/req JDK / OpenSSL |"
  echo "|---|---:|---:|---:|---:|"
  for p in "${PATHS[@]}"; do
    echo "| \`$p\` | $(ratio "${RPS[openssl-https$p]}" "${RPS[jdk-https$p]}") | $(ratio "${RPS[openssl-https$p]}" "${RPS[openssl-http$p]}") | $(ratio "${RPS[jdk-https$p]}" "${RPS[openssl-http$p]}") | $(ratio "${CPU[jdk-https$p]}" "${CPU[openssl-https$p]}") |"
  done
} >"$body"
replace_section tls-wrk "$body"
rm -f "$body"
echo "wrote the tls-wrk section of $RESULTS" >&2
