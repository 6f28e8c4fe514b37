# Shared helpers for benchmarks/*.sh (sourced, not run). Bash; the caller sets -euo pipefail.
# Servers are started on fixed loopback ports, polled until ready, and killed by PID on exit.

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
RESULTS="$BENCH_DIR/RESULTS.md"
OUT="$BENCH_DIR/out"            # raw tool output (git-ignored)
mkdir -p "$OUT"
JAVA_HOME="$("$ROOT/bin/java-home")"; export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"
JAVA_OPTS=(--enable-native-access=ALL-UNNAMED)
DEMO_JAR="$ROOT/examples/target/examples.jar"
BENCH_JAR="$BENCH_DIR/target/benchmarks.jar"

STARTED_PIDS=()

# Kills every server this script started, by PID (TERM, then KILL after 5 s).
stop_all() {
  local pid
  for pid in "${STARTED_PIDS[@]:-}"; do
    [ -n "$pid" ] || continue
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${STARTED_PIDS[@]:-}"; do
    [ -n "$pid" ] || continue
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  STARTED_PIDS=()
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# Builds the demo and benchmark jars unless they exist (set REBUILD=1 to force).
ensure_jars() {
  if [ "${REBUILD:-0}" = 1 ] || [ ! -f "$DEMO_JAR" ] || [ ! -f "$BENCH_JAR" ]; then
    echo "building jars..." >&2
    (cd "$ROOT" && ./mvnw -B -q -ntp -DskipTests package -pl examples,benchmarks -am) >&2
  fi
}

# start_server NAME PORT LOGFILE -- command...; sets SERVER_PID; fails if not ready in 60 s.
# Ready when http://127.0.0.1:PORT/plaintext answers, or READY_URL (e.g. an https:// one) if set.
start_server() {
  local name="$1" port="$2" log="$3"; shift 4
  local ready="${READY_URL:-http://127.0.0.1:$port/plaintext}"
  if curl -sk -o /dev/null --max-time 1 "${ready%/plaintext}/"; then
    echo "port $port is already in use; refusing to benchmark someone else's server" >&2
    return 1
  fi
  "$@" >"$log" 2>&1 &
  SERVER_PID=$!
  STARTED_PIDS+=("$SERVER_PID")
  local i
  for i in $(seq 1 240); do
    if curl -sk -o /dev/null --max-time 1 "$ready"; then
      echo "$name ready on 127.0.0.1:$port (pid $SERVER_PID)" >&2
      return 0
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "$name exited; log:" >&2; cat "$log" >&2; return 1; }
    sleep 0.25
  done
  echo "$name not ready on port $port after 60 s" >&2
  return 1
}

# stop_server PID: stops one server we started and waits for it to go.
stop_server() {
  local pid="$1" kept=() p
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  for p in "${STARTED_PIDS[@]}"; do [ "$p" = "$pid" ] || kept+=("$p"); done
  STARTED_PIDS=("${kept[@]:-}")
}

# The 1-minute load average, and the whole uptime line.
load1() { cut -d' ' -f1 /proc/loadavg; }
uptime_line() { uptime | sed 's/^ *//'; }

machine_md() {
  echo "- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(uname -sr)"
  echo "- java: $("$JAVA" -version 2>&1 | head -1) ($JAVA)"
  echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "- commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
}

# replace_section NAME FILE: puts FILE's content between <!-- NAME:start --> and <!-- NAME:end -->
# in RESULTS.md, appending the section if it is not there; other sections are kept as they are.
replace_section() {
  python3 "$BENCH_DIR/write_section.py" --raw "$1" "$2"
}

# ratio A B: A/B with 3 decimals (awk; empty when B is 0 or missing).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0) printf "%.3f", a / b; else printf "n/a" }'; }
# cpu_ticks PID: the process's CPU so far, utime + stime from /proc (clock ticks, getconf CLK_TCK a second).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# parse_hey FILE -> "rps p50_ms p99_ms non2xx errors total_s"
parse_hey() {
  awk '
    /Requests\/sec:/ { rps = $2 }
    /Total:/ && !total { total = $2 }
    / 50% in / { p50 = $3 * 1000 }
    / 99% in / { p99 = $3 * 1000 }
    /^Status code distribution:/ { codes = 1; next }
    /^Error distribution:/ { codes = 0; errs = 1; next }
    codes && /\[[0-9]+\]/ { gsub(/[\[\]]/, "", $1); if ($1 + 0 < 200 || $1 + 0 > 299) non2xx += $2 }
    errs && /\[[0-9]+\]/ { gsub(/[\[\]]/, "", $1); errors += $1 }
    END { printf "%s %.0f %.0f %d %d %s\n", rps, p50, p99, non2xx, errors, total }' "$1"
}
