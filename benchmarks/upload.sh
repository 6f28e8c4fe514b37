#!/usr/bin/env bash
# Streamed request bodies: `curl -T` uploads of a 1 GiB file (zeros, made in a temporary directory
# under /tmp and deleted at the end) to
#   - the loopback limit: the same curl sending to benchmarks/upload_sink.py, a raw-socket HTTP/1.1
#     server that reads each body into one reused buffer and drops it (client + kernel, no framework);
#   - Lanes: the demo's PUT /upload (StreamedUploads: RouteOptions.streamedBody, 64 KiB reads into a
#     SHA-256, lane files), over HTTP/1.1 and over HTTP/2 (h2c prior knowledge, which the demo serves);
#   - FastAPI 0.142 on uvicorn, one worker: `async for chunk in request.stream()` into the same SHA-256
#     (benchmarks/fastapi/upload_app.py; uvicorn has no HTTP/2, so FastAPI is HTTP/1.1 only).
# Also OpenSSL's SHA-256 speed on one core (the hash's own limit), each server's peak RSS
# during each upload (VmRSS every 0.1 s) and Lanes' peak heap (the GC log), a 256 MiB upload beside
# the 1 GiB one to show Lanes' memory does not grow with the body, and a slow reader
# (PUT /upload?delay_ms=10: 10 ms of sleep per 64 KiB read) holding the client back, with the bytes
# queued in the kernel between them sampled by ss. Every answer's length and digest is checked.
# Writes the "upload" section of RESULTS.md.
#
#   benchmarks/upload.sh          # ~2 min; ports 18120 (Lanes), 18121 (FastAPI), 18122 (sink) must be free
#   MIB=512 ROUNDS=2 benchmarks/upload.sh
#
# FastAPI comes from the machine's wheel index into $OUT/fastapi-venv (or VENV=...), as typed.sh does.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

MIB="${MIB:-1024}"
SMALL_MIB="${SMALL_MIB:-256}"
SLOW_MIB="${SLOW_MIB:-32}"
ROUNDS="${ROUNDS:-3}"
LANES_PORT="${LANES_PORT:-18120}"
FASTAPI_PORT="${FASTAPI_PORT:-18121}"
SINK_PORT="${SINK_PORT:-18122}"
# Only the demo jar is needed.
[ -f "$DEMO_JAR" ] || (cd "$ROOT" && ./mvnw -B -q -ntp -DskipTests package -pl examples -am) >&2
VENV="${VENV:-$OUT/fastapi-venv}"
if [ ! -x "$VENV/bin/uvicorn" ]; then
  python3 -m venv "$VENV" >&2
  "$VENV/bin/pip" install -q --retries 0 fastapi uvicorn >&2
fi

WORK="$(mktemp -d /tmp/lanes-upload.XXXXXX)"
trap 'stop_all; rm -rf "$WORK"' EXIT
BIG="$WORK/body-big"; SMALL="$WORK/body-small"; WARM="$WORK/body-warm"
head -c "$((MIB << 20))" /dev/zero >"$BIG"
head -c "$((SMALL_MIB << 20))" /dev/zero >"$SMALL"
head -c "$((64 << 20))" /dev/zero >"$WARM"
sha_of() { openssl dgst -sha256 -r "$1" | cut -d' ' -f1; }
declare -A WANT=(["$BIG"]="$(sha_of "$BIG")" ["$SMALL"]="$(sha_of "$SMALL")" ["$WARM"]="$(sha_of "$WARM")")
LOAD_START="$(uptime_line)"

# The hash's own limit: OpenSSL's SHA-256 (SHA-NI where the CPU has it) over 64 KiB blocks in memory,
# one core, 2 s ("openssl speed" reports 1000s of bytes per second).
HASH_MBS=$(openssl speed -evp sha256 -seconds 2 -bytes 65536 2>/dev/null | awk '/^sha256/ { v = $NF; sub(/k$/, "", v); printf "%.0f", v / 1000 }')

peak_rss_kib() { # PID WATCHED_PID: the highest VmRSS of PID while WATCHED_PID runs, in KiB
  local pid="$1" watched="$2" peak=0 k v _
  while kill -0 "$watched" 2>/dev/null; do
    while read -r k v _; do
      if [ "$k" = VmRSS: ]; then [ "$v" -gt "$peak" ] && peak=$v; break; fi
    done <"/proc/$pid/status"
    sleep 0.1
  done
  echo "$peak"
}

# upload KEY SERVER_PID URL FILE [curl options...]: one timed upload; sets MBS[KEY], RSS[KEY] (MiB),
# appends to ALL[KEY], counts a wrong status, length or digest in BAD.
declare -A MBS ALL RSS CORES
BAD=0
CLK_TCK="$(getconf CLK_TCK)"
upload() {
  local key="$1" pid="$2" url="$3" file="$4"; shift 4
  local out="$OUT/upload-$key.json" w="$WORK/curl-w"
  local ticks0; ticks0=$(cpu_ticks "$pid")
  timeout 300 curl -s -H 'Expect:' "$@" -T "$file" -o "$out" -w '%{http_code} %{speed_upload} %{time_total}\n' "$url" >"$w" &
  local c=$!
  local rss; rss=$(peak_rss_kib "$pid" "$c")
  wait "$c" || true
  local ticks=$(($(cpu_ticks "$pid") - ticks0))
  local code speed secs; read -r code speed secs <"$w" || true
  local bytes sha
  bytes=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("bytes"))' "$out" 2>/dev/null || echo "?")
  sha=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("sha256", "-"))' "$out" 2>/dev/null || echo "?")
  if [ "$code" != 200 ] || [ "$bytes" != "$(stat -c %s "$file")" ] || { [ "$sha" != - ] && [ "$sha" != "${WANT[$file]}" ]; }; then
    echo "$key: status $code, bytes $bytes, sha256 $sha (wanted ${WANT[$file]})" >&2
    BAD=$((BAD + 1))
  fi
  local mbs; mbs=$(awk -v s="${speed:-0}" 'BEGIN { printf "%.0f", s / 1e6 }')
  ALL[$key]="${ALL[$key]:-}${ALL[$key]:+, }$mbs"
  if [ -z "${MBS[$key]:-}" ] || [ "$mbs" -gt "${MBS[$key]}" ]; then
    MBS[$key]=$mbs
    CORES[$key]=$(awk -v t="$ticks" -v hz="$CLK_TCK" -v s="${secs:-0}" 'BEGIN { if (s > 0) printf "%.2f", t / hz / s; else printf "n/a" }')
  fi
  rss=$((rss / 1024))
  if [ -z "${RSS[$key]:-}" ] || [ "$rss" -gt "${RSS[$key]}" ]; then RSS[$key]=$rss; fi
  echo "$key: $mbs MB/s, peak RSS $rss MiB" >&2
}

# GC log lines since line FROM: "GCs max-heap-before-GC-MiB"
gc_since() {
  tail -n "+$(($1 + 1))" "$WORK/gc.log" | grep -oE '[0-9]+M->[0-9]+M' | awk -F'[M>-]+' '
    { n++; if ($1 > m) m = $1 } END { printf "%d %d\n", n, m }'
}
gc_lines() { wc -l <"$WORK/gc.log"; }
heap_used_mib() { # used heap now (no GC), from jcmd
  "$JAVA_HOME/bin/jcmd" "$1" GC.heap_info | awk '/used/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K$/, "", v); printf "%.0f", v / 1024; exit } }'
}

# 1. The loopback limit.
start_server sink "$SINK_PORT" "$OUT/upload-sink.log" -- python3 "$BENCH_DIR/upload_sink.py" "$SINK_PORT"
pid=$SERVER_PID
upload sink-warm "$pid" "http://127.0.0.1:$SINK_PORT/upload" "$WARM"
for _ in $(seq "$ROUNDS"); do upload sink "$pid" "http://127.0.0.1:$SINK_PORT/upload" "$BIG"; done
stop_server "$pid"

# 2. Lanes (the demo, default heap), HTTP/1.1 then HTTP/2.
start_server lanes "$LANES_PORT" "$OUT/upload-lanes.log" -- \
  env PORT="$LANES_PORT" "$JAVA" "${JAVA_OPTS[@]}" "-Xlog:gc:file=$WORK/gc.log" -jar "$DEMO_JAR"
pid=$SERVER_PID
LANES_URL="http://127.0.0.1:$LANES_PORT/upload"
upload lanes-warm "$pid" "$LANES_URL" "$WARM"
upload lanes-warm "$pid" "$LANES_URL" "$WARM" --http2-prior-knowledge
g=$(gc_lines); upload lanes-h1-small "$pid" "$LANES_URL" "$SMALL"; read -r GCN[0] GCMAX[0] < <(gc_since "$g")
HEAP_SMALL=$(heap_used_mib "$pid")
g=$(gc_lines)
for _ in $(seq "$ROUNDS"); do upload lanes-h1 "$pid" "$LANES_URL" "$BIG"; done
read -r GCN[1] GCMAX[1] < <(gc_since "$g")
HEAP_BIG=$(heap_used_mib "$pid")
g=$(gc_lines)
for _ in $(seq "$ROUNDS"); do upload lanes-h2 "$pid" "$LANES_URL" "$BIG" --http2-prior-knowledge; done
read -r GCN[2] GCMAX[2] < <(gc_since "$g")
HEAP_H2=$(heap_used_mib "$pid")

# 3. A slow reader: 10 ms per 64 KiB read. The client's send queue plus the server's receive queue
# (ss) is what the kernel holds between them; Lanes holds at most ~256 KiB more (docs/responses.md).
SLOW="$WORK/body-slow"; head -c "$((SLOW_MIB << 20))" /dev/zero >"$SLOW"; WANT[$SLOW]=$(sha_of "$SLOW")
timeout 120 curl -s -H 'Expect:' -T "$SLOW" -o "$OUT/upload-slow.json" -w '%{http_code} %{speed_upload} %{time_total}\n' \
  "$LANES_URL?delay_ms=10" >"$WORK/slow-w" &
c=$!
QMAX=0; QSUM=0; QN=0
while kill -0 "$c" 2>/dev/null; do
  q=$(ss -tnH state established "( sport = :$LANES_PORT or dport = :$LANES_PORT )" | awk '{ s += $1 + $2 } END { print s + 0 }')
  [ "$q" -gt "$QMAX" ] && QMAX=$q
  QSUM=$((QSUM + q)); QN=$((QN + 1))
  sleep 0.2
done
wait "$c" || true
read -r SLOW_CODE SLOW_SPEED SLOW_TIME <"$WORK/slow-w"
SLOW_BYTES=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["bytes"])' "$OUT/upload-slow.json" 2>/dev/null || echo "?")
SLOW_SHA=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sha256"])' "$OUT/upload-slow.json" 2>/dev/null || echo "?")
[ "$SLOW_CODE" = 200 ] && [ "$SLOW_SHA" = "${WANT[$SLOW]}" ] || { echo "slow: status $SLOW_CODE sha $SLOW_SHA" >&2; BAD=$((BAD + 1)); }
LANES_HWM=$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")
stop_server "$pid"

# 4. FastAPI on uvicorn.
start_server fastapi "$FASTAPI_PORT" "$OUT/upload-fastapi.log" -- "$VENV/bin/uvicorn" --app-dir "$BENCH_DIR/fastapi" \
  upload_app:app --host 127.0.0.1 --port "$FASTAPI_PORT" --log-level warning --no-access-log
pid=$SERVER_PID
FASTAPI_URL="http://127.0.0.1:$FASTAPI_PORT/upload"
upload fastapi-warm "$pid" "$FASTAPI_URL" "$WARM"
upload fastapi-small "$pid" "$FASTAPI_URL" "$SMALL"
for _ in $(seq "$ROUNDS"); do upload fastapi "$pid" "$FASTAPI_URL" "$BIG"; done
FASTAPI_HWM=$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")
stop_server "$pid"

UVICORN_VERSION=$("$VENV/bin/python" -c 'import uvicorn, fastapi; print(f"FastAPI {fastapi.__version__}, uvicorn {uvicorn.__version__}")')
lim=${MBS[sink]}
row() { # LABEL KEY [FASTAPI_KEY]: the FastAPI ratio against the same body size
  echo "| $1 | ${MBS[$2]} | ${ALL[$2]} | $(ratio "${MBS[$2]}" "$lim") | $([ "$2" = sink ] && echo - || ratio "${MBS[$2]}" "$HASH_MBS") | $(ratio "${MBS[$2]}" "${MBS[${3:-fastapi}]}") | ${CORES[$2]} | ${RSS[$2]} |"
}
gc_cell() { if [ "$1" = 0 ]; then echo "0 | -"; else echo "$1 | $2"; fi; }
body="$(mktemp)"
{
  echo "## Streamed request bodies: curl uploads to Lanes vs the loopback limit vs FastAPI (\`benchmarks/upload.sh\`)"
  echo
  machine_md
  echo "- load: \`$LOAD_START\` at the start, \`$(uptime_line)\` at the end (the machine is shared)"
  echo "- command: \`$(curl --version | head -1 | cut -d' ' -f1-2) -s -H 'Expect:' -T FILE URL\` (PUT, with \`Content-Length\`; \`--http2-prior-knowledge\` for h2c),"
  echo "  one upload at a time, a $MIB MiB file of zeros in /tmp (page cache), $ROUNDS rounds after a 64 MiB warm-up; MB/s = 10^6 bytes/s"
  echo "  (curl's \`speed_upload\`); best round shown, all rounds beside it. Every answer's length and SHA-256 checked: $BAD wrong."
  echo "- limit: the same curl into \`benchmarks/upload_sink.py\` (a raw socket read into one reused 1 MiB buffer and dropped:"
  echo "  client + loopback, no framework, no hash). Hash limit: \`openssl speed -evp sha256 -bytes 65536\` on one core, $HASH_MBS MB/s;"
  echo "  both servers hash every byte, so neither can pass it."
  echo "- Lanes: the demo (\`examples.jar\`, default heap), \`PUT /upload\` (\`StreamedUploads\`: \`RouteOptions.streamedBody(4 GiB)\`,"
  echo "  64 KiB \`bodyStream()\` reads into \`MessageDigest\` SHA-256, lane \`files\`). $UVICORN_VERSION (h11), one worker,"
  echo "  \`async for chunk in request.stream()\` into \`hashlib.sha256\` (\`benchmarks/fastapi/upload_app.py\`); no HTTP/2 in uvicorn."
  echo "- server cores busy: the server process's user+system CPU during the best round / its duration (/proc, 2 cores in all)."
  echo "- peak RSS: the server's highest VmRSS sampled every 0.1 s during the upload(s) of that row. The loopback limit is"
  echo "  measured over HTTP/1.1 only (the sink speaks no HTTP/2); the h2c row's ratios are to that same limit."
  echo
  echo "| server, protocol, body | MB/s | rounds | / loopback limit | / SHA-256 limit | / FastAPI | server cores busy | peak RSS MiB |"
  echo "|---|---:|---|---:|---:|---:|---:|---:|"
  row "limit: curl -> raw socket sink, HTTP/1.1, $MIB MiB" sink
  row "Lanes, HTTP/1.1, $MIB MiB" lanes-h1
  row "Lanes, HTTP/2 h2c, $MIB MiB" lanes-h2
  row "FastAPI, HTTP/1.1, $MIB MiB" fastapi
  row "Lanes, HTTP/1.1, $SMALL_MIB MiB (memory check)" lanes-h1-small fastapi-small
  row "FastAPI, HTTP/1.1, $SMALL_MIB MiB (memory check)" fastapi-small fastapi-small
  echo
  echo "Lanes' memory against body size (heap: the highest heap used before a GC during the uploads, from \`-Xlog:gc\`;"
  echo "used after: \`jcmd GC.heap_info\` right after, no GC forced):"
  echo
  echo "| Lanes uploads | peak RSS MiB | GCs during | highest heap before a GC MiB | heap used after MiB |"
  echo "|---|---:|---:|---:|---:|"
  echo "| 1 x $SMALL_MIB MiB, HTTP/1.1 | ${RSS[lanes-h1-small]} | $(gc_cell "${GCN[0]}" "${GCMAX[0]}") | $HEAP_SMALL |"
  echo "| $ROUNDS x $MIB MiB, HTTP/1.1 | ${RSS[lanes-h1]} | $(gc_cell "${GCN[1]}" "${GCMAX[1]}") | $HEAP_BIG |"
  echo "| $ROUNDS x $MIB MiB, HTTP/2 | ${RSS[lanes-h2]} | $(gc_cell "${GCN[2]}" "${GCMAX[2]}") | $HEAP_H2 |"
  echo
  echo "Process high-water marks (VmHWM, whole run including start-up): Lanes $LANES_HWM MiB, FastAPI $FASTAPI_HWM MiB."
  echo
  echo "Slow reader: $SLOW_MIB MiB to \`PUT /upload?delay_ms=10\` over HTTP/1.1 (10 ms sleep per 64 KiB read, at most"
  echo "$(awk 'BEGIN { printf "%.1f", 65536 / 0.010 / 1e6 }') MB/s): answered $SLOW_CODE in $(printf '%.1f' "$SLOW_TIME") s, the client sent at"
  echo "$(awk -v s="$SLOW_SPEED" 'BEGIN { printf "%.1f", s / 1e6 }') MB/s, so it was held to the reader's pace. Bytes queued in the kernel"
  echo "between them (client Send-Q + server Recv-Q, \`ss\` every 0.2 s): at most $((QMAX / 1024)) KiB, on average $((QN > 0 ? QSUM / QN / 1024 : 0)) KiB;"
  echo "Lanes itself holds at most ~256 KiB unread (docs/responses.md). $SLOW_BYTES bytes read, digest $([ "$SLOW_SHA" = "${WANT[$SLOW]}" ] && echo right || echo WRONG)."
} >"$body"
cat "$body"
replace_section upload "$body"
rm -f "$body"
echo "wrote the upload section of $RESULTS" >&2
