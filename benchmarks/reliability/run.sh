#!/usr/bin/env bash
# Runs the shared reliability corpora (../shared/reliability-kit, used by path, never copied)
# against the demo jar and records per-corpus counts in benchmarks/RESULTS.md between this
# script's markers. Builds nothing: package first (see README). Exit 1 if a FAIL is not on
# allowlist.txt.
#   benchmarks/reliability/run.sh            # KIT=/path/to/reliability-kit to override
#   PORT=18600 benchmarks/reliability/run.sh # a fixed port (default: one the OS says is free)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
KIT="${KIT:-$(cd "$ROOT/.." && pwd)/shared/reliability-kit}"
[ -d "$KIT" ] || KIT=/work/shared/reliability-kit
JAR="$ROOT/examples/target/examples.jar"
[ -f "$JAR" ] || { echo "no $JAR: run ./mvnw -DskipTests package first" >&2; exit 2; }
JAVA="$("$ROOT/bin/java-home")/bin/java"
OUT="$(mktemp -d)"
PORT="${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}"

PORT=$PORT SLEEP=0.1 "$JAVA" --enable-native-access=ALL-UNNAMED -jar "$JAR" >"$OUT/demo.log" 2>&1 &
DEMO=$!
trap 'kill $DEMO 2>/dev/null || true; wait $DEMO 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$PORT/plaintext" >/dev/null 2>&1 && break
  sleep 0.1
done

declare -A FAILS
UNLISTED=0
TABLE="| corpus | cases | PASS | FAIL | FAIL on allow-list | SOFT | NOTE | INFO |"$'\n'"|---|---|---|---|---|---|---|---|"
for corpus in garden_bugs llhttp_requests probe_cases; do
  python3 "$KIT/rawcheck.py" --port "$PORT" "$KIT/data/$corpus.jsonl" --json "$OUT/$corpus.json" \
    >"$OUT/$corpus.txt" 2>&1 || true
  row=$(python3 - "$OUT/$corpus.json" "$ROOT/benchmarks/reliability/allowlist.txt" "$corpus" <<'PY'
import json, sys, collections
res = json.load(open(sys.argv[1]))
allowed = {l.split()[0] for l in open(sys.argv[2]) if l.strip() and not l.startswith('#')}
c = collections.Counter(r['verdict'] for r in res)
fails = [r['id'] for r in res if r['verdict'] == 'FAIL']
listed = [f for f in fails if f in allowed]
unlisted = [f for f in fails if f not in allowed]
print(f"| {sys.argv[3]} | {len(res)} | {c['PASS']} | {c['FAIL']} | {len(listed)} | {c['SOFT']} | {c['NOTE']} | {c['INFO']} |\t{len(unlisted)}\t{' '.join(unlisted)}")
PY
)
  TABLE+=$'\n'"${row%%$'\t'*}"
  rest="${row#*$'\t'}"; n="${rest%%$'\t'*}"; ids="${rest#*$'\t'}"
  UNLISTED=$((UNLISTED + n))
  [ -n "$ids" ] && echo "FAIL not on the allow-list ($corpus): $ids"
  grep -E '^(FAIL|SOFT)' "$OUT/$corpus.txt" || true
done

SECTION="## Reliability corpora (raw HTTP/1.1)

$(date -u +%Y-%m-%d), demo jar, \`benchmarks/reliability/run.sh\` (runner: \`rawcheck.py\` from
\`../shared/reliability-kit\`). Reference: nginx 1.22.1 fails 5 + 5 + 8 = 18; Netty's codec with a
naive handler 2 + 1 + 13. Accepted deviations and their reasons: \`benchmarks/reliability/allowlist.txt\`.

$TABLE"
printf '%s
' "$SECTION" > "${TMPDIR:-/tmp}/reliability-kit.section.md"
python3 "$ROOT/benchmarks/write_section.py" --raw reliability-kit "${TMPDIR:-/tmp}/reliability-kit.section.md"
echo "$TABLE"
[ "$UNLISTED" -eq 0 ]
