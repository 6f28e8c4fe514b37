#!/usr/bin/env bash
# Seed 003 side by side: N=1000 requests each enqueue a 1 s sleeping task; 2 worker processes of
# 20 run them. Lanes (demo jar: web process enqueue-only, TASKS_DB on PostgreSQL, 2 x
# `examples.jar worker`) against Celery 5.6 + Redis (FastAPI app as in the seed, prefork workers).
# Per system: enqueue latency p50/p99 (hey -c C), the p99 of a trivial route under the same client
# load, time until all N succeeded; then the same with worker 1 killed (kill -9) at KILL_AT s,
# counting completions (cap CAP s) and redeliveries. Before they are measured, each system's enqueue
# path is warmed as the trivial route is, and at the same time: WARM (2000, as the trivial route's)
# enqueues of 0 s tasks (hey -c C), waited for until all ran; the counts, redeliveries and "all
# done" time are the measured N's only (the warm-up's are subtracted; Lanes' last completion is
# that of a task enqueued in the measured run). The web process's CPU time during the measured
# enqueues is reported with its JIT compiler threads' share: on 2 cores, a JVM still compiling
# then takes CPU from everything else. Needs PostgreSQL at 127.0.0.1:$PG_PORT (5432; user
# postgres, db $PG_DB, default test) and Redis at 127.0.0.1:6379 (db 11 is flushed). Loopback
# only; every process started here is stopped by PID. Writes the seed003 section of RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME="$(bin/java-home)"; export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"
N=${N:-1000}; C=${C:-50}; WARM=${WARM:-2000}; KILL_AT=${KILL_AT:-10}; CAP=${CAP:-60}
# RUNS picks runs (and their order); the section of RESULTS.md is written only with all of them.
ALL_RUNS="lanes lanes-kill celery celery-kill-defaults celery-kill-acks-late"
RUNS=${RUNS:-$ALL_RUNS}
# PG_DB, PG_PORT, WEB_PORT and CELERY_PORT may be overridden (helpers sharing a machine use their own).
PG_DB=${PG_DB:-test}; PG_PORT=${PG_PORT:-5432}
PG_URL=jdbc:postgresql://127.0.0.1:$PG_PORT/$PG_DB
JAR=${JAR:-examples/target/examples.jar} # another build to compare side by side
OUT=${OUT:-benchmarks/out/seed003}; mkdir -p "$OUT"
WEB_PORT=${WEB_PORT:-18303}; CELERY_PORT=${CELERY_PORT:-18304}

psql -h 127.0.0.1 -p $PG_PORT -U postgres -d "$PG_DB" -qc "select 1" >/dev/null || { echo "no PostgreSQL at 127.0.0.1:$PG_PORT" >&2; exit 1; }
redis-cli -n 11 ping >/dev/null || { echo "no Redis at 127.0.0.1:6379" >&2; exit 1; }
[ -f examples/target/examples.jar ] || ./mvnw -B -q -ntp -DskipTests package -pl examples -am
VENV=$(benchmarks/seed003/celery-venv.sh)

PIDS=()
stop_pid() { # TERM, then KILL after 5 s; the process's children too (Celery's prefork pool)
  local pid=$1 kids
  kids=$(pgrep -P "$pid" || true)
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" $kids 2>/dev/null || true
}
stop_all() { local p; for p in "${PIDS[@]:-}"; do [ -n "$p" ] && stop_pid "$p"; done; PIDS=(); }
trap stop_all EXIT

wait_http() { for _ in $(seq 240); do curl -fs -o /dev/null "$1" && return 0; sleep 0.25; done; echo "not ready: $1" >&2; return 1; }
now() { date +%s.%N; }

# pct FILE P: the P-th percentile (ms) of the 2xx/202 response times in hey's csv.
pct() { python3 - "$1" "$2" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["status-code"] in ("200", "202")]
xs = sorted(float(r["response-time"]) * 1000 for r in rows)
p = float(sys.argv[2])
print(f"{xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]:.2f}" if xs else "nan")
PY
}
# sub_warm "WARM_OUT" "NOW_OUT": a DONE_CMD output ("count [label n]") minus the warm-up's, by number.
sub_warm() { python3 -c "
import sys
w, n = sys.argv[1].split(), sys.argv[2].split()
print(' '.join(str(int(b) - int(a)) if b.lstrip('-').isdigit() else b for a, b in zip(w, n)))" "$1" "$2"; }
# web_cpu PID: "TOTAL JIT" CPU ms the process has used so far, all its threads, and its JIT
# compiler threads alone (HotSpot names them "C1/C2 CompilerThread"; a Python server has none).
web_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ c = $0 ~ /\(C[12] CompilerThre/; sub(/^.*\) /, ""); t = $12 + $13; total += t; if (c) jit += t }
  END { printf "%d %d", total * 1000 / hz, jit * 1000 / hz }' /proc/"$1"/task/*/stat 2>/dev/null; }
ok_count() { python3 -c "import csv,sys; print(sum(1 for r in csv.DictReader(open(sys.argv[1])) if r['status-code'] in ('200','202')))" "$1"; }

# measure NAME URL_BASE DONE_CMD KILL_PID LAST_CMD: trivial-route p99, enqueue run, completion; one
# md row. DONE_CMD prints the count done (and extra words); once all are done, LAST_CMD prints when
# the last one finished (epoch seconds, as recorded by the system itself), so the figure does not
# depend on how fast this loop notices.
measure() {
  local name=$1 base=$2 done_cmd=$3 kill_pid=$4 last_cmd=$5 t0 done_n=0 t_done="" extra
  # Warm-up: the enqueue path (0 s tasks) and the trivial route at the same time, so code they share
  # is compiled for both (warmed one after the other, JFR showed Netty's write path deoptimised as
  # the measured enqueues began, and their first wave was slow); then wait until the tasks ran.
  hey -n "$WARM" -c "$C" -m POST "$base/tasks/sleep?seconds=0" >/dev/null &
  local warm_pid=$!
  hey -n 2000 -c "$C" "$base/plaintext" >/dev/null
  wait "$warm_pid"
  for _ in $(seq 600); do done_n=$(eval "$done_cmd"); [ "${done_n%% *}" -ge "$WARM" ] && break; sleep 0.1; done
  [ "${done_n%% *}" -ge "$WARM" ] || { echo "$name: warm-up tasks not done: $done_n" >&2; return 1; }
  local warm_done=$done_n
  done_cmd="sub_warm \"$warm_done\" \"\$($done_cmd)\""
  hey -n "$N" -c "$C" -o csv "$base/plaintext" >"$OUT/$name-trivial.csv"
  t0=$(now)
  T0_MS=$(awk -v a="$t0" 'BEGIN { printf "%d", a * 1000 }')
  if [ "$kill_pid" != 0 ]; then
    ( sleep "$KILL_AT"; kill -9 "$kill_pid" $(pgrep -P "$kill_pid" || true) 2>/dev/null ) &
  fi
  local cpu0 cpu1; cpu0=$(web_cpu "$WEB_PID")
  hey -n "$N" -c "$C" -m POST -o csv "$base/tasks/sleep?seconds=1" >"$OUT/$name-enqueue.csv"
  local t_enq; t_enq=$(now)
  cpu1=$(web_cpu "$WEB_PID")
  while :; do
    done_n=$(eval "$done_cmd")
    if [ "${done_n%% *}" -ge "$N" ]; then t_done=$(eval "$last_cmd"); break; fi
    awk -v a="$(now)" -v b="$t0" -v c="$CAP" 'BEGIN { exit !(a - b > c) }' && break
    sleep 0.1
  done
  local total enq_total
  total=$( [ -n "$t_done" ] && awk -v a="$t_done" -v b="$t0" 'BEGIN { printf "%.1f", a - b }' || echo ">$CAP" )
  enq_total=$(awk -v a="$t_enq" -v b="$t0" 'BEGIN { printf "%.2f", a - b }')
  local e50 e99 t99; e50=$(pct "$OUT/$name-enqueue.csv" 50); e99=$(pct "$OUT/$name-enqueue.csv" 99); t99=$(pct "$OUT/$name-trivial.csv" 99)
  extra=${done_n#* }; [ "$extra" = "$done_n" ] && extra="n/a"
  echo "| $name | $(ok_count "$OUT/$name-enqueue.csv")/$N in $enq_total s | $e50 | $e99 | $t99 | $(awk -v a="$e99" -v b="$t99" 'BEGIN { printf "%.2f", a / b }') | $(echo "$cpu0 $cpu1" | awk '{ printf "%d / %d", $3 - $1, $4 - $2 }') | ${done_n%% *} | $total | $extra | $(cut -d' ' -f1 /proc/loadavg) |"
}

lanes_run() { # NAME KILL(0/1)
  psql -h 127.0.0.1 -p $PG_PORT -U postgres -d "$PG_DB" -qc "DROP TABLE IF EXISTS lanes_tasks; DROP TABLE IF EXISTS lanes_scheduled_tasks" 2>/dev/null
  TASKS_DB=$PG_URL TASK_WORKERS=0 PORT=$WEB_PORT METRICS=off "$JAVA" -jar "$JAR" >"$OUT/$1-web.log" 2>&1 &
  PIDS+=($!); WEB_PID=$!
  wait_http "http://127.0.0.1:$WEB_PORT/plaintext"
  local w1 w
  for w in 1 2; do
    TASKS_DB=$PG_URL WORKER_CONCURRENCY=20 "$JAVA" -jar "$JAR" worker >"$OUT/$1-worker$w.log" 2>&1 &
    PIDS+=($!); [ $w = 1 ] && w1=$!
  done
  for w in 1 2; do for _ in $(seq 240); do grep -q "lanes worker: running" "$OUT/$1-worker$w.log" && break; sleep 0.25; done; done
  # Counted in PostgreSQL (the query behind GET /tasks), as Celery's are in Redis: polling the web
  # process would send it requests unlike the measured ones between the warm-up and the measurement.
  measure "$1" "http://127.0.0.1:$WEB_PORT" \
    "psql -h 127.0.0.1 -p $PG_PORT -U postgres -d $PG_DB -Atc \"select count(*) filter (where state = 'succeeded') || ' redeliveries ' || coalesce(sum(redeliveries), 0) from lanes_tasks\"" \
    "$([ "$2" = 1 ] && echo "$w1" || echo 0)" \
    "psql -h 127.0.0.1 -p $PG_PORT -U postgres -d $PG_DB -Atc \"select max(updated_ms) / 1000.0 from lanes_tasks where state = 'succeeded' and enqueued_ms >= \$T0_MS\""
  stop_all
}

celery_run() { # NAME KILL(0/1) ACKS_LATE(0/1)
  redis-cli -n 11 flushdb >/dev/null
  (cd benchmarks/seed003 && SEED003_ACKS_LATE=$3 exec "../../$VENV/bin/uvicorn" seed003_app:app --port $CELERY_PORT --log-level warning) >"$OUT/$1-web.log" 2>&1 &
  PIDS+=($!); WEB_PID=$!
  wait_http "http://127.0.0.1:$CELERY_PORT/plaintext"
  local w1 w
  for w in 1 2; do
    (cd benchmarks/seed003 && SEED003_ACKS_LATE=$3 exec "../../$VENV/bin/python" seed003_worker.py "w$w@seed003" 20) >"$OUT/$1-worker$w.log" 2>&1 &
    PIDS+=($!); [ $w = 1 ] && w1=$!
  done
  (cd benchmarks/seed003 && "../../$VENV/bin/python" -c "
import time
from seed003_app import celery
for _ in range(240):
    if len(celery.control.ping(timeout=0.5)) >= 2: break
    time.sleep(0.25)")
  measure "$1" "http://127.0.0.1:$CELERY_PORT" "echo \$(redis-cli -n 11 get seed003:done | sed 's/^\$/0/')" \
    "$([ "$2" = 1 ] && echo "$w1" || echo 0)" "redis-cli -n 11 get seed003:last"
  stop_all
}

{
  trap stop_all EXIT # this block is a subshell (the pipe): its own PIDS are stopped if a run fails
  echo "1000 requests (hey -c $C) each enqueue a 1 s sleeping task; 2 worker processes of 20 run them."
  echo "Limits: all done no sooner than $N / 40 x 1 s = $((N / 40)) s; with a worker killed at $KILL_AT s, $((N / 40 + (N / 40 - KILL_AT))) s (40 slots until then, 20 after)."
  echo "Enqueue latency vs a trivial route's p99 under the same client load (hey -n $N -c $C); completion capped at $CAP s."
  echo
  echo "| run | enqueued | enqueue p50 ms | enqueue p99 ms | trivial p99 ms | enqueue p99 / trivial p99 | web CPU ms during the enqueues (of it JIT) | succeeded | all done after s | duplicates | load (1 min) |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  for run in $RUNS; do
    case $run in
      lanes) lanes_run lanes 0 ;;
      lanes-kill) lanes_run lanes-kill 1 ;;
      celery) celery_run celery 0 0 ;;
      celery-kill-defaults) celery_run celery-kill-defaults 1 0 ;;
      celery-kill-acks-late) celery_run celery-kill-acks-late 1 1 ;;
      *) echo "unknown run $run" >&2; exit 2 ;;
    esac
  done
  echo
  echo "Lanes: web process TASK_WORKERS=0 on PostgreSQL 15, workers \`examples.jar worker\` (WORKER_CONCURRENCY=20, poll 200 ms, heartbeat 2 s); duplicates = redeliveries (attempts re-run after their worker died)."
  echo "Celery $("$VENV/bin/python" -c 'import celery; print(celery.__version__)') + Redis $(redis-cli info server | grep redis_version | cut -d: -f2 | tr -d '\r'): prefork pool, concurrency 20; succeeded = tasks that incremented a Redis counter; the acks-late run sets task_acks_late, task_reject_on_worker_lost and a 20 s visibility timeout."
} | tee "$OUT/table.md"
if [ "$RUNS" = "$ALL_RUNS" ]; then python3 benchmarks/write_section.py seed003 "$OUT/table.md"; fi
