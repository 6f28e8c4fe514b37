#!/usr/bin/env bash
# Runs the JMH microbenchmarks (CapacityLimiterBenchmark, LaneRunBenchmark, TimerRecordBenchmark, TypedBodyBenchmark, RequestPathBenchmark) briefly and writes the
# "jmh" section of RESULTS.md. ~1 min. For steadier numbers pass JMH options, e.g.
#   benchmarks/jmh.sh -f 3 -wi 5 -i 10        (defaults: -f 1 -wi 2 -i 3 -w 1s -r 1s)
# Any JMH option works the same with the jar directly:
#   java -jar benchmarks/target/benchmarks.jar -h
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ensure_jars
args=(-f 1 -wi 2 -i 3 -w 1s -r 1s)
[ $# -eq 0 ] || args=("$@")
csv="$OUT/jmh.csv"
load_before="$(uptime_line)"
timeout 900 "$JAVA" "${JAVA_OPTS[@]}" -jar "$BENCH_JAR" "${args[@]}" \
  -jvmArgsAppend --enable-native-access=ALL-UNNAMED -rf csv -rff "$csv" | tee "$OUT/jmh.txt" >&2
load_after="$(uptime_line)"

body="$(mktemp)"
{
  echo "## Microbenchmarks (\`benchmarks/jmh.sh\`)"
  echo
  machine_md
  echo "- load before: \`$load_before\`"
  echo "- load after:  \`$load_after\`"
  echo "- command: \`java -jar benchmarks/target/benchmarks.jar ${args[*]}\` (JMH 1.37; average time per op, lower is better)"
  echo
  echo "| benchmark | param | threads | score | error (99.9%) | unit |"
  echo "|---|---|---:|---:|---:|---|"
  # CSV: "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit"[,"Param: x"...]:
  # one column per parameter of any benchmark, empty where a benchmark has no such parameter.
  awk -F, 'NR == 1 { sub(/\r$/, ""); for (i = 8; i <= NF; i++) { h = $i; gsub(/"|Param: /, "", h); pname[i] = h }; next }
    {
      sub(/\r$/, ""); for (i = 1; i <= NF; i++) gsub(/"/, "", $i)
      name = $1; sub(/^dev\.lanes\.benchmarks\./, "", name)
      param = ""
      for (i = 8; i <= NF; i++) if ($i != "") param = param (param == "" ? "" : " ") pname[i] "=" $i
      if (param == "") param = "-"
      err = ($6 == "NaN" || $6 == "") ? "-" : sprintf("%.2f", $6)
      printf "| %s | %s | %s | %.2f | %s | %s |\n", name, param, $3, $5, err, $7
    }' "$csv"
  echo
  echo "Brief runs (one fork, 3 x 1 s): indicative only, especially under load; the error column says how much."
} >"$body"
replace_section jmh "$body"
rm -f "$body"
echo "wrote the jmh section of $RESULTS" >&2
