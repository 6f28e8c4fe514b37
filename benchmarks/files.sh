#!/usr/bin/env bash
# Serving a 100 MiB file over loopback: Lanes StaticFiles (zero-copy FileRegion) side by side with
# nginx (Debian package, sendfile on) in the same run. wrk -t2 -c4 -d10s against each; throughput
# in MiB/s = requests/s x 100. Writes its section of benchmarks/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME="$(bin/java-home)"; export JAVA_HOME
command -v nginx >/dev/null || { apt-get update -qq && apt-get install -y -qq nginx; }
[ -f examples/target/examples.jar ] || ./mvnw -B -q -ntp -DskipTests package
WORK=$(mktemp -d); LPORT=18010; NPORT=18011
head -c $((100 * 1024 * 1024)) /dev/urandom > "$WORK/big.bin"
cat > "$WORK/nginx.conf" <<CONF
worker_processes 2;
pid $WORK/nginx.pid;
error_log $WORK/error.log;
events { worker_connections 1024; }
http {
  access_log off; sendfile on; tcp_nopush on;
  client_body_temp_path $WORK; proxy_temp_path $WORK; fastcgi_temp_path $WORK; uwsgi_temp_path $WORK; scgi_temp_path $WORK;
  server { listen 127.0.0.1:$NPORT; root $WORK; }
}
CONF
STATIC_DIR="$WORK" PORT=$LPORT "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar examples/target/examples.jar >"$WORK/lanes.log" 2>&1 &
LANES=$!
nginx -c "$WORK/nginx.conf"
trap 'kill $LANES 2>/dev/null || true; [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true; sleep 0.5; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$LPORT/static/big.bin" && break; sleep 0.1; done
cmp <(curl -fs "http://127.0.0.1:$LPORT/static/big.bin") "$WORK/big.bin"
cmp <(curl -fs "http://127.0.0.1:$NPORT/big.bin") "$WORK/big.bin"
rate() { wrk -t2 -c4 -d"$2" "$1" | awk '/Requests\/sec/ {print $2}'; }
rate "http://127.0.0.1:$LPORT/static/big.bin" 3s >/dev/null; rate "http://127.0.0.1:$NPORT/big.bin" 3s >/dev/null
L=$(rate "http://127.0.0.1:$LPORT/static/big.bin" 10s); N=$(rate "http://127.0.0.1:$NPORT/big.bin" 10s)
L2=$(rate "http://127.0.0.1:$LPORT/static/big.bin" 10s); N2=$(rate "http://127.0.0.1:$NPORT/big.bin" 10s)
python3 - "$L" "$N" "$L2" "$N2" > "$WORK/table.md" <<'PY'
import sys
l1, n1, l2, n2 = map(float, sys.argv[1:])
l, n = (l1 + l2) / 2, (n1 + n2) / 2
print("`wrk -t2 -c4 -d10s`, a 100 MiB file, two alternating rounds each:\n")
print("| server | req/s (rounds) | MiB/s | ratio to nginx |\n|---|---|---|---|")
print(f"| nginx 1.22 (sendfile) | {n1:.2f}, {n2:.2f} | {n*100:.0f} | 1.00 |")
print(f"| Lanes StaticFiles (FileRegion) | {l1:.2f}, {l2:.2f} | {l*100:.0f} | {l/n:.2f} |")
PY
cat "$WORK/table.md"
python3 benchmarks/write_section.py files "$WORK/table.md"
