#!/usr/bin/env bash
# Seed 004 at scale: 100 concurrent /background requests, each adding a blocking background task
# that sleeps BG_SLEEP=2 s, while a blocking /ping endpoint is measured. Reports every /background
# latency (p50/p99/max), /ping p50/p99 during the run, and when each background task started.
# Usage: benchmarks/seed004.sh   (builds the demo jar if missing; writes a section of RESULTS.md)
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME="$(bin/java-home)"; export JAVA_HOME
[ -f examples/target/examples.jar ] || ./mvnw -B -q -ntp -DskipTests package
PORT=${PORT:-18004}
OUT=$(mktemp -d)
BG_SLEEP=2 PORT=$PORT "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar examples/target/examples.jar >"$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$OUT"' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/ping" >/dev/null && break; sleep 0.1; done
# Warm up both routes so JIT compilation is not what we measure.
hey -n 2000 -c 20 "http://127.0.0.1:$PORT/ping" >/dev/null
hey -n 300 -c 100 "http://127.0.0.1:$PORT/background" >/dev/null
sleep 2.5 # let the warm-up's background tasks finish
curl -fs -X DELETE "http://127.0.0.1:$PORT/background/starts" >/dev/null

hey -z 5s -c 4 -o csv "http://127.0.0.1:$PORT/ping" >"$OUT/ping.csv" &
PING=$!
sleep 0.5
# Floor, under the same /ping load: a burst of 100 new connections to /ping, no background work.
hey -n 100 -c 100 -o csv "http://127.0.0.1:$PORT/ping" >"$OUT/floor.csv"
sleep 0.5
hey -n 100 -c 100 -o csv "http://127.0.0.1:$PORT/background" >"$OUT/bg.csv"
wait $PING
sleep 2.5
curl -fs "http://127.0.0.1:$PORT/background/starts" >"$OUT/starts.json"

python3 - "$OUT" <<'PY' > "$OUT/table.md"
import csv, json, sys, statistics, os
out = sys.argv[1]
def lat(path):
    rows = list(csv.DictReader(open(path)))
    ok = [r for r in rows if r.get("status-code") == "200"]
    return sorted(float(r["response-time"]) * 1000 for r in ok), len(rows) - len(ok)
def pct(xs, p):
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]
bg, bg_err = lat(os.path.join(out, "bg.csv"))
floor, _ = lat(os.path.join(out, "floor.csv"))
ping, ping_err = lat(os.path.join(out, "ping.csv"))
starts = json.load(open(os.path.join(out, "starts.json")))["startOffsetsMillis"]
print("| measure | value |\n|---|---|")
print(f"| /background responses (n={len(bg)}, errors {bg_err}) | p50 {pct(bg,50):.1f} ms, p99 {pct(bg,99):.1f} ms, max {bg[-1]:.1f} ms |")
print(f"| floor: the same burst of 100 new connections to /ping (no background work), same /ping load | p50 {pct(floor,50):.1f} ms, p99 {pct(floor,99):.1f} ms, max {floor[-1]:.1f} ms |")
print(f"| /ping during the run (n={len(ping)}, errors {ping_err}) | p50 {pct(ping,50):.2f} ms, p99 {pct(ping,99):.2f} ms, max {ping[-1]:.2f} ms |")
print(f"| background tasks started | {len(starts)} of 100, first to last start {starts[-1] if starts else 'n/a'} ms apart |")
print(f"| start offsets (ms) | {', '.join(map(str, starts))} |")
print(f"\nEvery /background latency (ms, sorted): {', '.join(f'{x:.1f}' for x in bg)}")
PY
cat "$OUT/table.md"
python3 benchmarks/write_section.py seed004 "$OUT/table.md"
