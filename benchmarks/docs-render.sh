#!/usr/bin/env bash
# Do the demo's docs pages really render offline? Starts the demo, loads /docs (Swagger UI) and
# /redoc (ReDoc) in headless Chromium with the network off (every host but 127.0.0.1 resolves to
# nothing and all other traffic goes to a dead proxy), and checks the rendered DOM shows every
# operation of the items contract; a control page outside proves the browser could reach nothing
# else. Then lints the demo's /openapi.json with Redocly CLI. Writes the "docs-render" section of
# RESULTS.md; screenshots and DOMs go to benchmarks/out/. Exits non-zero if a check failed.
#
#   benchmarks/docs-render.sh     # ~1 min; port 18098 must be free; needs chromium, npx
#
# Not part of the test run: Chromium is not on every machine (apt-get install -y chromium).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

PORT="${PORT:-18098}"
REDOCLY="@redocly/cli@2.77.0"
command -v chromium >/dev/null || { echo "chromium not installed: apt-get update && apt-get install -y chromium" >&2; exit 2; }
if [ "${REBUILD:-0}" = 1 ] || [ ! -f "$DEMO_JAR" ]; then
  (cd "$ROOT" && ./mvnw -B -q -ntp -DskipTests package -pl examples -am) >&2
fi
start_server demo "$PORT" "$OUT/docs-render-demo.log" -- env PORT="$PORT" HOST=127.0.0.1 "$JAVA" "${JAVA_OPTS[@]}" -jar "$DEMO_JAR"

OFFLINE=(--headless --no-sandbox --disable-gpu --no-first-run
  --proxy-server=127.0.0.1:9 --proxy-bypass-list=127.0.0.1
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
  --virtual-time-budget=20000 --window-size=1200,900)
# render PAGE: the DOM after scripts ran, and a screenshot.
render() {
  chromium "${OFFLINE[@]}" --dump-dom "http://127.0.0.1:$PORT/$1" >"$OUT/docs-render-$1.html" 2>"$OUT/docs-render-chromium.log"
  chromium "${OFFLINE[@]}" --screenshot="$OUT/docs-render-$1.png" "http://127.0.0.1:$PORT/$1" 2>>"$OUT/docs-render-chromium.log" >/dev/null
}
failures=0
rows=()
# expect PAGE WHAT FIXED-STRING: the rendered DOM of PAGE contains the string.
expect() {
  if grep -qF -- "$3" "$OUT/docs-render-$1.html"; then rows+=("| \`/$1\` | $2 | PASS |"); else
    rows+=("| \`/$1\` | $2 | FAIL |"); failures=$((failures + 1)); echo "FAIL /$1: $2 ($3 not in the DOM)" >&2; fi
}

render docs
for m in POST GET PUT DELETE; do expect docs "operation $m rendered" "opblock-summary-method\">$m<"; done
expect docs "path /items rendered" 'data-path="/items"'
expect docs "path /items/{item_id} rendered" 'data-path="/items/{item_id}"'
expect docs "schema ItemIn rendered" '>ItemIn<'
render redoc
for m in post get put delete; do expect redoc "operation $m rendered" "http-verb $m\">$m<"; done
expect redoc "path /items/{item_id} rendered" '/items/{item_id}'
expect redoc "operation Create Item rendered" '>Create Item<'

# The control: with the same flags nothing outside loads, so the pages above used only the app.
chromium "${OFFLINE[@]}" --dump-dom "http://example.com/" >"$OUT/docs-render-control.html" 2>>"$OUT/docs-render-chromium.log" || true
if grep -q "Example Domain" "$OUT/docs-render-control.html"; then
  rows+=("| control | http://example.com/ does not load | FAIL |"); failures=$((failures + 1))
else
  rows+=("| control | http://example.com/ does not load | PASS |")
fi

lint="not run (no npx)"
if command -v npx >/dev/null; then
  curl -sf "http://127.0.0.1:$PORT/openapi.json" >"$OUT/docs-render-openapi.json"
  if (cd "$OUT" && npx -y "$REDOCLY" lint --format=stylish docs-render-openapi.json) >"$OUT/docs-render-lint.log" 2>&1; then
    lint="0 errors, $(grep -Eo '[0-9]+ warnings?' "$OUT/docs-render-lint.log" | tail -1 || echo "0 warnings")"
  else
    lint="FAILED: $(grep -Eo '[0-9]+ errors?' "$OUT/docs-render-lint.log" | tail -1)"; failures=$((failures + 1))
  fi
fi
stop_all

section="$OUT/docs-render.md"
{
  echo "## Docs pages render offline in headless Chromium (\`benchmarks/docs-render.sh\`)"
  echo
  machine_md
  echo "- browser: $(chromium --version 2>/dev/null | head -1)"
  echo "- load: $(uptime_line)"
  echo
  echo "The demo's \`/docs\` (Swagger UI $(sed -n 's/.*VERSION = "\(.*\)";/\1/p' "$ROOT/lanes/src/main/java/dev/lanes/typed/SwaggerUi.java"), from the webjar) and"
  echo "\`/redoc\` (ReDoc $(sed -n 's/.*VERSION = "\(.*\)";/\1/p' "$ROOT/lanes/src/main/java/dev/lanes/typed/Redoc.java"), from the webjar), loaded with only 127.0.0.1 reachable;"
  echo "the checks read the DOM after the page's scripts ran (\`--dump-dom\`)."
  echo
  echo "| page | check | result |"
  echo "|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "\`npx $REDOCLY lint\` on the demo's \`/openapi.json\`: $lint."
} >"$section"
replace_section docs-render "$section"
cat "$section"
[ "$failures" = 0 ] || { echo "$failures check(s) failed" >&2; exit 1; }
