#!/usr/bin/env bash
# WebSocket conformance: the Autobahn|Testsuite fuzzing client, cases 1-10, against the demo's
# blocking echo (the /ws/echo handler and options; examples' AutobahnEchoServer also mounts it at
# "/", where the plugin points the client). It runs through the autobahntestsuite Maven plugin
# (0.1.5, Jython inside the Maven JVM), as Netty's own testsuite-autobahn does, on 127.0.0.1.
# Fails unless 0 cases FAILED; writes the autobahn section of benchmarks/RESULTS.md.
#   MAVEN_ARGS=-Dport=18602 benchmarks/autobahn.sh   # a fixed port (default: the plugin picks one)
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME="$(bin/java-home)"; export JAVA_HOME
OUT=benchmarks/out; mkdir -p "$OUT"
REPORTS=target/autobahntestsuite-reports  # where the plugin writes, relative to the Maven run
rm -rf "$REPORTS"
# -Dtest=NONE: the modules' unit tests are not what this measures (bin/test runs them).
timeout 1800 ./mvnw -B -ntp -Pautobahn -pl examples -am test \
  -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false >"$OUT/autobahn.log" 2>&1 || {
  echo "autobahn run failed; see $OUT/autobahn.log" >&2
  grep -A40 "Failed test cases" "$OUT/autobahn.log" >&2 || tail -40 "$OUT/autobahn.log" >&2
  exit 1
}
python3 - "$REPORTS" >"$OUT/autobahn.md" <<'PY'
import collections, glob, json, os, sys
reports = sys.argv[1]
cases = [json.load(open(f)) for f in glob.glob(os.path.join(reports, "*_case_*.json"))]
behavior = collections.Counter(c["behavior"] for c in cases)
close = collections.Counter(c["behaviorClose"] for c in cases)
def key(c):
    return [int(x) for x in c["id"].split(".")]
def listed(kind):
    return ", ".join(c["id"] for c in sorted(cases, key=key) if c["behavior"] == kind) or "none"
print("Autobahn|Testsuite 0.6.4 fuzzing client (through `autobahntestsuite-maven-plugin` 0.1.5), cases 1-10,")
print("against the blocking echo of `/ws/echo` (lane `websockets`, 16 MiB message limit), 127.0.0.1.\n")
print("| result | cases |\n|---|---:|")
for kind in ("OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "FAILED"):
    print(f"| {kind} | {behavior.get(kind, 0)} |")
print(f"| **total** | {len(cases)} |\n")
print(f"Close behaviour: {dict(sorted(close.items()))}.\n")
print(f"NON-STRICT (allowed, as in Netty's own run with `failOnNonStrict=false`): {listed('NON-STRICT')}.")
print(f"INFORMATIONAL (no verdict): {listed('INFORMATIONAL')}.")
print(f"FAILED: {listed('FAILED')}.")
if behavior.get("FAILED", 0) or close.get("FAILED", 0) or not cases:
    sys.exit(1)
PY
cat "$OUT/autobahn.md"
python3 benchmarks/write_section.py autobahn "$OUT/autobahn.md"
