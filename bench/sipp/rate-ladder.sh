#!/usr/bin/env bash
# SIPp rate ladder: runs one SIPp scenario against a SIP server at rising rates and
# says, per step, whether the server "held" the rate.
#
#   bench/sipp/rate-ladder.sh TARGET_ADDR:PORT [u1|t1] [options|register|FILE.xml] [rates...]
#
#   defaults: transport u1 (UDP, one socket), scenario options, rates 2000 5000 10000 20000 40000
#
# Each step sends rate*STEP_SECONDS calls (one request + its 200 each) at `rate` calls/s,
# bounded by SIPp's -timeout. A step HOLDS when fewer than 0.1% of the calls did not end
# in a 200 (failed or unanswered), retransmissions are under 0.1% of the calls, and the
# achieved rate is at least 95% of the target (SIPp could not keep up otherwise).
#
# Environment:
#   SERVER_PID     pid of the server: its CPU time (utime+stime of the process, all its
#                  threads, and all its descendant processes, e.g. Kamailio's workers)
#                  is read from /proc before and after each step -> CPU µs per operation
#   LABEL          name of the server in the output (default: the target)
#   STEP_SECONDS   seconds per step at the target rate (default 20)
#   STEP_TIMEOUT   SIPp -timeout per step, seconds (default 40, or twice STEP_SECONDS when longer)
#   STOP_ON_FAIL   1 (default): stop after the first step that does not hold
#   PAUSE          seconds between steps (default 2)
#   SIPP_LOCAL_IP  address SIPp binds (default 127.0.0.1)
#   OUT_DIR        where SIPp's stat/screen files go (default bench/out/ladder-<time>)
#   TSV            machine-readable results, appended (default $OUT_DIR/results.tsv)
#   SIPP_ARGS      extra SIPp options for the client, word-split (e.g. "-inf users.csv
#                  -auth_uri sipfleet.local" for the switch scenarios in switch/)
#   TAIL_SECONDS   seconds each call lasts after the server's last answer SIPp waits for
#                  (e.g. the hold time of a call scenario, -d): left out of the elapsed
#                  time the achieved rate is computed over (default 0)
#   UAS_SF         a callee scenario: then every step also runs a SIPp UAS with it, on
#                  UAS_ADDR (IP:PORT, required) with UAS_ARGS (extra options), started
#                  before the client and stopped after it; its retransmissions are added
#                  to the step's, its failed calls to the failed ones, its CPU to sipp%
#   QUIET_OTHER    before each step, wait until the rest of the machine uses at most this
#                  % of one core (2 s samples), at most QUIET_WAIT seconds (default 120)
#   RERUN_OTHER    a step during which the rest of the machine used more than this % of
#                  one core is shown as "dist" (disturbed; TSV held=dist, ignored by the
#                  summaries) and run again, at most RERUNS more times (default 2)
#
# Output: one table line per step on stdout; the same as TSV in $TSV. Columns:
#   ok / failed / retrans   calls that got their 200 / did not / SIPp retransmissions
#   achieved   calls per second SIPp actually completed (successful / elapsed)
#   cpu_us/op  server CPU time per successful call (needs SERVER_PID); /proc/PID/stat
#              counts in clock ticks (10 ms), so short steps at low rates are coarse
#   srv% sipp% other%   CPU use during the step, in % of one core, of the server, of
#              SIPp and of everything else on the machine (high other% = disturbed step)
#   rtt_ms     SIPp's mean response time (its resolution is 1 ms)
#   (always)       STEP_DIR/cpu-split.txt: the server's CPU per operation split into user and
#                  system (kernel) time, from the same /proc counters
#   THREAD_TICKS   1: also write the server's CPU per thread group during each step to
#                  STEP_DIR/threads.txt (threads of SERVER_PID by name, digits folded:
#                  event loops, GC, JIT, timers), the first question when a step fails
#   drops      UDP datagrams dropped on full socket receive buffers during the step,
#              machine-wide (RcvbufErrors in /proc/net/snmp): a server that stalled
# Needs Linux (/proc) and SIPp 3.6 (Debian: apt-get install sip-tester).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
usage() { sed -n '2,51p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

target="${1:-}"; [ -n "$target" ] || usage
case "$target" in -h|--help) usage ;; esac
shift
transport="${1:-u1}"; [ $# -gt 0 ] && shift
case "$transport" in u1|t1) ;; *) echo "rate-ladder: transport must be u1 or t1, got '$transport'" >&2; exit 2 ;; esac
scenario="${1:-options}"; [ $# -gt 0 ] && shift
case "$scenario" in
  options)  scenario_file="$here/options-uac.xml" ;;
  register) scenario_file="$here/register-uac.xml" ;;
  *)        scenario_file="$scenario"; scenario="$(basename "$scenario" .xml)" ;;
esac
[ -f "$scenario_file" ] || { echo "rate-ladder: no scenario file $scenario_file" >&2; exit 2; }
scenario_file="$(cd "$(dirname "$scenario_file")" && pwd)/$(basename "$scenario_file")"  # SIPp runs in the step's dir
rates=("$@"); [ ${#rates[@]} -gt 0 ] || rates=(2000 5000 10000 20000 40000)
quiet_other="${QUIET_OTHER:-}"
quiet_wait="${QUIET_WAIT:-120}"
rerun_other="${RERUN_OTHER:-}"
reruns="${RERUNS:-2}"
read -r -a sipp_args <<<"${SIPP_ARGS:-}"
tail_seconds="${TAIL_SECONDS:-0}"
uas_sf="${UAS_SF:-}"
uas_addr="${UAS_ADDR:-}"
read -r -a uas_args <<<"${UAS_ARGS:-}"
if [ -n "$uas_sf" ]; then
  [ -f "$uas_sf" ] || { echo "rate-ladder: no UAS scenario file $uas_sf" >&2; exit 2; }
  case "$uas_addr" in *:*) ;; *) echo "rate-ladder: UAS_SF needs UAS_ADDR=IP:PORT" >&2; exit 2 ;; esac
  uas_sf="$(cd "$(dirname "$uas_sf")" && pwd)/$(basename "$uas_sf")"
fi

command -v sipp >/dev/null 2>&1 || { echo "rate-ladder: sipp not found (apt-get install -y sip-tester)" >&2; exit 2; }

label="${LABEL:-$target}"
step_seconds="${STEP_SECONDS:-20}"
# SIPp's -timeout must outlast the step: a 60 s step under the old fixed 40 s default ended after
# 40 s of calls and counted the third never sent as failed.
step_timeout="${STEP_TIMEOUT:-$(( step_seconds * 2 > 40 ? step_seconds * 2 : 40 ))}"
stop_on_fail="${STOP_ON_FAIL:-1}"
pause="${PAUSE:-2}"
local_ip="${SIPP_LOCAL_IP:-127.0.0.1}"
out_dir="${OUT_DIR:-$here/../out/ladder-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out_dir"
out_dir="$(cd "$out_dir" && pwd)"
tsv="${TSV:-$out_dir/results.tsv}"
server_pid="${SERVER_PID:-}"
if [ -n "$server_pid" ] && [ ! -r "/proc/$server_pid/stat" ]; then
  echo "rate-ladder: SERVER_PID=$server_pid is not running" >&2; exit 2
fi
clk_tck="$(getconf CLK_TCK)"

# Never leave a SIPp behind (it runs detached with -bg), and never die silently.
sipp_pid=""; uas_pid=""
trap '[ -n "$sipp_pid" ] && kill "$sipp_pid" 2>/dev/null; [ -n "$uas_pid" ] && kill "$uas_pid" 2>/dev/null; true' EXIT
trap 'echo "rate-ladder: failed at line $LINENO" >&2' ERR

# CPU ticks (utime+stime) of process $1 plus all its descendants (split_ticks_tree, summed).
cpu_ticks_tree() { split_ticks_tree "$1" | awk '{ print $1 + $2 }'; }

# "utime stime" ticks of process $1 plus all its descendants: /proc/PID/stat sums the threads of a
# process; children are separate processes, so walk the ppid links. stime is the kernel's share
# (system calls; softirq time is accounted apart when the kernel does IRQ time accounting).
split_ticks_tree() {
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v root="$1" '
    {
      pid = $1
      rest = substr($0, index($0, ") ") + 2)
      split(rest, f, " ")
      ppid[pid] = f[2]; ut[pid] = f[12]; st[pid] = f[13]
    }
    END {
      u = 0; s = 0
      for (p in ut) {
        q = p
        for (depth = 0; depth < 64 && q != "" && q > 0; depth++) {
          if (q == root) { u += ut[p]; s += st[p]; break }
          q = ppid[q]
        }
      }
      print u, s
    }'
}

# "name ticks" per thread of process $1 (/proc/PID/task/*/stat), digits of names folded to #.
thread_ticks() {
  { cat /proc/"$1"/task/[0-9]*/stat 2>/dev/null || true; } | awk '
    {
      name = substr($0, index($0, "(") + 1); name = substr(name, 1, index(name, ") ") - 1)
      rest = substr($0, index($0, ") ") + 2); split(rest, f, " ")
      gsub(/[0-9]+/, "#", name); gsub(/ /, "_", name)
      t[name] += f[12] + f[13]
    }
    END { for (n in t) print n, t[n] }'
}

# Busy CPU ticks of the whole machine (all cores): user nice system irq softirq steal.
# What is neither the server nor SIPp is "other" load, which disturbs the step.
cpu_ticks_machine() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }

# UDP datagrams the kernel dropped because a socket's receive buffer was full, machine-wide
# (RcvbufErrors of /proc/net/snmp): a server that stalls (GC pause, busy loop) shows here.
udp_rcvbuf_errors() {
  awk '$1 == "Udp:" { if (!n) { for (i = 2; i <= NF; i++) col[$i] = i; n = 1; next } print $col["RcvbufErrors"]; exit }' /proc/net/snmp
}

# CPU ticks of a single process (SIPp), empty when gone.
cpu_ticks_one() {
  local s
  s="$(cat "/proc/$1/stat" 2>/dev/null)" || return 0
  s="${s##*) }"
  awk '{ print $12 + $13 }' <<<"$s"
}

# Field $2 (by header name) of the last line of SIPp's ;-separated stat file $1.
stat_field() {
  awk -F';' -v name="$2" '
    NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) col = i; next }
    { last = $col }
    END { print last }' "$1"
}

# SIPp times look like "2026-11-25<TAB>06:17:49.061726<TAB>1795587469.061726": epoch seconds.
epoch_of() { awk -F'\t' '{ print $NF }' <<<"$1"; }

# "HH:MM:SS:micros" -> milliseconds
hms_to_ms() { awk -F: '{ printf "%.3f", ($1 * 3600 + $2 * 60 + $3) * 1000 + $4 / 1000 }' <<<"$1"; }

header="server	scenario	transport	rate	calls	successful	failed	retrans	achieved_per_s	held	cpu_us_per_op	server_cpu_pct	sipp_cpu_pct	other_cpu_pct	rtt_avg_ms	uas_retrans	uas_failed	udp_drops"
[ -s "$tsv" ] || echo "$header" >"$tsv"

printf '%-10s %-9s %-3s %6s %7s %7s %7s %7s %8s %-4s %9s %5s %5s %6s %6s %6s\n' \
  server scenario tr rate calls ok failed retrans achieved held "cpu_us/op" "srv%" "sipp%" "other%" "rtt_ms" drops

# Busy CPU of the machine that is neither the server nor anything of ours, in % of one
# core, over $1 seconds (no SIPp runs meanwhile).
other_load() {
  local m0 m1 c0="" c1="" t0 t1
  m0="$(cpu_ticks_machine)"; [ -n "$server_pid" ] && c0="$(cpu_ticks_tree "$server_pid")"; t0="$EPOCHREALTIME"
  sleep "$1"
  m1="$(cpu_ticks_machine)"; [ -n "$server_pid" ] && c1="$(cpu_ticks_tree "$server_pid")"; t1="$EPOCHREALTIME"
  awk -v m0="$m0" -v m1="$m1" -v c0="$c0" -v c1="$c1" -v t0="$t0" -v t1="$t1" -v hz="$clk_tck" \
    'BEGIN { o = (m1 - m0) - ((c0 == "") ? 0 : c1 - c0); if (o < 0) o = 0; printf "%.0f\n", o / hz / (t1 - t0) * 100 }'
}

# With QUIET_OTHER: wait (at most QUIET_WAIT seconds) until the rest of the machine is quiet.
wait_quiet() {
  [ -n "$quiet_other" ] || return 0
  local start load; start="$(date +%s)"
  while :; do
    load="$(other_load 2)"
    [ "$load" -le "$quiet_other" ] && return 0
    if [ $(( $(date +%s) - start )) -ge "$quiet_wait" ]; then
      echo "rate-ladder: other load still ${load}% after ${quiet_wait}s; running the step anyway" >&2
      return 0
    fi
  done
}

# One step at $1 calls/s (attempt $2): runs SIPp, sets calls ok failed retrans achieved held
# cpu_us srv_pct sipp_pct other_pct rtt uas_retrans uas_failed.
measure_step() {
  local rate="$1" attempt="$2"
  calls=$((rate * step_seconds))
  step_dir="$out_dir/$label-$scenario-$transport-$rate"
  [ "$attempt" -gt 1 ] && step_dir="$step_dir-try$attempt"
  step_dir="${step_dir//[: ]/_}"
  mkdir -p "$step_dir"
  rm -f "$step_dir"/*

  # The callee, when the scenario has one: a fresh SIPp UAS per step on the same address
  # (the address it registered from), so its statistics are this step's alone.
  if [ -n "$uas_sf" ]; then
    (cd "$step_dir" && sipp -sf "$uas_sf" -t "$transport" -i "${uas_addr%:*}" -p "${uas_addr##*:}" \
        "${uas_args[@]}" -buff_size 4194304 -trace_stat -stf "$step_dir/uas-stat.csv" -fd 1 \
        -trace_err -bg >"$step_dir/uas.out" 2>&1) || true
    uas_pid="$(sed -n 's/.*PID=\[\([0-9]*\)\].*/\1/p' "$step_dir/uas.out" | head -n 1)"
    if [ -z "$uas_pid" ]; then
      echo "rate-ladder: the SIPp UAS did not start; see $step_dir/uas.out:" >&2
      cat "$step_dir/uas.out" >&2
      exit 1
    fi
    sleep 0.3
  fi

  cpu0=""; [ -n "$server_pid" ] && cpu0="$(cpu_ticks_tree "$server_pid")"
  split0=""; [ -n "$server_pid" ] && split0="$(split_ticks_tree "$server_pid")"
  threads0=""; [ -n "$server_pid" ] && [ "${THREAD_TICKS:-}" = 1 ] && threads0="$(thread_ticks "$server_pid")"
  m0="$(cpu_ticks_machine)"
  d0="$(udp_rcvbuf_errors)"
  t0="$EPOCHREALTIME"

  # -bg: SIPp forks into the background and prints its pid; no screen is drawn, so
  # SIPp spends its core on traffic. -default_behaviors all,-bye: a failed call is
  # just counted, nothing is sent to clean it up (these scenarios have no dialog).
  # -buff_size: 4 MB socket buffers, so SIPp's own buffers do not drop at high rates.
  (cd "$step_dir" && sipp -sf "$scenario_file" -t "$transport" -i "$local_ip" \
      -r "$rate" -rp 1000 -m "$calls" -l "$((rate * 10))" -timeout "${step_timeout}s" \
      -default_behaviors all,-bye -buff_size 4194304 "${sipp_args[@]}" \
      -trace_stat -stf "$step_dir/stat.csv" -fd 1 -trace_screen -trace_err \
      -bg "$target" >"$step_dir/sipp.out" 2>&1) || true
  sipp_pid="$(sed -n 's/.*PID=\[\([0-9]*\)\].*/\1/p' "$step_dir/sipp.out" | head -n 1)"
  if [ -z "$sipp_pid" ]; then
    echo "rate-ladder: SIPp did not start; see $step_dir/sipp.out:" >&2
    cat "$step_dir/sipp.out" >&2
    exit 1
  fi

  # Wait for SIPp, sampling its CPU time while it runs (it is not our child, so this
  # is the only way to see it). Hard stop well after SIPp's own -timeout.
  sipp_ticks=0; uas_ticks=0
  deadline=$(( $(date +%s) + step_timeout + 20 ))
  while kill -0 "$sipp_pid" 2>/dev/null; do
    t="$(cpu_ticks_one "$sipp_pid")"; [ -n "$t" ] && sipp_ticks="$t"
    if [ -n "$uas_pid" ]; then t="$(cpu_ticks_one "$uas_pid")"; [ -n "$t" ] && uas_ticks="$t"; fi
    if [ "$(date +%s)" -gt "$deadline" ]; then
      echo "rate-ladder: SIPp $sipp_pid still running after ${step_timeout}s+20s, killing it" >&2
      kill "$sipp_pid" 2>/dev/null || true; sleep 1; kill -9 "$sipp_pid" 2>/dev/null || true
    fi
    sleep 0.2
  done
  sipp_pid=""
  uas_retrans=0; uas_failed=0
  if [ -n "$uas_pid" ]; then
    # SIGUSR1: SIPp stops taking calls and exits once the current ones are over (all of
    # them are: the client is done), writing its final statistics.
    kill -USR1 "$uas_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$uas_pid" 2>/dev/null || break
      t="$(cpu_ticks_one "$uas_pid")"; [ -n "$t" ] && uas_ticks="$t"
      sleep 0.1
    done
    if kill -0 "$uas_pid" 2>/dev/null; then
      kill "$uas_pid" 2>/dev/null || true; sleep 0.5; kill -9 "$uas_pid" 2>/dev/null || true
    fi
    uas_pid=""
    if [ -s "$step_dir/uas-stat.csv" ]; then
      uas_retrans="$(stat_field "$step_dir/uas-stat.csv" 'Retransmissions(C)')"
      uas_failed="$(stat_field "$step_dir/uas-stat.csv" 'FailedCall(C)')"
    fi
    sipp_ticks=$((sipp_ticks + uas_ticks))
  fi
  t1="$EPOCHREALTIME"
  m1="$(cpu_ticks_machine)"
  drops=$(( $(udp_rcvbuf_errors) - d0 ))
  cpu1=""; [ -n "$server_pid" ] && cpu1="$(cpu_ticks_tree "$server_pid")"
  split1=""; [ -n "$server_pid" ] && split1="$(split_ticks_tree "$server_pid")"
  if [ -n "$threads0" ]; then
    awk -v hz="$clk_tck" -v wall="$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')" '
      NR == FNR { before[$1] = $2; next }
      { d = $2 - before[$1]; if (d > 0) printf "%-32s %6d ticks %5.1f%% of a core\n", $1, d, d / hz / wall * 100 }' \
      <(echo "$threads0") <(thread_ticks "$server_pid") | sort -k2,2nr >"$step_dir/threads.txt"
  fi

  stat="$step_dir/stat.csv"
  if [ ! -s "$stat" ]; then
    echo "rate-ladder: no statistics from SIPp in $stat" >&2; exit 1
  fi
  ok="$(stat_field "$stat" 'SuccessfulCall(C)')"
  if [ -n "$split0" ] && [ -n "$split1" ] && [ "${ok:-0}" -gt 0 ]; then
    awk -v a="$split0" -v b="$split1" -v hz="$clk_tck" -v ok="$ok" 'BEGIN {
      split(a, x, " "); split(b, y, " ")
      printf "user_us_per_op %.2f\nsys_us_per_op %.2f\n", (y[1] - x[1]) / hz * 1e6 / ok, (y[2] - x[2]) / hz * 1e6 / ok
    }' >"$step_dir/cpu-split.txt"
  fi
  retrans="$(stat_field "$stat" 'Retransmissions(C)')"
  start="$(epoch_of "$(stat_field "$stat" StartTime)")"
  now="$(epoch_of "$(stat_field "$stat" CurrentTime)")"
  rtt="$(hms_to_ms "$(stat_field "$stat" 'ResponseTime1(C)')")"
  failed=$((calls - ok + uas_failed))  # anything that did not get its 200, or failed at the callee
  retrans=$((retrans + uas_retrans))

  read -r achieved held cpu_us srv_pct sipp_pct other_pct < <(awk \
    -v calls="$calls" -v ok="$ok" -v failed="$failed" -v retrans="$retrans" -v rate="$rate" \
    -v start="$start" -v now="$now" -v t0="$t0" -v t1="$t1" -v c0="$cpu0" -v c1="$cpu1" \
    -v hz="$clk_tck" -v st="$sipp_ticks" -v m0="$m0" -v m1="$m1" -v tail="$tail_seconds" '
    BEGIN {
      elapsed = now - start - tail; if (elapsed <= 0) elapsed = 1e-9
      achieved = ok / elapsed
      held = (failed < 0.001 * calls && retrans < 0.001 * calls && achieved >= 0.95 * rate) ? "yes" : "no"
      wall = t1 - t0
      if (c0 == "" || ok == 0) { cpu_us = "-"; srv = "-" }
      else { cpu_us = sprintf("%.2f", (c1 - c0) / hz * 1e6 / ok); srv = sprintf("%.0f", (c1 - c0) / hz / wall * 100) }
      other = (m1 - m0) - st - ((c0 == "") ? 0 : c1 - c0); if (other < 0) other = 0
      printf "%.0f %s %s %s %.0f %.0f\n", achieved, held, cpu_us, srv, st / hz / elapsed * 100, other / hz / wall * 100
    }')
}

# One table line and one TSV line for the step just measured; $1 overrides the held column.
report_step() {
  local shown="${1:-$held}"
  printf '%-10s %-9s %-3s %6s %7s %7s %7s %7s %8s %-4s %9s %5s %5s %6s %6s %6s\n' \
    "$label" "$scenario" "$transport" "$rate" "$calls" "$ok" "$failed" "$retrans" \
    "$achieved" "$shown" "$cpu_us" "$srv_pct" "$sipp_pct" "$other_pct" "$rtt" "$drops"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
    "$label" "$scenario" "$transport" "$rate" "$calls" "$ok" "$failed" "$retrans" \
    "$achieved" "$shown" "$cpu_us" "$srv_pct" "$sipp_pct" "$other_pct" "$rtt" "$uas_retrans" "$uas_failed" "$drops" >>"$tsv"
}

for rate in "${rates[@]}"; do
  attempt=1
  while :; do
    wait_quiet
    measure_step "$rate" "$attempt"
    # A step during which other work took more than RERUN_OTHER % of a core is reported as
    # "dist" (disturbed; ignored by the summaries) and run again, at most RERUNS times.
    if [ -n "$rerun_other" ] && [ "$other_pct" -gt "$rerun_other" ] && [ "$attempt" -le "$reruns" ]; then
      report_step dist
      attempt=$((attempt + 1))
      sleep "$pause"
      continue
    fi
    report_step
    break
  done
  if [ "$held" != yes ] && [ "$stop_on_fail" = 1 ]; then break; fi
  sleep "$pause"
done
echo "rate-ladder: TSV in $tsv (SIPp files in $out_dir)" >&2
