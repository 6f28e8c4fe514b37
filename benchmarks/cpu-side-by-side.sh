#!/usr/bin/env bash
# CPU per request of two servers measured at the same time, for A/B checks of small changes. Both
# servers are pinned to core 0 and each is loaded by its own `wrk -t1 -c32` on core 1, started
# together: whatever the host does to the VM during a round hits both alike, where rounds measured
# one after the other (cpu-per-request.sh) move 10-20% on this machine. Reports, per round and path,
# each server's CPU us/request (utime+stime from /proc over the round / requests served) and the
# B/A ratio; then the median ratio. The same jar against itself gives a median of 1.00-1.02 (B, loaded
# second, pays a little more), so read B/A against that. Prints; writes nothing to RESULTS.md.
#
#   benchmarks/cpu-side-by-side.sh A B [ROUNDS] [PATH...]   # A, B: a demo jar or a benchmark class
#   benchmarks/cpu-side-by-side.sh /tmp/old.jar examples/target/examples.jar 5 /plaintext /json
#   B_ENV=METRICS=off benchmarks/cpu-side-by-side.sh examples/target/examples.jar examples/target/examples.jar
#   B_OPTS=-Dio.netty.allocator.type=pooled ...            # JVM options for B (A_OPTS for A)
#   CLOSE=1 ...                                            # a new connection per request
#   HEADERS=1 ...                                          # a browser's request headers, not wrk's one
#   WARMUP=6 ...                                           # warm-up runs of 5 s per path before the rounds (default 6)
# Ports 18101 and 18102; ~20 s per round and path after the warm-up. The warm-up is long enough for
# each server's first ~15 young collections: until they tenure it, each one copies the live set the
# server built at start (the demo's 4.8 MB: 6.7 ms a collection, 0.8 ms after). It is several
# runs, each on new connections as every round is: code compiled while 32 connections only ever
# read is thrown away ("uncommon trap") when new ones are accepted, and compiled again. Both are
# start-up costs, not the steady state's cost per request.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] || { sed -n '2,22p' "$0" >&2; exit 2; }
A="$1"; B="$2"; ROUNDS="${3:-5}"; shift $(( $# >= 3 ? 3 : 2 ))
PATHS=("$@"); [ ${#PATHS[@]} -gt 0 ] || PATHS=(/plaintext /json)
CLK_TCK="$(getconf CLK_TCK)"
ensure_jars

# launch SERVER PORT OPTS ENV: a jar runs as the demo (PORT/HOST from the environment), else a
# benchmark class taking its port as argument.
launch() {
  local server="$1" port="$2" opts="$3" env="$4" cmd
  if [[ "$server" == *.jar ]]; then
    cmd=(env PORT="$port" HOST=127.0.0.1 $env taskset -c 0 "$JAVA" "${JAVA_OPTS[@]}" $opts -jar "$server")
  else
    cmd=(env $env taskset -c 0 "$JAVA" "${JAVA_OPTS[@]}" $opts -cp "$BENCH_JAR" "$server" "$port")
  fi
  start_server "$(basename "$server")" "$port" "$OUT/side-by-side-$port.log" -- "${cmd[@]}"
}
launch "$A" 18101 "${A_OPTS:-}" "${A_ENV:-}"; PA=$SERVER_PID
launch "$B" 18102 "${B_OPTS:-}" "${B_ENV:-}"; PB=$SERVER_PID

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
requests() { awk '/ requests in / { print $1 }' "$1"; }
# wrk drops a header without a space after its colon, so the close header is passed whole.
WRK=(wrk -t1 -c32); [ -z "${CLOSE:-}" ] || WRK+=(-H "Connection: close")
# What a browser sends beside Host (no Accept-Encoding, so nothing is compressed): 8 more header lines.
[ -z "${HEADERS:-}" ] || WRK+=(-H "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
  -H "Accept: application/json,text/plain,*/*" -H "Accept-Language: en-US,en;q=0.5"
  -H "Referer: http://127.0.0.1/app/index.html" -H "Cookie: session=6f1c2a9e4b7d8c3f; theme=dark"
  -H "Sec-Fetch-Dest: empty" -H "Sec-Fetch-Mode: cors" -H "Sec-Fetch-Site: same-origin")
both() { # both DURATION PATH: wrk on each server at once
  timeout 60 taskset -c 1 "${WRK[@]}" -d"$1" "http://127.0.0.1:18101$2" >"$OUT/side-a.txt" 2>&1 &
  local wa=$!
  timeout 60 taskset -c 1 "${WRK[@]}" -d"$1" "http://127.0.0.1:18102$2" >"$OUT/side-b.txt" 2>&1
  wait "$wa"
}
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

for _ in $(seq 1 "${WARMUP:-6}"); do for p in "${PATHS[@]}"; do both 5s "$p"; done; done # see above
declare -A RATIOS
for r in $(seq 1 "$ROUNDS"); do
  for p in "${PATHS[@]}"; do
    a0=$(ticks "$PA"); b0=$(ticks "$PB")
    both 8s "$p"
    a1=$(ticks "$PA"); b1=$(ticks "$PB")
    na=$(requests "$OUT/side-a.txt"); nb=$(requests "$OUT/side-b.txt")
    line=$(awk -v a=$((a1 - a0)) -v b=$((b1 - b0)) -v na="$na" -v nb="$nb" -v hz="$CLK_TCK" 'BEGIN {
      ua = a * 1e6 / hz / na; ub = b * 1e6 / hz / nb
      printf "A %.3f us/req (%d req)  B %.3f us/req (%d req)  B/A %.3f", ua, na, ub, nb, ub / ua }')
    echo "round $r $p: $line"
    RATIOS[$p]="${RATIOS[$p]:-} ${line##* }"
  done
done
for p in "${PATHS[@]}"; do
  echo "median B/A $p: $(tr ' ' '\n' <<<"${RATIOS[$p]}" | grep -v '^$' | median) (rounds:${RATIOS[$p]})"
done
