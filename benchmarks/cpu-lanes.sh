#!/usr/bin/env bash
# CPU-bound work in a lane nobody sized: the demo's /cpu?ms=20 (SHA-256 hashing, as much as one
# core does in 20 ms of CPU time; lane `cpu`) under `hey -c 200 -z 20s`, with lane `cpu` adaptive (CPU_LANE=adaptive, the demo's
# default) and fixed at 1, 2, 4, 8, 64 and 1024 (every configuration queues up to 4096, so they
# differ in their limit alone). MODES may add `adaptive+carrier`: the adaptive lane on a JVM given
# one carrier more than cores (-Djdk.virtualThreadScheduler.parallelism=cores+1), the workaround
# before compute mode (docs/adr/0011). During each flood a light probe (`hey -c 2 -q 50`, 100 req/s) hits
# /ping, a blocking handler in lane `endpoints`; its p99 is compared with the same probe on the
# same server before the flood. The cpu lane's limit is sampled every 100 ms from
# /get_available_threads for the convergence time. Writes the "cpu-lanes" section of RESULTS.md.
# Targets: adaptive throughput (200 OK per second) >= 0.9 x the best fixed; /ping p99 during the
# flood <= 2 x unloaded.
#
#   benchmarks/cpu-lanes.sh        # ~5 min; port 18030 (PORT) must be free
#   MODES="adaptive 2" benchmarks/cpu-lanes.sh    # a subset: the table in benchmarks/out only, RESULTS.md untouched
#   ANALYZE_ONLY=1 benchmarks/cpu-lanes.sh        # the tables again from the last run's raw files
set -euo pipefail
source "$(dirname "$0")/lib.sh"

PORT="${PORT:-18030}"
FULL_MODES=(adaptive 1 2 4 8 64 1024)
MODES=(${MODES:-${FULL_MODES[*]}})
full=1 # RESULTS.md gets only runs with every configuration (extra ones, e.g. adaptive+carrier, allowed)
for m in "${FULL_MODES[@]}"; do [[ " ${MODES[*]} " == *" $m "* ]] || full=0; done
FLOOD_S=20
MS=20
RUN="$OUT/cpu-lanes"
if [ "${ANALYZE_ONLY:-0}" != 1 ]; then
rm -rf "$RUN"; mkdir -p "$RUN"
ensure_jars
uptime_line >"$RUN/load-before.txt"
git -C "$ROOT" rev-parse --short HEAD >"$RUN/commit.txt"

# One work rate for every JVM: each one's calibration (hashes per ms of CPU time) on a busy machine
# differs by up to 2x, which would make requests per second incomparable. The first server
# calibrates; its rate is pinned (CPU_HASHES_PER_MS) for the rest. HASHES_PER_MS pins it up front.
HASHES_PER_MS="${HASHES_PER_MS:-0}"
for mode in "${MODES[@]}"; do
  echo "== cpu lane: $mode" >&2
  lane="$mode"; jvm=("${JAVA_OPTS[@]}")
  if [ "$mode" = adaptive+carrier ]; then
    lane=adaptive; jvm+=("-Djdk.virtualThreadScheduler.parallelism=$(( $(nproc) + 1 ))")
  fi
  start_server "lanes (CPU_LANE=$mode)" "$PORT" "$RUN/server-$mode.log" -- \
    env CPU_LANE="$lane" CPU_HASHES_PER_MS="$HASHES_PER_MS" PORT="$PORT" "$JAVA" "${jvm[@]}" -jar "$DEMO_JAR"
  base="http://127.0.0.1:$PORT"
  if [ "$HASHES_PER_MS" = 0 ]; then
    HASHES_PER_MS=$(curl -s "$base/cpu?ms=1000" | python3 -c 'import json, sys; print(round(json.load(sys.stdin)["hashes"] / 1000))')
  fi
  echo "$HASHES_PER_MS" >"$RUN/hashes-per-ms.txt"
  # Warm-up below the cores, so an adaptive lane has nothing to react to yet.
  timeout 60 hey -n 300 -c 2 "$base/cpu?ms=5" >/dev/null
  timeout 60 hey -n 2000 -c 2 "$base/ping" >/dev/null
  curl -s "$base/cpu?ms=$MS" >"$RUN/work-$mode.json" # the work per request, to check it is the same
  timeout 60 hey -z 5s -c 2 -q 50 -o csv "$base/ping" >"$RUN/ping-unloaded-$mode.csv"
  # The flood, the probe 1 s into it, and the limit sampler.
  (
    end=$(( $(date +%s) + FLOOD_S + 1 ))
    while [ "$(date +%s)" -lt "$end" ]; do
      printf '%s ' "$(date +%s.%N)"
      curl -s --max-time 1 "$base/get_available_threads" || true
      echo
      sleep 0.1
    done
  ) >"$RUN/limit-$mode.txt" 2>/dev/null &
  sampler=$!
  date +%s.%N >"$RUN/flood-start-$mode.txt"
  cpu_ticks "$SERVER_PID" >"$RUN/cpu-ticks-$mode.txt"
  timeout $((FLOOD_S + 40)) hey -z "${FLOOD_S}s" -c 200 -o csv "$base/cpu?ms=$MS" >"$RUN/flood-$mode.csv" &
  flood=$!
  sleep 1
  timeout $((FLOOD_S + 40)) hey -z "$((FLOOD_S - 2))s" -c 2 -q 50 -o csv "$base/ping" >"$RUN/ping-flood-$mode.csv" || true
  wait "$flood" || echo "flood hey exited $?" >&2
  wait "$sampler" || true
  cpu_ticks "$SERVER_PID" >>"$RUN/cpu-ticks-$mode.txt"
  stop_server "$SERVER_PID"
done
uptime_line >"$RUN/load-after.txt"
date -u '+%Y-%m-%d %H:%M:%S UTC' >"$RUN/date.txt"
fi

python3 - "$RUN" "$FLOOD_S" "$(nproc)" "${MODES[@]}" >"$RUN/table.md" <<'PY'
import csv, json, os, sys
run, flood_s, cores, modes = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]

def rows(name):
    path = os.path.join(run, name)
    return list(csv.DictReader(open(path))) if os.path.exists(path) else []

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] * 1000 if xs else float("nan")

def limits(mode):
    start = float(open(os.path.join(run, f"flood-start-{mode}.txt")).read())
    out = []
    for line in open(os.path.join(run, f"limit-{mode}.txt")):
        t, _, body = line.strip().partition(" ")
        try:
            out.append((float(t) - start, json.loads(body)["cpu"]["capacity"]))
        except (ValueError, KeyError):
            pass
    return out

def convergence(samples):
    """The band the limit kept over the last 10 s of the flood (its most frequent values: the
    ones seen in at least 5% of those samples), the seconds from the flood's start until it first
    entered that band, and the share of later samples outside it (probes)."""
    during = [(t, c) for t, c in samples if 0 <= t <= flood_s]
    tail = [c for t, c in during if t >= flood_s - 10]
    if not tail:
        return None, None, None, None
    common = [c for c in set(tail) if tail.count(c) >= 0.05 * len(tail)]
    lo, hi = min(common), max(common)
    first = next((t for t, c in during if lo <= c <= hi), None)
    after = [c for t, c in during if first is not None and t >= first]
    outside = sum(1 for c in after if not lo <= c <= hi) / len(after) if after else 0
    return first, lo, hi, outside

def cpu_ms(mode):
    """The server's CPU time (all its threads) over the flood, in ms; None if not recorded."""
    try:
        a, b = [int(float(x)) for x in open(os.path.join(run, f"cpu-ticks-{mode}.txt")).read().split()]
    except (OSError, ValueError):
        return None
    return (b - a) * 1000 / os.sysconf("SC_CLK_TCK")

res = {}
for m in modes:
    flood = rows(f"flood-{m}.csv")
    ok = [float(r["response-time"]) for r in flood if r["status-code"] == "200"]
    other = len(flood) - len(ok)
    un = [float(r["response-time"]) for r in rows(f"ping-unloaded-{m}.csv") if r["status-code"] == "200"]
    ping_rows = rows(f"ping-flood-{m}.csv")
    pf = [float(r["response-time"]) for r in ping_rows if r["status-code"] == "200"]
    res[m] = dict(rps=len(ok) / flood_s, p50=pct(ok, 50), p99=pct(ok, 99), other=other,
                  ping_un=pct(un, 99), ping_flood=pct(pf, 99), ping_n=len(pf),
                  ping_err=len(ping_rows) - len(pf), lim=limits(m), cpu=cpu_ms(m))
    conv = convergence(res[m]["lim"])
    res[m]["conv"] = conv
    if m.startswith("adaptive") and conv[0] is not None:
        after = [float(r["response-time"]) for r in ping_rows
                 if r["status-code"] == "200" and float(r["offset"]) + 1 >= conv[0]]
        res[m]["ping_after"] = pct(after, 99)

fixed = {m: r for m, r in res.items() if not m.startswith("adaptive")}
best = max(fixed.items(), key=lambda kv: kv[1]["rps"]) if fixed else None
print(f"`/cpu?ms=20` (hashing, lane `cpu`) under `hey -z {flood_s:.0f}s -c 200`; `/ping` (blocking, lane "
      f"`endpoints`) probed with `hey -c 2 -q 50` unloaded (5 s) and during the flood (from 1 s in, "
      f"{flood_s - 2:.0f} s). Throughput counts 200 OK only; server CPU per /cpu is the server process's CPU time over the flood (all threads, /ping included) per 200 OK. {cores} cores; the client runs on the same machine. "
      f"'none answered': not one /ping came back during the flood (the scheduler's carriers kept draining "
      f"the cpu lane's queue: docs/adr/0011). Compare rows of one run only: on a shared machine the "
      f"unloaded /ping p99 itself moves between runs.\n")
print("| cpu lane | /cpu 200 OK/s | vs best fixed | /cpu p50 ms | /cpu p99 ms | non-200 | /ping p99 unloaded ms | /ping p99 in flood ms | ratio | server CPU ms per /cpu | limit during flood |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
for m, r in res.items():
    vs = f"{r['rps'] / best[1]['rps']:.3f}" if best and best[1]["rps"] > 0 else "n/a"
    ratio = r["ping_flood"] / r["ping_un"] if r["ping_un"] > 0 else float("nan")
    conv, lo, hi, outside = r["conv"]
    lim = "fixed" if not m.startswith("adaptive") else (
        f"{lo}..{hi} from {conv:.1f} s; outside it {100 * outside:.0f}% of samples after"
        if conv is not None else "no samples")
    flood_cell = (f"{r['ping_flood']:.2f}" if r["ping_n"] else
                  f"none answered in {flood_s - 2:.0f} s ({r['ping_err']} failed)")
    ratio_cell = f"{ratio:.1f}" if r["ping_n"] else "-"
    n_ok = r["rps"] * flood_s
    cpu_cell = f"{r['cpu'] / n_ok:.1f}" if r["cpu"] is not None and n_ok else "-"
    print(f"| {m if m.startswith('adaptive') else 'fixed ' + m} | {r['rps']:.1f} | {vs} | {r['p50']:.0f} | "
          f"{r['p99']:.0f} | {r['other']} | {r['ping_un']:.2f} | {flood_cell} | {ratio_cell} | {cpu_cell} | {lim} |")
def work(m):
    path = os.path.join(run, f"work-{m}.json")
    try:
        return json.load(open(path))["hashes"]
    except (OSError, ValueError, KeyError):
        return "?"
rate = os.path.join(run, "hashes-per-ms.txt")
if os.path.exists(rate):
    print(f"\nWork per request pinned at {open(rate).read().strip()} hashes per ms (`CPU_HASHES_PER_MS`, the "
          f"first server's calibration) so that every JVM does the same: " +
          ", ".join(f"{m} {work(m)}" for m in res) + " hashes per `/cpu?ms=20`.")
for name in [m for m in res if m.startswith("adaptive")]:
    if not best:
        break
    a = res[name]
    tput = a["rps"] / best[1]["rps"] if best[1]["rps"] > 0 else 0
    ratio = a["ping_flood"] / a["ping_un"] if a["ping_un"] > 0 else float("nan")
    print(f"\n**{name}**: throughput / best fixed (fixed {best[0]}) = {tput:.3f} (target >= 0.9: "
          f"{'met' if tput >= 0.9 else '**not met**'}); /ping p99 in the flood / unloaded = {ratio:.1f} "
          f"(target <= 2: {'met' if ratio <= 2 else '**not met**'})"
          + (f"; after convergence {a['ping_after'] / a['ping_un']:.1f}x ({a['ping_after']:.2f} ms)" if "ping_after" in a else "")
          + ".")
    if a["conv"][0] is not None:
        print(f"Convergence: from 1024 into {a['conv'][1]}..{a['conv'][2]} (the values it kept over the "
              f"last 10 s) {a['conv'][0]:.1f} s after the flood began; {100 * a['conv'][3]:.0f}% of the "
              f"later samples (every ~100 ms) were outside it: probes.")
    trace = ", ".join(f"{t:.1f}s:{c}" for t, c in a["lim"] if 0 <= t <= 3)
    print(f"First 3 s of the limit: {trace}")
PY
{
  echo "## CPU-bound work in an adaptive lane vs fixed sizes (\`benchmarks/cpu-lanes.sh\`)"
  echo
  if [ "$full" = 0 ]; then echo "_A subset of the configurations: ${MODES[*]}._"; echo; fi
  machine_md | sed -e "s/^- date: .*/- date: $(cat "$RUN/date.txt")/" -e "s/^- commit: .*/- commit: $(cat "$RUN/commit.txt")/"
  echo "- load before: $(cat "$RUN/load-before.txt")"
  echo "- load after: $(cat "$RUN/load-after.txt")"
  echo
  cat "$RUN/table.md"
} >"$RUN/section.md"
cat "$RUN/section.md"
if [ "$full" = 1 ]; then
  replace_section cpu-lanes "$RUN/section.md"
else
  echo "a subset of the configurations: RESULTS.md left as it was ($RUN/section.md)" >&2
fi
