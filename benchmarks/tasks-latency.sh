#!/usr/bin/env bash
# Task pickup latency across processes (PostgreSQL, if reachable) and embedded throughput
# (10 000 tasks of 1 ms): runs lanes-tasks' TaskLatency on its test class path. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME="$(bin/java-home)"; export JAVA_HOME
# One reactor run: lanes-tasks' own modules resolve from the reactor (nothing is installed), and
# lanes-tasks, built last, leaves its class path in the file.
./mvnw -B -q -ntp -pl lanes-tasks -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$PWD/benchmarks/out/tasks-cp.txt" >/dev/null
CP="lanes-tasks/target/test-classes:lanes-tasks/target/classes:lanes/target/classes:lanes-testing/target/classes:$(cat benchmarks/out/tasks-cp.txt)"
PG="${TASKS_DB:-jdbc:postgresql://127.0.0.1:5432/test}"
if ! "$JAVA_HOME/bin/java" -cp "$CP" dev.lanes.tasks.TaskLatency "$PG" 2>/dev/null | grep -v "INFO\|WARN"; then
  echo "PostgreSQL at $PG not reachable: embedded figures only" >&2
  "$JAVA_HOME/bin/java" -cp "$CP" dev.lanes.tasks.TaskLatency - 2>/dev/null | grep -v "INFO\|WARN"
fi
