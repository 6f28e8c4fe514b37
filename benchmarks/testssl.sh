#!/usr/bin/env bash
# TLS scan of the demo's TLS listener with testssl.sh (Debian package `testssl.sh`), once per
# engine: the demo runs with TLS_PORT set and its self-signed certificate (made at start). Writes
# the "testssl" section of RESULTS.md: protocols offered, and every finding of severity MEDIUM or
# above, with the goal "only TLS 1.2/1.3; no HIGH/CRITICAL other than the self-signed trust".
#
#   benchmarks/testssl.sh              # ~3 min per engine; ports 18090 (cleartext) and 18443 (TLS) must be free
#   ENGINES=jdk benchmarks/testssl.sh  # one engine (auto, openssl or jdk)
#   PORT=18130 TLS_PORT=18131 benchmarks/testssl.sh   # other ports
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ENGINES="${ENGINES:-openssl jdk}"
PORT="${PORT:-18090}"
TLS_PORT="${TLS_PORT:-18443}"
command -v testssl >/dev/null || { echo "testssl not found: apt-get install -y testssl.sh" >&2; exit 1; }
ensure_jars
declare -A PROTOS FINDINGS ALLOWED VERDICT ALPN

for engine in $ENGINES; do
  start_server "lanes-$engine" "$PORT" "$OUT/testssl-$engine.log" -- \
    env PORT="$PORT" TLS_PORT="$TLS_PORT" TLS_ENGINE="$engine" HOST=127.0.0.1 METRICS=off \
    "$JAVA" "${JAVA_OPTS[@]}" -jar "$DEMO_JAR"
  pid=$SERVER_PID
  json="$OUT/testssl-$engine.json"
  rm -f "$json"
  echo "testssl against 127.0.0.1:$TLS_PORT ($engine)..." >&2
  # rc is the number of findings-ish; the JSON is what we read.
  timeout 900 testssl --quiet --color 0 --warnings off --sneaky --jsonfile "$json" \
    "https://127.0.0.1:$TLS_PORT/" >"$OUT/testssl-$engine.txt" 2>&1 || true
  stop_server "$pid"
  IFS=$'\t' read -r protos findings allowed verdict alpn < <(python3 - "$json" <<'PY'
import json, sys
items = json.load(open(sys.argv[1]))
offered = [i["id"] for i in items if i["id"] in ("SSLv2", "SSLv3", "TLS1", "TLS1_1", "TLS1_2", "TLS1_3")
           and i["finding"].startswith("offered")]
# The self-signed certificate's own verdicts: no CA vouches for it (chain of trust), so there is no
# issuer to publish a CRL or an OCSP responder for it either (cert_revocation).
allowed_ids = {"cert_chain_of_trust", "cert_trust", "cert_revocation"}
bad = [f'{i["id"]} ({i["severity"]}: {i["finding"]})' for i in items if i["severity"] in ("HIGH", "CRITICAL")]
other = [b for b in bad if b.split(" ")[0] not in allowed_ids]
allowed = [b for b in bad if b.split(" ")[0] in allowed_ids]
medium = [f'{i["id"]} ({i["severity"]})' for i in items if i["severity"] == "MEDIUM"]
# ALPN: what the server picks from testssl's offer (id "ALPN"), and whether h2 is among them ("ALPN_HTTP2").
alpn = "; ".join(f'{i["id"]}: {i["finding"]}' for i in items if i["id"] in ("ALPN", "ALPN_HTTP2")) or "none"
ok = set(offered) <= {"TLS1_2", "TLS1_3"} and not other and "h2" in alpn
print("\t".join([", ".join(offered) or "none", "; ".join(other + medium).replace("|", "/") or "none",
                 "; ".join(allowed).replace("|", "/") or "none", "yes" if ok else "**no**", alpn.replace("|", "/")]))
PY
)
  PROTOS[$engine]=$protos; FINDINGS[$engine]=$findings; ALLOWED[$engine]=$allowed; VERDICT[$engine]=$verdict
  ALPN[$engine]=$alpn
  echo "  -> offered $protos; ALPN $alpn; HIGH/CRITICAL/MEDIUM other than trust: $findings; goal met: $verdict" >&2
done

body="$(mktemp)"
{
  echo "## TLS scan: testssl.sh against the demo's TLS port (\`benchmarks/testssl.sh\`)"
  echo
  machine_md
  echo "- testssl: $(dpkg-query -W -f="\${Version}" testssl.sh 2>/dev/null || echo unknown) (Debian package testssl.sh), run with \`--quiet --warnings off --sneaky\`; raw output in \`benchmarks/out/testssl-*.txt|json\`"
  echo "- server: the demo with \`TLS_PORT=$TLS_PORT TLS_ENGINE=<engine>\`, self-signed EC P-256 certificate for localhost made at start (90 days)"
  echo "- goal: only TLS 1.2/1.3 offered; ALPN offers h2; no HIGH or CRITICAL finding other than the self-signed certificate's trust (\`cert_chain_of_trust\`, \`cert_trust\`, and \`cert_revocation\`: with no CA there is no CRL or OCSP responder)"
  echo
  echo "| engine | protocols offered | ALPN | HIGH/CRITICAL (other than trust) and MEDIUM findings | expected trust findings | goal met |"
  echo "|---|---|---|---|---|---|"
  for engine in $ENGINES; do
    echo "| $engine | ${PROTOS[$engine]} | ${ALPN[$engine]} | ${FINDINGS[$engine]} | ${ALLOWED[$engine]} | ${VERDICT[$engine]} |"
  done
} >"$body"
replace_section testssl "$body"
rm -f "$body"
echo "wrote the testssl section of $RESULTS" >&2
