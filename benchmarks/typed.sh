#!/usr/bin/env bash
# The typed layer's cost: the items contract's GET /items (3 validated query parameters) and
# POST /items (a validated 5-field JSON body), both behind an API key, served typed and raw by
# one Lanes server (TypedVsRaw: /typed/items, /raw/items) and by FastAPI 0.142 on uvicorn
# (benchmarks/fastapi/items_app.py, one worker). Each store is seeded with 10 items first; GET
# is measured before POST so every server lists the same 10. Writes the "typed" section of
# RESULTS.md with typed/raw and typed/FastAPI ratios (req/s and server CPU per request).
# Issue targets: typed >= 0.9x raw, typed >= 3x FastAPI.
#
#   benchmarks/typed.sh      # ~5 min; ports 18083 (Lanes) and 18084 (FastAPI) must be free
#   LANES_PORT=18200 FASTAPI_PORT=18201 benchmarks/typed.sh         # other ports
#   FASTAPI=0 JAR=/tmp/old-benchmarks.jar benchmarks/typed.sh       # Lanes only, another build; prints, writes nothing
#
# FastAPI comes from the machine's wheel index into $OUT/fastapi-venv (or VENV=...).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-5s}"
LANES_PORT="${LANES_PORT:-18083}"
FASTAPI_PORT="${FASTAPI_PORT:-18084}"
FASTAPI="${FASTAPI:-1}"
ensure_jars
JAR="${JAR:-$BENCH_JAR}"
VENV="${VENV:-$OUT/fastapi-venv}"
if [ "$FASTAPI" = 1 ] && [ ! -x "$VENV/bin/uvicorn" ]; then
  python3 -m venv "$VENV" >&2
  "$VENV/bin/pip" install -q --retries 0 fastapi uvicorn >&2
fi
CLK_TCK="$(getconf CLK_TCK)"
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
parse_wrk() {
  awk '
    / requests in / { reqs = $1 }
    /^Requests\/sec:/ { rps = $2 }
    /Socket errors:/ { for (i = 3; i <= NF; i++) { v = $i; gsub(/[^0-9]/, "", v); err += v } }
    /Non-2xx or 3xx responses:/ { err += $5 }
    END { printf "%s %d %d\n", rps, err, reqs }' "$1"
}
BODY='{"name":"hammer","price":9.5,"tags":["a","b"],"category":"tools","description":"steel"}'
POST_LUA="$OUT/typed-post.lua"
cat >"$POST_LUA" <<LUA
wrk.method = "POST"
wrk.body = '$BODY'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = "secret"
LUA
declare -A RPS ERR CPU ALL

ROUNDS="${ROUNDS:-3}"

# measure NAME PID URL [wrk args...]: keeps the best round (other people's load only lowers a number)
measure() {
  local name="$1" pid="$2" url="$3"; shift 3
  timeout 60 wrk -t2 -c64 -d"$WARMUP" "$@" "$url" >/dev/null
  local f="$OUT/typed-$name.txt" t0 t1 rps err reqs
  t0="$(cpu_ticks "$pid")"
  timeout 90 wrk -t2 -c64 -d"$DURATION" "$@" "$url" >"$f" 2>&1
  t1="$(cpu_ticks "$pid")"
  read -r rps err reqs <<<"$(parse_wrk "$f")"
  local cpu
  cpu=$(awk -v d=$((t1 - t0)) -v n="$reqs" -v hz="$CLK_TCK" 'BEGIN { if (n > 0) printf "%.1f", d * 1e6 / hz / n; else print "n/a" }')
  echo "  $name: $rps req/s, errors $err, server CPU ${cpu} us/req" >&2
  ALL[$name]="${ALL[$name]:+${ALL[$name]}, }${rps%.*}"
  if [ -z "${RPS[$name]:-}" ] || awk -v a="$rps" -v b="${RPS[$name]}" 'BEGIN { exit !(a + 0 > b + 0) }'; then
    RPS[$name]=$rps; ERR[$name]=$err; CPU[$name]=$cpu
  fi
}

seed() { # seed BASE_URL
  local i
  for i in $(seq 1 10); do
    curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' -H 'X-API-Key: secret' -d "$BODY" "$1"
  done
}

start_server lanes $LANES_PORT "$OUT/typed-lanes.log" -- "$JAVA" "${JAVA_OPTS[@]}" -cp "$JAR" dev.lanes.benchmarks.TypedVsRaw $LANES_PORT
pid=$SERVER_PID
for style in typed raw; do seed "http://127.0.0.1:$LANES_PORT/$style/items"; done
for style in typed raw; do # JIT warm-up of both before measuring either
  timeout 60 wrk -t2 -c64 -d"$WARMUP" -H 'X-API-Key: secret' "http://127.0.0.1:$LANES_PORT/$style/items?limit=5&offset=0&q=ham" >/dev/null
done
for round in $(seq 1 "$ROUNDS"); do # typed and raw alternate who goes first
  styles=(typed raw); [ $((round % 2)) = 0 ] && styles=(raw typed)
  for style in "${styles[@]}"; do
    measure "get-$style" "$pid" "http://127.0.0.1:$LANES_PORT/$style/items?limit=5&offset=0&q=ham" -H 'X-API-Key: secret'
  done
done
for round in $(seq 1 "$ROUNDS"); do
  styles=(typed raw); [ $((round % 2)) = 0 ] && styles=(raw typed)
  for style in "${styles[@]}"; do
    measure "post-$style" "$pid" "http://127.0.0.1:$LANES_PORT/$style/items" -s "$POST_LUA"
  done
done
stop_server "$pid"
if [ "$FASTAPI" != 1 ]; then
  echo "load: $(uptime_line)" >&2
  for r in get post; do
    echo "$r: typed/raw req/s $(ratio "${RPS[$r-typed]}" "${RPS[$r-raw]}"), CPU us/req typed ${CPU[$r-typed]} raw ${CPU[$r-raw]}" >&2
  done
  for k in get-typed get-raw post-typed post-raw; do echo "$k req/s per round: ${ALL[$k]}" >&2; done
  exit 0
fi

start_server fastapi $FASTAPI_PORT "$OUT/typed-fastapi.log" -- "$VENV/bin/uvicorn" --app-dir "$BENCH_DIR/fastapi" items_app:app \
  --host 127.0.0.1 --port $FASTAPI_PORT --log-level warning --no-access-log
pid=$SERVER_PID
seed "http://127.0.0.1:$FASTAPI_PORT/items"
for round in $(seq 1 "$ROUNDS"); do
  measure get-fastapi "$pid" "http://127.0.0.1:$FASTAPI_PORT/items?limit=5&offset=0&q=ham" -H 'X-API-Key: secret'
done
for round in $(seq 1 "$ROUNDS"); do
  measure post-fastapi "$pid" "http://127.0.0.1:$FASTAPI_PORT/items" -s "$POST_LUA"
done
stop_server "$pid"

body="$(mktemp)"
{
  echo "## Typed layer: typed vs raw Lanes vs FastAPI (\`benchmarks/typed.sh\`)"
  echo
  machine_md
  echo "- load: \`$(uptime_line)\`"
  echo "- command: \`wrk -t2 -c64 -d$DURATION\` after a \`-d$WARMUP\` warm-up; GET \`/items?limit=5&offset=0&q=ham\` (3 validated"
  echo "  query parameters, 5 items listed), POST \`/items\` with a 5-field body (validated: lengths, > 0, enum, list);"
  echo "  both with \`X-API-Key\`. Lanes: \`TypedVsRaw\` (typed and raw routes on one server, blocking handlers in"
  echo "  lane \`endpoints\`, $(nproc) event loops); FastAPI 0.142 on uvicorn, one worker (\`def\` routes)."
  echo "- $ROUNDS rounds each (typed and raw alternate who goes first); the best round is shown, every round's req/s below"
  echo "- server CPU us/req: the server process's user+system CPU during the run / requests (FastAPI uses one core, Lanes all)"
  echo
  echo "| route | typed req/s | raw req/s | FastAPI req/s | typed / raw | typed / FastAPI | CPU us/req typed | raw | FastAPI | errors (typed/raw/FastAPI) |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  for r in get post; do
    echo "| $r | ${RPS[$r-typed]} | ${RPS[$r-raw]} | ${RPS[$r-fastapi]} | $(ratio "${RPS[$r-typed]}" "${RPS[$r-raw]}") | $(ratio "${RPS[$r-typed]}" "${RPS[$r-fastapi]}") | ${CPU[$r-typed]} | ${CPU[$r-raw]} | ${CPU[$r-fastapi]} | ${ERR[$r-typed]}/${ERR[$r-raw]}/${ERR[$r-fastapi]} |"
  done
  echo
  for k in get-typed get-raw get-fastapi post-typed post-raw post-fastapi; do echo "- $k req/s per round: ${ALL[$k]}"; done
} >"$body"
replace_section typed "$body"
rm -f "$body"
echo "wrote the typed section of $RESULTS" >&2
