#!/usr/bin/env bash
# Side-by-side whole-node benchmark: Kamailio (bench/kamailio/echo.cfg) vs sipfleet's
# echo node, both answering OPTIONS and REGISTER statelessly with 200 OK.
#
#   bench/sipp/compare-echo.sh
#
# Starts Kamailio on 127.0.0.10:5060 and `./sipfleet node --role echo --listen
# 127.0.0.11:5060` (skipped with a message when that subcommand does not exist yet),
# runs rate-ladder.sh for OPTIONS then REGISTER against each, one after the other,
# and prints the ratios: highest held rate (echo / Kamailio: higher is better) and
# server CPU µs per operation at a rate both hold (echo / Kamailio: lower is better).
# Everything is on loopback, every step is bounded in time, and whatever this script
# started is stopped on exit.
#
# Environment (defaults in brackets):
#   RATES         ladder rates ["2000 5000 10000 20000 40000 60000 80000"]
#   STEP_SECONDS  seconds per step [5]; a full run is ~4-5 minutes with the defaults
#   CPU_RATE      fixed rate for the CPU µs/op comparison [5000]
#   WARMUP        RATE:SECONDS of unrecorded traffic before each ladder [5000:5], so a
#                 JIT-compiled server is measured warm (same treatment for both); "" = none
#   TRANSPORT     u1 (UDP) or t1 (TCP) [u1]
#   SCENARIOS     ["options register"]
#   ECHO_CMD      command that runs the echo node in the foreground on 127.0.0.11:5060
#                 [./sipfleet node --role echo --listen 127.0.0.11:5060]
#   OUT_DIR       results directory [bench/out/compare-<time>]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

kam_addr="127.0.0.10:5060"
echo_addr="127.0.0.11:5060"
rates="${RATES:-2000 5000 10000 20000 40000 60000 80000}"
step_seconds="${STEP_SECONDS:-5}"
cpu_rate="${CPU_RATE:-5000}"
transport="${TRANSPORT:-u1}"
warmup="${WARMUP-5000:5}"
scenarios="${SCENARIOS:-options register}"
echo_cmd="${ECHO_CMD:-$root/sipfleet node --role echo --listen $echo_addr}"
out_dir="${OUT_DIR:-$root/bench/out/compare-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out_dir"
out_dir="$(cd "$out_dir" && pwd)"
tsv="$out_dir/results.tsv"
rm -f "$tsv"

for tool in sipp kamailio; do
  command -v "$tool" >/dev/null 2>&1 || { echo "compare-echo: $tool not found (apt-get install -y sip-tester kamailio)" >&2; exit 2; }
done

log() { echo "compare-echo: $*" >&2; }

# --- stop what we started, whatever happens -------------------------------------------
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$p" 2>/dev/null || break; sleep 0.3; done
    kill -9 "$p" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# One OPTIONS; succeeds when ADDR:PORT answers 200 within 2 s.
probe() {
  (cd "$out_dir" && sipp -sf "$here/options-uac.xml" -t u1 -i 127.0.0.1 -m 1 \
     -timeout 2s -timeout_error -nostdin "$1" >/dev/null 2>&1)
}

# Wait until pid $1 answers on $2, at most $3 seconds. Fails if the process exits.
wait_ready() {
  local pid="$1" addr="$2" seconds="$3" start; start="$(date +%s)"
  while [ $(( $(date +%s) - start )) -lt "$seconds" ]; do
    kill -0 "$pid" 2>/dev/null || return 1
    probe "$addr" && return 0
    sleep 0.5
  done
  return 1
}

# --- Kamailio -----------------------------------------------------------------------------
kam_dir="$out_dir/kamailio-run"; mkdir -p "$kam_dir"
"$root/bench/kamailio/run-echo.sh" "$kam_addr" "$kam_dir" >"$out_dir/kamailio.log" 2>&1 &
kam_pid=$!; pids+=("$kam_pid")
if ! wait_ready "$kam_pid" "$kam_addr" 15; then
  log "Kamailio did not answer on $kam_addr; its log:"; cat "$out_dir/kamailio.log" >&2; exit 1
fi
log "Kamailio $(kamailio -v | sed -n 's/^version: kamailio \([^ ]*\).*/\1/p') ready on $kam_addr (pid $kam_pid)"

# --- sipfleet echo node ---------------------------------------------------------------------
# The launcher may build first, hence the long wait. It execs java, so $! is the JVM.
echo_pid=""
log "starting: $echo_cmd"
# shellcheck disable=SC2086 # ECHO_CMD is a command line
(cd "$root" && exec $echo_cmd) >"$out_dir/echo-node.log" 2>&1 &
candidate=$!; pids+=("$candidate")
if wait_ready "$candidate" "$echo_addr" 120; then
  echo_pid="$candidate"
  log "echo node ready on $echo_addr (pid $echo_pid)"
else
  log "SKIPPING the sipfleet echo node: it did not answer OPTIONS on $echo_addr"
  log "(the 'node --role echo' subcommand may not exist yet); its output:"
  sed 's/^/    /' "$out_dir/echo-node.log" | tail -n 20 >&2
  kill "$candidate" 2>/dev/null || true
fi

# --- the ladders ------------------------------------------------------------------------------
ladder() {  # label pid addr scenario
  echo
  echo "== $1 $4 ($transport) =="
  if [ -n "$warmup" ]; then
    LABEL="$1" SERVER_PID="$2" STEP_SECONDS="${warmup#*:}" OUT_DIR="$out_dir/warmup" STOP_ON_FAIL=0 PAUSE=1 \
      "$here/rate-ladder.sh" "$3" "$transport" "$4" "${warmup%%:*}" >"$out_dir/warmup-$1-$4.txt" 2>&1 || true
    echo "(warm-up: ${warmup#*:} s at ${warmup%%:*}/s, not recorded: $out_dir/warmup-$1-$4.txt)"
  fi
  # shellcheck disable=SC2086 # rates is a list
  LABEL="$1" SERVER_PID="$2" STEP_SECONDS="$step_seconds" OUT_DIR="$out_dir" TSV="$tsv" \
    "$here/rate-ladder.sh" "$3" "$transport" "$4" $rates || echo "(ladder stopped with an error, see above)"
}
for scenario in $scenarios; do
  ladder kamailio "$kam_pid" "$kam_addr" "$scenario"
  if [ -n "$echo_pid" ]; then ladder sipfleet "$echo_pid" "$echo_addr" "$scenario"; fi
done

# --- summary ------------------------------------------------------------------------------------
echo
echo "== summary ($transport, steps of ${step_seconds}s; ladder: $rates) =="
awk -F'\t' -v cpu_rate="$cpu_rate" -v scenarios="$scenarios" '
  NR == 1 { next }
  {
    key = $1 SUBSEP $2
    if ($10 == "yes") {
      if ($4 + 0 > best[key] + 0) best[key] = $4
      cpu[key, $4] = $11
      held[key, $4] = 1
    }
    seen[$1] = 1
  }
  function ratio(a, b) { return (a == "" || b == "" || a == "-" || b == "-" || b + 0 == 0) ? "n/a" : sprintf("%.2f", a / b) }
  END {
    n = split(scenarios, sc, " ")
    printf "%-9s %-9s %14s %16s\n", "scenario", "server", "max held /s", "cpu us/op @" cpu_rate
    for (i = 1; i <= n; i++) {
      s = sc[i]
      for (j = 1; j <= 2; j++) {
        srv = (j == 1) ? "kamailio" : "sipfleet"
        if (!(srv in seen)) continue
        k = srv SUBSEP s
        printf "%-9s %-9s %14s %16s\n", s, srv, (k in best) ? best[k] : "none", ((k, cpu_rate) in cpu) ? cpu[k, cpu_rate] : "n/a"
      }
      ks = "sipfleet" SUBSEP s; kk = "kamailio" SUBSEP s
      if (("sipfleet" in seen) && ("kamailio" in seen)) {
        # highest rate both held, for a second CPU comparison
        common = ""
        for (hk in held) { split(hk, p, SUBSEP); if (p[1] == "kamailio" && p[2] == s && (("sipfleet", s, p[3]) in held) && p[3] + 0 > common + 0) common = p[3] }
        printf "%-9s ratio sipfleet/kamailio: max held rate %s (higher is better), cpu us/op @%s %s", s, ratio(best[ks], best[kk]), cpu_rate, ratio(cpu[ks, cpu_rate], cpu[kk, cpu_rate])
        if (common != "" && common != cpu_rate) printf ", @%s %s", common, ratio(cpu[ks, common], cpu[kk, common])
        printf " (lower is better)\n"
      }
    }
    if (!("sipfleet" in seen)) print "(sipfleet echo node not available: Kamailio figures only, no ratios)"
  }' "$tsv"
echo "results: $tsv"
