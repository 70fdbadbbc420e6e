#!/usr/bin/env bash
# Where each server's CPU goes, side by side: runs compare-switch.sh (both servers, one scenario,
# one rate) and records each server's step with `perf record -g` (20 s at 1 999 Hz; Kamailio: all
# its processes; sipfleet: the JVM, with -XX:+PreserveFramePointer so Java frames unwind and a perf
# map written by `jcmd Compiler.perfmap` at the end of the recording so they have names). Then
# prints per server the share of samples in the kernel and in user code (by DSO) and the kernel's
# top symbols.
#
#   bench/sipp/profile-switch.sh                     # REGISTER at 12 000 pairs/s
#   SCENARIO=call RATE=2000 bench/sipp/profile-switch.sh
#
# perf's own cost raises both servers' CPU (REGISTER in RESULTS.md's switch run 31: Kamailio +48 %,
# sipfleet +17 %), most where a server switches context often (perf's hooks run at every switch and
# land in finish_task_switch): read its shares, and the direction with /proc figures from a run
# without perf; not the CPU per operation of this run. Needs root (perf on other processes)
# and linux-perf; compare-switch.sh's own needs (SIPp, Kamailio, cgroup for the quota) apply.
#
# Environment (defaults in brackets):
#   SCENARIO          register or call [register]
#   RATE              the one step's rate [12000 for register, 2000 for call]
#   SERVER_CPU_QUOTA  as compare-switch.sh [50]
#   OUT_DIR           results [bench/out/profile-<time>]; perf data in OUT_DIR/<server>.data
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
scenario="${SCENARIO:-register}"
case "$scenario" in
  register) rate="${RATE:-12000}"; warm="REG_WARMUP=8000:30"; rates="REG_RATES=$rate REG_CPU_RATE=$rate" ;;
  call) rate="${RATE:-2000}"; warm="CALL_WARMUP=2000:60"; rates="CALL_RATES=$rate CALL_CPU_RATE=$rate" ;;
  *) echo "profile-switch: SCENARIO must be register or call, not '$scenario'" >&2; exit 2 ;;
esac
command -v perf >/dev/null || { echo "profile-switch: needs perf (apt-get install -y linux-perf)" >&2; exit 2; }
out="${OUT_DIR:-$root/bench/out/profile-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
log="$out/compare.log"

# shellcheck disable=SC2086 # the assignments above are words on purpose
env SERVERS="kamailio sipfleet" SCENARIOS="$scenario" $rates $warm STEP_SECONDS=30 \
  SERVER_CPU_QUOTA="${SERVER_CPU_QUOTA:-50}" THREAD_TICKS=1 \
  SIPFLEET_JAVA_OPTS="${SIPFLEET_JAVA_OPTS:-} -XX:+UnlockDiagnosticVMOptions -XX:+PreserveFramePointer" \
  OUT_DIR="$out/run" "$here/compare-switch.sh" > "$log" 2>&1 &
bench=$!
trap 'kill "$bench" 2>/dev/null || true' EXIT

for server in kamailio sipfleet; do
  # The step starts right after its table header, which follows the unrecorded warm-up.
  deadline=$((SECONDS + 900))
  until awk -v s="$server" '$0 ~ "^== " s " " {f = 1} f && /^server +scenario/ {ok = 1} END {exit !ok}' "$log"; do
    kill -0 "$bench" 2>/dev/null || { echo "profile-switch: compare-switch.sh ended early, see $log" >&2; exit 1; }
    [ "$SECONDS" -lt "$deadline" ] || { echo "profile-switch: no $server step within 15 min, see $log" >&2; exit 1; }
    sleep 1
  done
  sleep 5
  if [ "$server" = kamailio ]; then pids="$(pgrep -d, -x kamailio)"; else pids="$(pgrep -f 'role switch' | head -1)"; fi
  perf record -F 1999 -g -p "$pids" -o "$out/$server.data" -- sleep 20 > "$out/$server.perf.log" 2>&1
  if [ "$server" = sipfleet ]; then
    java_bin="$(readlink -f "/proc/$pids/exe")"
    "$(dirname "$java_bin")/jcmd" "$pids" Compiler.perfmap > /dev/null 2>&1 || echo "profile-switch: no perf map (Java frames unnamed)" >&2
  fi
done
wait "$bench" || true
trap - EXIT

grep -E "^(kamailio|sipfleet) " "$log" || true
for server in kamailio sipfleet; do
  echo "== $server: samples by DSO (kernel = [kernel.kallsyms])"
  # (|| true: head closing the pipe early is no failure)
  perf report -i "$out/$server.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep '%' | head -8 || true
  echo "-- $server: top kernel symbols"
  perf report -i "$out/$server.data" --no-children --sort sym --stdio -g none 2>/dev/null | grep '\[k\]' | head -8 || true
done
echo "perf data: $out/kamailio.data, $out/sipfleet.data (perf report -i ... --children for call trees)"
