#!/usr/bin/env bash
# Task pickup latency across processes and task throughput, side by side with Celery + Redis.
# Lanes: lanes-tasks' TaskLatency on its test class path: pickup across processes on PostgreSQL
# (200 tasks 20 ms apart), then 10 000 tasks of 1 ms enqueued from one thread into a worker lane of
# 40, on the in-memory store (the default) and on PostgreSQL with the worker in the same process,
# each twice in one JVM (cold: a new process, its JIT compiling; warm: the next 10 000).
# Celery 5.6 + Redis 7: the same 10 000 tasks of 1 ms, delay() from one thread, one prefork worker
# of concurrency 40 (seed003/throughput_celery.py), twice against the same worker.
# Figures per round: tasks/s (10 000 / time from the first enqueue until the last task ended) and
# enqueue-to-start p50/p99/max. Writes the tasks-latency section of RESULTS.md when every run
# worked. Needs PostgreSQL at 127.0.0.1:5432 (user postgres, db test; TASKS_DB overrides) and Redis
# at 127.0.0.1:6379 (db 12 is flushed); without them the runs they need are skipped and the
# section is not written. Loopback only; every process started here is stopped by PID. ~2 min.
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/lib.sh
N=10000
RUN="$OUT/tasks-latency"; rm -rf "$RUN"; mkdir -p "$RUN"
# One reactor run: lanes-tasks' own modules resolve from the reactor (nothing is installed), and
# lanes-tasks, built last, leaves its class path in the file.
./mvnw -B -q -ntp -pl lanes-tasks -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$PWD/benchmarks/out/tasks-cp.txt" >/dev/null
CP="lanes-tasks/target/test-classes:lanes-tasks/target/classes:lanes/target/classes:lanes-testing/target/classes:$(cat benchmarks/out/tasks-cp.txt)"
PG="${TASKS_DB:-jdbc:postgresql://127.0.0.1:5432/test}"
complete=1
load_before="$(uptime_line)"

if psql -h 127.0.0.1 -U postgres -d test -qc "select 1" >/dev/null 2>&1 || [ -n "${TASKS_DB:-}" ]; then
  "$JAVA_HOME/bin/java" -cp "$CP" dev.lanes.tasks.TaskLatency "$PG" 2>/dev/null | grep -v "INFO\|WARN" | tee "$RUN/lanes.txt"
else
  echo "PostgreSQL at $PG not reachable: in-memory store only" >&2
  "$JAVA_HOME/bin/java" -cp "$CP" dev.lanes.tasks.TaskLatency - 2>/dev/null | grep -v "INFO\|WARN" | tee "$RUN/lanes.txt"
  complete=0
fi

if redis-cli -n 12 ping >/dev/null 2>&1; then
  VENV=$(benchmarks/seed003/celery-venv.sh)
  redis-cli -n 12 flushdb >/dev/null
  (cd benchmarks/seed003 && exec "../../$VENV/bin/python" throughput_celery.py worker 40) >"$RUN/celery-worker.log" 2>&1 &
  WORKER=$!
  trap 'kill $WORKER $(pgrep -P $WORKER) 2>/dev/null || true' EXIT
  (cd benchmarks/seed003 && "../../$VENV/bin/python" -c "
import time
from throughput_celery import celery
for _ in range(240):
    if celery.control.ping(timeout=0.5): break
    time.sleep(0.25)")
  for phase in cold warm; do
    (cd benchmarks/seed003 && "../../$VENV/bin/python" throughput_celery.py drive $N "celery-$phase") | tee -a "$RUN/celery.txt"
  done
  kill $WORKER $(pgrep -P $WORKER) 2>/dev/null || true
  wait $WORKER 2>/dev/null || true
  trap - EXIT
  celery_version="Celery $("$VENV/bin/python" -c 'import celery; print(celery.__version__)') + Redis $(redis-cli info server | grep redis_version | cut -d: -f2 | tr -d '\r')"
else
  echo "Redis at 127.0.0.1:6379 not reachable: no Celery runs" >&2
  complete=0
fi
[ "$complete" = 1 ] || { echo "not every run was possible: RESULTS.md not written" >&2; exit 0; }

python3 - "$RUN" "$N" "$celery_version" >"$RUN/section.md" <<'PY'
import re, sys
run, n, celery = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows, pickup = {}, ""
for f in ("lanes.txt", "celery.txt"):
    for line in open(f"{run}/{f}"):
        m = re.match(r"(\S+) n=\d+ enqueue_s=(\S+) total_s=(\S+) p50_ms=(\S+) p99_ms=(\S+) max_ms=(\S+)", line)
        if m:
            rows[m[1]] = [float(x) for x in m.groups()[1:]]
        elif line.startswith("pickup"):
            pickup = line.strip()
print(f"{n} tasks of 1 ms enqueued one after the other from one thread; Lanes' worker lane and Celery's "
      "worker both run 40 at once. tasks/s = tasks / time from the first enqueue to the last end; "
      "enqueue-to-start from each task's enqueue (Celery: the time passed to delay(); Lanes: its due time).\n")
print("| run | enqueues/s | tasks/s | tasks/s / Celery's | start p50 ms | start p99 ms | start max ms |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name, (enq, total, p50, p99, mx) in rows.items():
    phase = name.rsplit("-", 1)[1]
    peer = rows.get(f"celery-{phase}")
    ratio = f"{(n / total) / (n / peer[1]):.2f}" if peer else ""
    print(f"| {name} | {n / enq:.0f} | {n / total:.0f} | {ratio} | {p50:.1f} | {p99:.1f} | {mx:.1f} |")
print(f"\nLanes: `TaskLatency` (lanes-tasks tests), in-memory H2 and PostgreSQL 15 (worker in the same JVM), "
      f"cold = a new JVM's first {n}, warm = the next {n}. {celery}: one prefork worker of 40, "
      "result backend on the same Redis; warm = a second round against the same worker. A start p99 of seconds "
      "means the queue grew: that worker ended fewer tasks a second than one thread enqueued.")
print(f"\nPickup across processes (PostgreSQL, an enqueue-only and a worker `Tasks` in one JVM): {pickup.split(': ', 1)[1]}")
PY
{
  machine_md
  echo "- load before: \`$load_before\`; at the end: \`$(uptime_line)\`"
  echo
  cat "$RUN/section.md"
} >"$RUN/body.md"
cat "$RUN/body.md"
{ echo "## Task throughput and pickup: Lanes vs Celery (\`benchmarks/tasks-latency.sh\`)"; echo; cat "$RUN/body.md"; } >"$RUN/full.md"
replace_section tasks-latency "$RUN/full.md"
