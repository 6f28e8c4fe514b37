#!/usr/bin/env bash
# 2x overload: the demo with LIMIT_CONCURRENCY=200 and SLEEP=1 takes c=400 on /test/sync.
# Admitted requests should keep their unloaded latency (p99 within 1.2x), the rest get fast 503s,
# and nothing else fails. Writes its section of benchmarks/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME="$(bin/java-home)"; export JAVA_HOME
[ -f examples/target/examples.jar ] || ./mvnw -B -q -ntp -DskipTests package
PORT=18013; OUT=$(mktemp -d)
LIMIT_CONCURRENCY=200 SLEEP=1 PORT=$PORT "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar examples/target/examples.jar >"$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$OUT"' EXIT
for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/ping" && break; sleep 0.1; done
hey -n 400 -c 200 "http://127.0.0.1:$PORT/test/sync" >/dev/null            # warm-up
hey -n 600 -c 200 -o csv "http://127.0.0.1:$PORT/test/sync" >"$OUT/unloaded.csv"  # at capacity, no overload
timeout 60 hey -z 10s -c 400 -o csv "http://127.0.0.1:$PORT/test/sync" >"$OUT/overload.csv"
python3 - "$OUT" > "$OUT/table.md" <<'PY'
import csv, os, sys
out = sys.argv[1]
def rows(name):
    return list(csv.DictReader(open(os.path.join(out, name))))
def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] * 1000 if xs else float("nan")
un = [float(r["response-time"]) for r in rows("unloaded.csv") if r["status-code"] == "200"]
ov = rows("overload.csv")
ok = [float(r["response-time"]) for r in ov if r["status-code"] == "200"]
rej = [float(r["response-time"]) for r in ov if r["status-code"] == "503"]
other = [r for r in ov if r["status-code"] not in ("200", "503")]
print("`LIMIT_CONCURRENCY=200 SLEEP=1`, `/test/sync` (blocking, 1 s): unloaded = `hey -n 600 -c 200`; overload = `hey -z 10s -c 400`.\n")
print("| run | requests | p50 ms | p99 ms |\n|---|---:|---:|---:|")
print(f"| unloaded, 200 OK | {len(un)} | {pct(un,50):.0f} | {pct(un,99):.0f} |")
print(f"| 2x overload, 200 OK (admitted) | {len(ok)} | {pct(ok,50):.0f} | {pct(ok,99):.0f} |")
print(f"| 2x overload, 503 (rejected) | {len(rej)} | {pct(rej,50):.2f} | {pct(rej,99):.2f} |")
print(f"\nAdmitted p99 / unloaded p99 = {pct(ok,99)/pct(un,99):.3f} (target <= 1.2); other outcomes (errors, other statuses): {len(other)}; admitted throughput {len(ok)/10:.1f} req/s against a limit of 200.")
PY
cat "$OUT/table.md"
python3 benchmarks/write_section.py overload "$OUT/table.md"
