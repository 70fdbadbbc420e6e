#!/usr/bin/env bash
# Side-by-side whole-node benchmark of the switch: Kamailio (bench/kamailio/switch.cfg:
# registrar + usrloc + auth + tm + rr + dialog, no database) vs `sipfleet node --role
# switch`, same SIPp scenarios (bench/sipp/switch/), same machine, same run.
#
#   bench/sipp/compare-switch.sh
#
# Scenarios:
#   register  REGISTER, 401, REGISTER with digest credentials (qop=auth), 200: a different
#             subscriber per call (9 999 of them, cycled), each a refresh of its binding
#   call      INVITE, 407, ACK, INVITE with Proxy-Authorization, (100), 180, 200, ACK,
#             HOLD_MS pause, BYE, 200 -- through the server to a registered subscriber
#             (user SUB_LAST), whose contact is a SIPp UAS (call-uas.xml) that registered
#             from the address it listens on; the server record-routes and tracks the dialog
# Both servers have the same subscribers (SUB_FIRST..SUB_LAST, password "secret<user>",
# realm sipfleet.local; HA1s in memory), challenge with MD5 and qop=auth and check
# nonce-counts, relay statefully, keep the registrations in memory. The sipfleet switch
# config is generated (keep-alive pings off: Kamailio sends none; no CDR file: Kamailio
# writes no accounting; no limits).
#
# For each scenario and server: a warm-up that is not recorded (the JVM is measured
# JIT-compiled; Kamailio gets the same), then rate-ladder.sh at rising rates, STEP_SECONDS
# per step, stopping at the first step that does not hold (< 0.1% failed calls, < 0.1%
# retransmissions counting the UAS's, >= 95% of the rate achieved). Server CPU per
# operation (one REGISTER pair, or one whole call) from /proc: Kamailio's processes, the
# JVM's threads. The summary gives per scenario the highest rate each held, CPU µs per
# operation at the highest rate both held and at a fixed rate, and the ratios
# sipfleet / Kamailio with the issue's goals (rate >= 1.5x, CPU <= 0.67x).
#
# Everything is on loopback, every step is bounded in time, and whatever this script
# started is stopped on exit. About 11-15 minutes with the defaults on 2 cores (more when it
# waits for a quiet machine).
#
# Environment (defaults in brackets):
#   SCENARIOS       ["register call"]
#   SERVERS         which servers to run ["kamailio sipfleet"]; one alone is for profiling,
#                   not for RESULTS.md (the ratios need both in the same run)
#   THREAD_TICKS    1: per step, the server's CPU per thread to STEP_DIR/threads.txt
#   REG_RATES       REGISTER ladder, pairs/s ["2000 4000 8000 12000 16000 24000"]
#   CALL_RATES      call ladder, calls/s ["1000 2000 3000 4000 5000 6000 8000"]
#   REG_CPU_RATE    fixed rate for the REGISTER CPU comparison [2000]
#   CALL_CPU_RATE   fixed rate for the call CPU comparison [1000]
#   STEP_SECONDS    seconds per step [20]
#   HOLD_MS         call hold time (SIPp -d) [1000]
#   REG_WARMUP      RATE:SECONDS of unrecorded REGISTERs before each ladder [2000:10]
#   CALL_WARMUP     RATE:SECONDS of unrecorded calls before each ladder [1000:15]
#   QUIET_OTHER     wait before each step until other work uses <= this % of a core [30]
#   QUIET_WAIT      ... at most this many seconds [30]
#   RERUN_OTHER     rerun a step once when other work took > this % of a core during it [50]
#   RERUNS          how many times a disturbed step may be rerun [1]
#   SUB_FIRST, SUB_LAST  subscribers [10000, 19999]; SUB_LAST is the callee
#   KAMAILIO_OPTS   extra kamailio options, e.g. "-A WITH_REG_TM" (REGISTER through tm,
#                   see switch.cfg); KAMAILIO_MEM: its memory manager [tlsf]
#   LINGER          sipfleet's transactionLingerSeconds [5: Kamailio tm's wt_timer default];
#                   empty: the switch's own default (RFC 64*T1 = 32 s; needed for revisions
#                   older than the setting)
#   SIPFLEET_REV    a git revision to measure (built from `git archive` in OUT_DIR, so a
#                   half-edited working tree does not matter) [unset: the working tree,
#                   built by ./sipfleet if needed and copied to OUT_DIR before the run]
#   SWITCH_CMD      command running the switch in the foreground, CONFIG replaced by the
#                   generated config file [the snapshot's launcher: sipfleet node --role
#                   switch --config CONFIG]; SIPFLEET_JAVA_OPTS reaches the JVM through it
#   OUT_DIR         results directory [bench/out/switch-<time>]
#   SERVER_CPU_QUOTA  percent of one core each server may use (a cgroup CPU quota on its whole
#                   process tree: Kamailio's processes, the JVM), e.g. 50. With it the highest rate
#                   held is each server's at the same CPU budget; without it (the default), on 2
#                   cores both servers often hold up to the rig's ceiling (SIPp's), which says
#                   nothing about which server goes further. Needs root and the cgroup cpu controller.
# Addresses: Kamailio 127.0.0.210:5060, sipfleet 127.0.0.211:5060, SIPp client
# 127.0.0.212, callee UAS 127.0.0.220:5070 (Kamailio's) and 127.0.0.221:5070 (sipfleet's);
# metrics of sipfleet on 127.0.0.211:19090.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
sw="$here/switch"

kam_addr="127.0.0.210:5060"
sf_addr="127.0.0.211:5060"
sipp_ip="127.0.0.212"
kam_uas="127.0.0.220:5070"
sf_uas="127.0.0.221:5070"
metrics_port=19090
realm="sipfleet.local"

scenarios="${SCENARIOS:-register call}"
servers="${SERVERS:-kamailio sipfleet}"
runs() { case " $servers " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
reg_rates="${REG_RATES:-2000 4000 8000 12000 16000 24000}"
call_rates="${CALL_RATES:-1000 2000 3000 4000 5000 6000 8000}"
reg_cpu_rate="${REG_CPU_RATE:-2000}"
call_cpu_rate="${CALL_CPU_RATE:-1000}"
step_seconds="${STEP_SECONDS:-20}"
hold_ms="${HOLD_MS:-1000}"
reg_warmup="${REG_WARMUP-2000:10}"
call_warmup="${CALL_WARMUP-1000:15}"
export QUIET_OTHER="${QUIET_OTHER-30}" QUIET_WAIT="${QUIET_WAIT:-30}"
export RERUN_OTHER="${RERUN_OTHER-50}" RERUNS="${RERUNS:-1}"
sub_first="${SUB_FIRST:-10000}"
sub_last="${SUB_LAST:-19999}"
callee="$sub_last"
out_dir="${OUT_DIR:-$root/bench/out/switch-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out_dir"
out_dir="$(cd "$out_dir" && pwd)"
tsv="$out_dir/results.tsv"
rm -f "$tsv"

log() { echo "compare-switch: $*" >&2; }
die() { log "$*"; exit 1; }

for tool in sipp kamailio; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found (apt-get install -y sip-tester kamailio)"
done
[ "$sub_last" -gt "$sub_first" ] || die "SUB_LAST must be above SUB_FIRST"

# --- stop what we started, whatever happens -------------------------------------------------
pids=()
# cleanup, wait_ready, cpu_ticks_tree, settle: bench/sipp/common.sh
. "$here/common.sh"
trap 'cleanup; uncap_cpu' EXIT
trap 'exit 130' INT TERM

# --- subscribers: SIPp injection files and the sipfleet config ----------------------------------
# users.csv: every subscriber but the callee (callers, registrants); callee.csv: the callee.
{
  echo SEQUENTIAL
  for ((u = sub_first; u < sub_last; u++)); do echo "$u;[authentication username=$u password=secret$u]"; done
} >"$out_dir/users.csv"
printf 'SEQUENTIAL\n%s;[authentication username=%s password=secret%s]\n' "$callee" "$callee" "$callee" >"$out_dir/callee.csv"

# HA1 = md5("user:realm:password"), lowercase hex, as examples/README.md says.
ha1_list() {  # prints "user ha1" lines
  if command -v perl >/dev/null 2>&1 && perl -MDigest::MD5 -e 1 2>/dev/null; then
    perl -MDigest::MD5=md5_hex -e 'for my $u ($ARGV[0]..$ARGV[1]) { print "$u ", md5_hex("$u:$ARGV[2]:secret$u"), "\n" }' \
      "$sub_first" "$sub_last" "$realm"
  elif command -v python3 >/dev/null 2>&1; then
    python3 -c 'import hashlib,sys
a,b,r=int(sys.argv[1]),int(sys.argv[2]),sys.argv[3]
for u in range(a,b+1): print(u, hashlib.md5(f"{u}:{r}:secret{u}".encode()).hexdigest())' "$sub_first" "$sub_last" "$realm"
  else
    local u; for ((u = sub_first; u <= sub_last; u++)); do
      printf '%s %s\n' "$u" "$(printf '%s' "$u:$realm:secret$u" | md5sum | cut -d' ' -f1)"
    done
  fi
}
linger_line="$(sipfleet_linger_line)"  # LINGER: see common.sh
config="$out_dir/switch.json"
{
  cat <<EOF
{
  "version": 1,
  "serverId": "bench-switch",
  "listen": [{"address": "${sf_addr%:*}", "port": ${sf_addr##*:}, "transports": ["udp"]}],
  "cpsLimit": 0,
  "channelLimit": 0,
  "capacityFailover": null,
  "keepAlive": {"mode": "options", "intervalSeconds": 30, "lostPingLimit": 3, "disabled": true},
  "realm": "$realm",
  "sipUsers": [
EOF
  ha1_list | awk -v realm="$realm" '
    NR > 1 { printf ",\n" }
    { printf "    {\"aor\": \"sip:%s@%s\", \"authUser\": \"%s\", \"ha1Md5\": \"%s\"}", $1, realm, $1, $2 }
    END { printf "\n" }'
  cat <<EOF
  ],
  "registrar": {"minExpiresSeconds": 60, "maxExpiresSeconds": 3600, "defaultExpiresSeconds": 3600},
  "carrierRoutes": [],
  "cdrFile": null,
  "metricsPort": $metrics_port,
  "metricsAddress": "${sf_addr%:*}",
  "sessionTimeoutSeconds": 7200,$linger_line
  "authFailure": {"maxFailuresPerWindow": 1000, "windowSeconds": 1, "blockSeconds": 1},
  "digestAlgorithms": ["MD5"]
}
EOF
} >"$config"
log "$((sub_last - sub_first + 1)) subscribers $sub_first..$sub_last (callee $callee); sipfleet config $config"

# --- helpers ---------------------------------------------------------------------------------------
# One OPTIONS to the server itself; succeeds when ADDR:PORT answers 200 within 2 s.
probe() {
  (cd "$out_dir" && sipp -sf "$sw/ping.xml" -t u1 -i "$sipp_ip" -p 5099 -m 1 \
     -timeout 2s -timeout_error -nostdin "$1" >/dev/null 2>&1)
}
# Registers the callee from UAS_ADDR (the address its UAS then listens on) at SERVER.
register_callee() {  # server_addr uas_addr name
  local d="$out_dir/register-callee-$3"; mkdir -p "$d"
  (cd "$d" && sipp -sf "$sw/register.xml" -inf "$out_dir/callee.csv" -auth_uri "$realm" \
     -i "${2%:*}" -p "${2##*:}" -t u1 -m 1 -timeout 5s -timeout_error -nostdin -trace_err \
     "$1" >"$d/sipp.out" 2>&1)
}

# --- sipfleet: what runs -------------------------------------------------------------------------------
if [ -n "${SWITCH_CMD:-}" ]; then
  sf_cmd="${SWITCH_CMD//CONFIG/$config}"
  sf_what="SWITCH_CMD"
else
  if [ -n "${SIPFLEET_REV:-}" ]; then
    snap="$out_dir/sipfleet-src"
    rev="$(git -C "$root" rev-parse --verify "$SIPFLEET_REV^{commit}")" || die "no revision $SIPFLEET_REV"
    rm -rf "$snap"; mkdir -p "$snap"
    git -C "$root" archive "$rev" | tar -x -C "$snap"
    log "building sipfleet at ${rev:0:10} in $snap"
    "$snap/sipfleet" --version >"$out_dir/sipfleet-build.log" 2>&1 || { tail -n 30 "$out_dir/sipfleet-build.log" >&2; die "build of $rev failed"; }
    sf_what="commit ${rev:0:10}"
  else
    # The working tree is shared: others may leave it unbuildable for a moment. Build with
    # the launcher (retrying), then run a private copy so no rebuild can touch it mid-run.
    ok=""
    for attempt in 1 2 3 4 5; do
      if "$root/sipfleet" --version >"$out_dir/sipfleet-build.log" 2>&1; then ok=1; break; fi
      log "./sipfleet did not build (attempt $attempt; someone may be mid-edit); retrying in 60 s"
      sleep 60
    done
    [ -n "$ok" ] || { tail -n 30 "$out_dir/sipfleet-build.log" >&2; die "./sipfleet does not build"; }
    snap="$out_dir/sipfleet-snapshot"
    rm -rf "$snap"; mkdir -p "$snap/app/target"
    cp "$root/sipfleet" "$snap/"
    cp "$root/app/target/sipfleet-app.jar" "$snap/app/target/"
    cp -r "$root/app/target/lib" "$snap/app/target/"
    sf_what="working tree at $(git -C "$root" describe --always --dirty 2>/dev/null || echo '?') (built $(date -r "$root/app/target/sipfleet-app.jar" '+%H:%M:%S'))"
  fi
  sf_cmd="$snap/sipfleet node --role switch --config $config"
fi

# --- Kamailio -----------------------------------------------------------------------------------------
if runs kamailio; then
kam_dir="$out_dir/kamailio-run"; mkdir -p "$kam_dir"
# shellcheck disable=SC2086 # options
"$root/bench/kamailio/run-switch.sh" "$kam_addr" "$kam_dir" -A "SUB_FIRST=$sub_first" -A "SUB_LAST=$sub_last" \
  ${KAMAILIO_OPTS:-} >"$out_dir/kamailio.log" 2>&1 &
kam_pid=$!; pids+=("$kam_pid")
if ! wait_ready "$kam_pid" "$kam_addr" 20; then
  log "Kamailio did not answer on $kam_addr; its log:"; cat "$out_dir/kamailio.log" >&2; exit 1
fi
log "Kamailio $(kamailio -v | sed -n 's/^version: kamailio \([^ ]*\).*/\1/p') ready on $kam_addr (pid $kam_pid; memory manager ${KAMAILIO_MEM:-tlsf}${KAMAILIO_OPTS:+; $KAMAILIO_OPTS})"
cap_cpu kamailio "$kam_pid"
fi

# --- sipfleet switch ---------------------------------------------------------------------------------
if runs sipfleet; then
log "starting sipfleet ($sf_what): $sf_cmd"
# shellcheck disable=SC2086 # a command line
(cd "$root" && exec $sf_cmd) >"$out_dir/sipfleet.log" 2>&1 &
sf_pid=$!; pids+=("$sf_pid")
if ! wait_ready "$sf_pid" "$sf_addr" 90; then
  log "the sipfleet switch did not answer OPTIONS on $sf_addr; its output:"
  tail -n 30 "$out_dir/sipfleet.log" | sed 's/^/    /' >&2; exit 1
fi
log "sipfleet switch ready on $sf_addr (pid $sf_pid)"
cap_cpu sipfleet "$sf_pid"
fi

! runs kamailio || register_callee "$kam_addr" "$kam_uas" kamailio || die "callee $callee could not register at Kamailio (see $out_dir/register-callee-kamailio)"
! runs sipfleet || register_callee "$sf_addr" "$sf_uas" sipfleet || die "callee $callee could not register at sipfleet (see $out_dir/register-callee-sipfleet)"
log "callee $callee registered at: $servers (Kamailio from $kam_uas, sipfleet from $sf_uas)"

# CPU ticks of process $1 and its descendants (Kamailio's workers; the JVM's threads are in its own).
# After a ladder, the server may still be busy (a step past its limit leaves retransmissions
# and transactions to time out): wait until it is idle (< 5% of a core over 2 s), at most
# 60 s, so its leftovers do not land in the next ladder's steps as other load.

# --- the ladders ---------------------------------------------------------------------------------------
ladder() {  # label pid addr uas scenario
  local label="$1" pid="$2" addr="$3" uas="$4" scen="$5" file rates warm args
  local -a env=(SIPP_LOCAL_IP="$sipp_ip" LABEL="$label" SERVER_PID="$pid")
  case "$scen" in
    register)
      file="$sw/register.xml"; rates="$reg_rates"; warm="$reg_warmup"
      env+=(SIPP_ARGS="-inf $out_dir/users.csv -auth_uri $realm")
      ;;
    call)
      file="$sw/call-uac.xml"; rates="$call_rates"; warm="$call_warmup"
      env+=(SIPP_ARGS="-inf $out_dir/users.csv -auth_uri $callee@$realm -s $callee -d $hold_ms"
            TAIL_SECONDS="$(awk -v h="$hold_ms" 'BEGIN { print h / 1000 }')"
            UAS_SF="$sw/call-uas.xml" UAS_ADDR="$uas" UAS_ARGS="-key user $callee")
      ;;
    *) die "unknown scenario $scen (register, call)" ;;
  esac
  echo
  echo "== $label $scen (udp) =="
  if [ -n "$warm" ]; then
    env "${env[@]}" STEP_SECONDS="${warm#*:}" OUT_DIR="$out_dir/warmup" STOP_ON_FAIL=0 PAUSE=1 \
      QUIET_OTHER="" RERUN_OTHER="" "$here/rate-ladder.sh" "$addr" u1 "$file" "${warm%%:*}" \
      >"$out_dir/warmup-$label-$scen.txt" 2>&1 || true
    echo "(warm-up: ${warm#*:} s at ${warm%%:*}/s, not recorded: $out_dir/warmup-$label-$scen.txt)"
  fi
  # shellcheck disable=SC2086 # rates is a list
  env "${env[@]}" STEP_SECONDS="$step_seconds" OUT_DIR="$out_dir" TSV="$tsv" \
    "$here/rate-ladder.sh" "$addr" u1 "$file" $rates || echo "(ladder stopped with an error, see above)"
}

started="$(date +%s)"
for scenario in $scenarios; do
  if runs kamailio; then
    ladder kamailio "$kam_pid" "$kam_addr" "$kam_uas" "$scenario"
    settle "$kam_pid" Kamailio
  fi
  if runs sipfleet; then
    ladder sipfleet "$sf_pid" "$sf_addr" "$sf_uas" "$scenario"
    settle "$sf_pid" sipfleet
  fi
done

# --- summary ---------------------------------------------------------------------------------------------
sc_names=""; for s in $scenarios; do case "$s" in register) sc_names+=" register" ;; call) sc_names+=" call-uac" ;; esac; done
echo
echo "== summary (udp, steps of ${step_seconds}s, call hold ${hold_ms} ms; sipfleet: $sf_what${SERVER_CPU_QUOTA:+; each server limited to $SERVER_CPU_QUOTA % of one core}; $(( ($(date +%s) - started) / 60 )) min of ladders) =="
awk -F'\t' -v scenarios="$sc_names" -v reg_cpu="$reg_cpu_rate" -v call_cpu="$call_cpu_rate" \
    -v reg_rates="$reg_rates" -v call_rates="$call_rates" '
  NR == 1 { next }
  $10 == "dist" { next }
  {
    k = $1 SUBSEP $2
    seen[k] = 1
    if ($10 == "yes") {
      if ($4 + 0 > best[k] + 0) best[k] = $4
      held[k, $4] = 1; cpu[k, $4] = $11
    }
  }
  function ratio(a, b) { return (a == "" || b == "" || a == "-" || b == "-" || b + 0 == 0) ? "n/a" : sprintf("%.2f", a / b) }
  function verdict(r, goal, higher) {
    if (r == "n/a") return ""
    return (higher ? (r + 0 >= goal) : (r + 0 <= goal)) ? " (goal met)" : " (below goal)"
  }
  END {
    n = split(scenarios, sc, " ")
    for (i = 1; i <= n; i++) {
      s = sc[i]; fixed = (s == "register") ? reg_cpu : call_cpu
      top = (s == "register") ? reg_rates : call_rates; m = split(top, tr, " "); top = tr[m]
      kk = "kamailio" SUBSEP s; ks = "sipfleet" SUBSEP s
      common = ""
      for (hk in held) { split(hk, p, SUBSEP); if (p[1] == "kamailio" && p[2] == s && (("sipfleet", s, p[3]) in held) && p[3] + 0 > common + 0) common = p[3] }
      unit = (s == "register") ? "REGISTER pair" : "call"
      printf "%s (CPU per %s):\n", (s == "register") ? "register" : "call", unit
      for (j = 1; j <= 2; j++) {
        srv = (j == 1) ? "kamailio" : "sipfleet"; k = srv SUBSEP s
        mh = (k in best) ? best[k] : "none"
        if (mh == top) mh = ">=" mh
        printf "  %-9s max held %8s/s   cpu us/op @%s: %8s", srv, mh, fixed, ((k, fixed) in cpu) ? cpu[k, fixed] : "n/a"
        if (common != "" && common != fixed) printf "   @%s: %8s", common, cpu[k, common]
        printf "\n"
      }
      r = ratio(best[ks], best[kk])
      printf "  ratio sipfleet/kamailio: max held rate %s%s", r, verdict(r, 1.5, 1)
      if (best[ks] == top) printf " (sipfleet held the top of the ladder: at least this)"
      r = ratio(cpu[ks, fixed], cpu[kk, fixed]); printf "; cpu/op @%s %s%s", fixed, r, verdict(r, 0.67, 0)
      if (common != "" && common != fixed) { r = ratio(cpu[ks, common], cpu[kk, common]); printf ", @%s (highest both held) %s%s", common, r, verdict(r, 0.67, 0) }
      printf "\n"
    }
  }' "$tsv"
echo "results: $tsv"
