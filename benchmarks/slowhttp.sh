#!/usr/bin/env bash
# slowhttptest (Debian package) against the demo jar on loopback: slowloris (-H), slow body
# (-B) and slow read (-X), each for LENGTH seconds with CONNS connections, while a probe does
# 10 fresh-connection GETs a second. Records p50/p99 of the probe and how the attack's
# connections ended in benchmarks/RESULTS.md (own section). Builds nothing: package first.
#   benchmarks/slowhttp.sh            # LENGTH=60 CONNS=1000 TIMEOUT=10 (demo's read timeouts, s)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JAR="$ROOT/examples/target/examples.jar"
[ -f "$JAR" ] || { echo "no $JAR: run ./mvnw -DskipTests package first" >&2; exit 2; }
command -v slowhttptest >/dev/null || { echo "needs slowhttptest (apt-get install slowhttptest)" >&2; exit 2; }
JAVA="$("$ROOT/bin/java-home")/bin/java"
LENGTH="${LENGTH:-60}"; CONNS="${CONNS:-1000}"; TIMEOUT="${TIMEOUT:-10}"
OUT="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"

PORT=$PORT SLEEP=0.1 READ_TIMEOUT=$TIMEOUT "$JAVA" --enable-native-access=ALL-UNNAMED -jar "$JAR" >"$OUT/demo.log" 2>&1 &
DEMO=$!
trap 'kill $DEMO 2>/dev/null || true; wait $DEMO 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/plaintext" >/dev/null 2>&1 && break; sleep 0.1; done

probe() { # $1 = seconds; prints "p50 p99 max failures samples" in ms
  python3 - "$PORT" "$1" <<'PY'
import socket, sys, time
port, secs = int(sys.argv[1]), float(sys.argv[2])
lat, fail, end = [], 0, time.monotonic() + secs
while time.monotonic() < end:
    t = time.monotonic()
    try:
        s = socket.create_connection(('127.0.0.1', port), timeout=5)
        s.sendall(b'GET /plaintext HTTP/1.1\r\nHost: p\r\nConnection: close\r\n\r\n')
        data = b''
        while True:
            c = s.recv(4096)
            if not c: break
            data += c
        s.close()
        if not data.startswith(b'HTTP/1.1 200'): fail += 1
        else: lat.append((time.monotonic() - t) * 1000)
    except OSError:
        fail += 1
    time.sleep(max(0, 0.1 - (time.monotonic() - t)))
lat.sort()
q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] if lat else float('nan')
print(f"{q(0.5):.1f} {q(0.99):.1f} {max(lat) if lat else float('nan'):.1f} {fail} {len(lat) + fail}")
PY
}

ROWS=""
run() { # name, slowhttptest args...
  local name=$1; shift
  slowhttptest "$@" -c "$CONNS" -r 200 -l "$LENGTH" -p 3 -g -o "$OUT/$name" \
    -u "http://127.0.0.1:$PORT/" >"$OUT/$name.txt" 2>&1 &
  local attack=$!
  sleep 2
  local p; p=$(probe "$((LENGTH - 4))")
  # The server's own view: a slow reader sees the server's FIN only after draining its buffer,
  # so slowhttptest's "closed" undercounts; count established sockets on the server side.
  local open; open=$(ss -Htn state established "( sport = :$PORT )" | wc -l)
  wait $attack || true
  # CSV: seconds, closed, pending, connected, service available
  local s; s=$(python3 - "$OUT/$name.csv" <<'PY'
import csv, sys
rows = [r for r in csv.reader(open(sys.argv[1]))][1:]
rows = [[int(x) for x in r] for r in rows if r]
peak = max(r[3] for r in rows); closed = rows[-1][1]
# "Service Available" is plotted as the connection target when up and 0 when down.
unavail = sum(1 for r in rows if r[4] == 0)
print(f"{peak} {closed} {len(rows)}/{unavail}")
PY
)
  read -r p50 p99 pmax pfail pn <<<"$p"; read -r peak closed unavail <<<"$s"
  ROWS+=$'\n'"| $name | $peak | $closed | $open | $unavail | $p50 | $p99 | $pmax | $pfail / $pn |"
  echo "$name: peak connected $peak, closed (client view) $closed, open on the server near the end $open, probe p50 $p50 p99 $p99 ms, $pfail failed"
}

run slowloris -H -i 5 -x 24
run slow-body -B -i 5 -s 8192 -t POST
run slow-read -X -k 10 -n 5 -w 32 -y 64 -z 16

SECTION="## slowhttptest (slow clients)

$(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end.
Demo jar with request-head / body-read / keep-alive timeouts of ${TIMEOUT} s (READ_TIMEOUT env);
slowhttptest 1.8.2, $CONNS connections at 200/s for ${LENGTH} s against \`/\`; a probe makes 10
fresh-connection \`GET /plaintext\` requests a second meanwhile.

| attack | peak connected | closed (slowhttptest's view) | still open on the server ~4 s before the end | seconds the attack lasted / slowhttptest saw the service down | probe p50 ms | probe p99 ms | probe max ms | probe failures |
|---|---|---|---|---|---|---|---|---|$ROWS"
printf '%s
' "$SECTION" > "${TMPDIR:-/tmp}/slowhttp.section.md"
python3 "$ROOT/benchmarks/write_section.py" --raw slowhttp "${TMPDIR:-/tmp}/slowhttp.section.md"
