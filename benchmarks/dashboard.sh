#!/usr/bin/env bash
# Browser test of the live dashboard: starts the demo, puts a bounded load on it (hey, loopback
# only: blocking /test/sync requests in the endpoints lane and /background requests whose tasks
# queue in the 256-token background lane), loads /_lanes in headless Chromium, reads the numbers
# on the page twice a second apart, fails unless they changed, and saves docs/dashboard.png.
# Usage: benchmarks/dashboard.sh   (builds the demo jar if missing; needs chromium, hey, python3)
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME="$(bin/java-home)"; export JAVA_HOME
[ -f examples/target/examples.jar ] || ./mvnw -B -q -ntp -DskipTests package
CHROMIUM=${CHROMIUM:-$(command -v chromium || echo /usr/bin/chromium)}
PORT=${PORT:-18360}
DEVTOOLS=${DEVTOOLS:-18361}
OUT=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$OUT"; }
trap cleanup EXIT

SLEEP=0.2 BG_SLEEP=1 PORT=$PORT "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar examples/target/examples.jar >"$OUT/server.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/plaintext" >/dev/null && break; sleep 0.1; done

"$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$OUT/profile" --remote-debugging-port="$DEVTOOLS" about:blank >"$OUT/chromium.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 300); do curl -fs "http://127.0.0.1:$DEVTOOLS/json/list" >/dev/null && break; sleep 0.1; done

# Bounded load, in the background while the page is watched: about 20 s, then the trap stops it.
hey -z 15s -c 60 "http://127.0.0.1:$PORT/test/sync" >"$OUT/hey-sync.txt" 2>&1 &
PIDS+=($!)
(for _ in 1 2 3 4 5 6 7 8; do hey -n 400 -c 40 "http://127.0.0.1:$PORT/background" >/dev/null 2>&1; sleep 1.5; done) &
PIDS+=($!)
sleep 1

mkdir -p docs
python3 benchmarks/dashboard/cdp.py "$DEVTOOLS" "http://127.0.0.1:$PORT/_lanes" docs/dashboard.png
