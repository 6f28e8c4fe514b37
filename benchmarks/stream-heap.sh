#!/usr/bin/env bash
# Streaming 1 GiB (/stream/bytes?mib=1024, a blocking writer on the streaming lane) to a client
# reading at 1 MiB/s for 10 s: samples the server's heap after a GC every second with jcmd and
# reports it, to show backpressure keeps memory flat. Writes its section of benchmarks/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME="$(bin/java-home)"; export JAVA_HOME
[ -f examples/target/examples.jar ] || ./mvnw -B -q -ntp -DskipTests package
PORT=18012; WORK=$(mktemp -d)
PORT=$PORT "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx512m -jar examples/target/examples.jar >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/ping" && break; sleep 0.1; done
used() {
  "$JAVA_HOME/bin/jcmd" $SERVER GC.run >/dev/null
  heap=$("$JAVA_HOME/bin/jcmd" $SERVER GC.heap_info | awk '/used/ {for (i=1;i<=NF;i++) if ($i=="used") {print $(i+1); exit}}')
  rss=$(awk '/VmRSS/ {print $2 "K"}' /proc/$SERVER/status)
  echo "$heap | $rss"
}
BASE=$(used)
curl -s --limit-rate 1M --max-time 10 -o "$WORK/body" "http://127.0.0.1:$PORT/stream/bytes?mib=1024" &
CURL=$!
SAMPLES=()
for s in $(seq 1 10); do sleep 1; SAMPLES+=("$(used)"); done
wait $CURL || true
RECEIVED=$(stat -c %s "$WORK/body")
sleep 1
BORROWED=$(curl -fs "http://127.0.0.1:$PORT/get_available_threads" | python3 -c 'import json,sys; print(json.load(sys.stdin)["streaming"]["borrowed"])')
{
  echo "1 GiB streamed to \`curl --limit-rate 1M --max-time 10\`; server heap used after a full GC (jcmd GC.heap_info), -Xmx512m:"
  echo
  echo "| when | heap used | process RSS (heap + Netty's direct buffers + code) |"; echo "|---|---|---|"
  echo "| before | $BASE |"
  i=1; for v in "${SAMPLES[@]}"; do echo "| ${i} s | $v |"; i=$((i+1)); done
  echo
  echo "Client received $((RECEIVED / 1024)) KiB in 10 s; after it left, the streaming lane had $BORROWED token(s) borrowed."
} > "$WORK/table.md"
cat "$WORK/table.md"
python3 benchmarks/write_section.py stream-heap "$WORK/table.md"
