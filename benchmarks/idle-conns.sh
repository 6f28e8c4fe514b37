#!/usr/bin/env bash
# N idle keep-alive connections (one request each) held against the demo jar with the shared
# kit's idle_conns.py: server RSS per connection, a probe meanwhile, and whether the keep-alive
# timeout closed them all. Writes its own section of benchmarks/RESULTS.md. Builds nothing.
#   benchmarks/idle-conns.sh          # N=10000 TIMEOUT=60 (s, demo READ_TIMEOUT) HOLD=80 (s)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
KIT="${KIT:-$(cd "$ROOT/.." && pwd)/shared/reliability-kit}"
[ -d "$KIT" ] || KIT=/work/shared/reliability-kit
JAR="$ROOT/examples/target/examples.jar"
[ -f "$JAR" ] || { echo "no $JAR: run ./mvnw -DskipTests package first" >&2; exit 2; }
JAVA="$("$ROOT/bin/java-home")/bin/java"
N="${N:-10000}"; TIMEOUT="${TIMEOUT:-60}"; HOLD="${HOLD:-80}"
OUT="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
PORT=$PORT READ_TIMEOUT=$TIMEOUT "$JAVA" --enable-native-access=ALL-UNNAMED -Xmx512m -jar "$JAR" >"$OUT/demo.log" 2>&1 &
DEMO=$!
trap 'kill $DEMO 2>/dev/null || true; wait $DEMO 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/plaintext" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fs "http://127.0.0.1:$PORT/" >/dev/null  # warm the path before the baseline RSS
LINE=$(python3 "$KIT/idle_conns.py" --port "$PORT" --pid "$DEMO" -n "$N" --request --hold "$HOLD")
echo "$LINE"
SECTION="## Idle keep-alive connections

$(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg).
Demo jar (-Xmx512m), keep-alive timeout ${TIMEOUT} s; \`idle_conns.py -n $N --request --hold $HOLD\`
from the shared kit: RSS sampled halfway through the hold, then it counts connections still open
at the end (the keep-alive timeout should have closed them all).

\`$LINE\`"
printf '%s
' "$SECTION" > "${TMPDIR:-/tmp}/idle-conns.section.md"
python3 "$ROOT/benchmarks/write_section.py" --raw idle-conns "${TMPDIR:-/tmp}/idle-conns.section.md"
