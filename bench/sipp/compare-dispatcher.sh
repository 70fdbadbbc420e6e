#!/usr/bin/env bash
# Usage: bench/sipp/compare-dispatcher.sh    (environment below; SMOKE=1 for a 1-minute check)
#
# Side-by-side benchmark of the dispatcher: the same SIPp call scenario, same machine, same
# run, through
#   kamailio        Kamailio's dispatcher module (bench/kamailio/dispatcher.cfg) in front of
#                   Kamailio as the switch (bench/kamailio/switch.cfg)
#   sipfleet        `sipfleet node --role dispatcher` in front of `sipfleet node --role switch`
#   kamailio-alone  (optional, SETUPS) the Kamailio switch alone, no dispatcher: the issue's
#                   goal is dispatcher + switch >= 1.0 x Kamailio running alone as a proxy
#
# Scenario (bench/sipp/switch/call-uac.xml, as compare-switch.sh): a subscriber calls a
# registered subscriber: INVITE, 407, ACK, INVITE with Proxy-Authorization, (100), (180), 200,
# ACK, HOLD_MS pause, BYE, 200. Through the dispatcher, which record-routes the INVITE, relays
# it statefully (round-robin, serial failover) and the ACK/BYE statelessly along the route set;
# the switch authenticates, record-routes and relays to the callee (a SIPp UAS,
# call-uas.xml, registered at the switch directly from the address it listens on).
#
# For each setup: a warm-up that is not recorded (the JVMs are measured JIT-compiled;
# Kamailio gets the same), then rate-ladder.sh at rising rates, STEP_SECONDS per step,
# stopping at the first step that does not hold (< 0.1% failed calls, < 0.1% retransmissions
# counting the UAS's, >= 95% of the rate achieved). CPU per call from /proc, of the
# DISPATCHER process only (Kamailio's dispatcher processes, the dispatcher JVM's threads) --
# the "dispatcher CPU per call" the issue compares -- and, in the summary, of the switch too.
# The summary prints per setup the highest rate held and the CPU per call at a fixed rate,
# and the ratios sipfleet / Kamailio with the issue's goals (rate >= 1.0 x Kamailio alone,
# dispatcher CPU per call <= 0.5 x Kamailio's dispatcher).
#
# Everything is on loopback, every step bounded in time, whatever this script started is
# stopped on exit. About 10 minutes with the defaults on 2 cores.
#
# Environment (defaults in brackets):
#   SMOKE           1: a quick check that everything runs (rates 50 100, 5 s steps, no
#                   warm-up, no quiet-machine waits); not a measurement [unset]
#   SETUPS          ["kamailio sipfleet kamailio-alone"]
#   CALL_RATES      call ladder, calls/s ["500 1000 1500 2000 3000 4000 5000"]
#   CPU_RATE        fixed rate for the CPU comparison [500]
#   STEP_SECONDS    seconds per step [20]
#   HOLD_MS         call hold time (SIPp -d) [1000]
#   WARMUP          RATE:SECONDS of unrecorded calls before each ladder [500:15]
#   QUIET_OTHER, QUIET_WAIT, RERUN_OTHER, RERUNS   as compare-switch.sh [30, 30, 50, 1]
#   SUB_FIRST, SUB_LAST  subscribers [10000, 10999]; SUB_LAST is the callee
#   LINGER          transactionLingerSeconds of both sipfleet nodes [5: Kamailio tm's wt_timer
#                   default]; empty: their own default (32 s; for revisions before the setting)
#   SIPFLEET_REV    a git revision to measure (built from `git archive`) [unset: the working
#                   tree, built by ./sipfleet if needed and copied to OUT_DIR first]
#   OUT_DIR         results directory [bench/out/dispatcher-<time>]
#   SERVER_CPU_QUOTA  percent of one core EACH server process tree may use (cgroup CPU quota, as
#                   compare-switch.sh): every dispatcher and every switch gets its own budget, as
#                   if each ran on its own machine. The goal "dispatcher + switch >= 1.0 x Kamailio
#                   alone" compares a chain of nodes to one node: on 2 shared cores without quotas
#                   the chain's two servers and SIPp compete for the same CPU, which no deployment
#                   does. Needs root and the cgroup cpu controller [unset: no limit]
# Addresses: Kamailio dispatcher 127.0.0.230:5060 -> Kamailio switch 127.0.0.231:5060;
# sipfleet dispatcher 127.0.0.232:5060 -> sipfleet switch 127.0.0.233:5060; SIPp client
# 127.0.0.234; callee UAS 127.0.0.235:5070 (registered at Kamailio) and 127.0.0.236:5070 (at
# sipfleet); sipfleet metrics on 127.0.0.233:19091 (switch) and 127.0.0.232:19190 (dispatcher).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
sw="$here/switch"
case "${1:-}" in -h|--help) sed -n '2,58p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;; esac

kd_addr="127.0.0.230:5060"; ks_addr="127.0.0.231:5060"
sd_addr="127.0.0.232:5060"; ss_addr="127.0.0.233:5060"
sipp_ip="127.0.0.234"
k_uas="127.0.0.235:5070"; s_uas="127.0.0.236:5070"
realm="sipfleet.local"

if [ -n "${SMOKE:-}" ]; then
  : "${CALL_RATES:=50 100}" "${CPU_RATE:=50}" "${STEP_SECONDS:=5}" "${HOLD_MS:=200}"
  WARMUP="${WARMUP-}"; QUIET_OTHER="${QUIET_OTHER-}"; RERUN_OTHER="${RERUN_OTHER-}"
fi
setups="${SETUPS:-kamailio sipfleet kamailio-alone}"
call_rates="${CALL_RATES:-500 1000 1500 2000 3000 4000 5000}"
cpu_rate="${CPU_RATE:-500}"
step_seconds="${STEP_SECONDS:-20}"
hold_ms="${HOLD_MS:-1000}"
warmup="${WARMUP-500:15}"
export QUIET_OTHER="${QUIET_OTHER-30}" QUIET_WAIT="${QUIET_WAIT:-30}"
export RERUN_OTHER="${RERUN_OTHER-50}" RERUNS="${RERUNS:-1}"
sub_first="${SUB_FIRST:-10000}"
sub_last="${SUB_LAST:-10999}"
callee="$sub_last"
out_dir="${OUT_DIR:-$root/bench/out/dispatcher-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out_dir"
out_dir="$(cd "$out_dir" && pwd)"
tsv="$out_dir/results.tsv"
rm -f "$tsv"

log() { echo "compare-dispatcher: $*" >&2; }
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

# --- subscribers and the sipfleet configs --------------------------------------------------------
{
  echo SEQUENTIAL
  for ((u = sub_first; u < sub_last; u++)); do echo "$u;[authentication username=$u password=secret$u]"; done
} >"$out_dir/users.csv"
printf 'SEQUENTIAL\n%s;[authentication username=%s password=secret%s]\n' "$callee" "$callee" "$callee" >"$out_dir/callee.csv"

ha1_list() {  # "user ha1" lines; HA1 = md5("user:realm:password")
  python3 -c 'import hashlib,sys
a,b,r=int(sys.argv[1]),int(sys.argv[2]),sys.argv[3]
for u in range(a,b+1): print(u, hashlib.md5(f"{u}:{r}:secret{u}".encode()).hexdigest())' "$sub_first" "$sub_last" "$realm"
}
linger_line="$(sipfleet_linger_line)"  # LINGER: see common.sh
switch_config="$out_dir/switch.json"
{
  cat <<EOF
{
  "version": 1,
  "serverId": "bench-switch",
  "listen": [{"address": "${ss_addr%:*}", "port": ${ss_addr##*:}, "transports": ["udp"]}],
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
  "metricsPort": 19091,$linger_line
  "authFailure": {"maxFailuresPerWindow": 1000, "windowSeconds": 1, "blockSeconds": 1},
  "digestAlgorithms": ["MD5"],
  "dispatchers": ["${sd_addr%:*}"]
}
EOF
} >"$switch_config"
dispatcher_config="$out_dir/dispatcher.json"
cat >"$dispatcher_config" <<EOF
{
  "version": 1,
  "serverId": "bench-dispatcher",
  "listen": [{"address": "${sd_addr%:*}", "port": ${sd_addr##*:}, "transports": ["udp"]}],
  "destinations": [{"uri": "sip:$ss_addr"}],
  "algorithm": "round-robin",
  "probe": {"intervalSeconds": 5, "failuresToDown": 3, "successesToUp": 2},
  "noAnswerMillis": 2000,
  "maxSourceRate": 0,$linger_line
  "metricsPort": 19190
}
EOF
log "$((sub_last - sub_first + 1)) subscribers $sub_first..$sub_last (callee $callee); configs in $out_dir"

# --- helpers ---------------------------------------------------------------------------------------
probe() {  # one OPTIONS to ADDR:PORT itself, 200 within 2 s
  (cd "$out_dir" && sipp -sf "$sw/ping.xml" -t u1 -i "$sipp_ip" -p 5099 -m 1 \
     -timeout 2s -timeout_error -nostdin "$1" >/dev/null 2>&1)
}
register_callee() {  # switch_addr uas_addr name: the callee registers at the switch directly
  local d="$out_dir/register-callee-$3"; mkdir -p "$d"
  (cd "$d" && sipp -sf "$sw/register.xml" -inf "$out_dir/callee.csv" -auth_uri "$realm" \
     -i "${2%:*}" -p "${2##*:}" -t u1 -m 1 -timeout 5s -timeout_error -nostdin -trace_err \
     "$1" >"$d/sipp.out" 2>&1)
}

# --- sipfleet build: a private copy, so no rebuild can touch it mid-run --------------------------------
if [ -n "${SIPFLEET_REV:-}" ]; then
  snap="$out_dir/sipfleet-src"
  rev="$(git -C "$root" rev-parse --verify "$SIPFLEET_REV^{commit}")" || die "no revision $SIPFLEET_REV"
  rm -rf "$snap"; mkdir -p "$snap"
  git -C "$root" archive "$rev" | tar -x -C "$snap"
  log "building sipfleet at ${rev:0:10} in $snap"
  "$snap/sipfleet" --version >"$out_dir/sipfleet-build.log" 2>&1 || { tail -n 30 "$out_dir/sipfleet-build.log" >&2; die "build of $rev failed"; }
  sf_what="commit ${rev:0:10}"
else
  ok=""
  for attempt in 1 2 3; do
    if "$root/sipfleet" --version >"$out_dir/sipfleet-build.log" 2>&1; then ok=1; break; fi
    log "./sipfleet did not build (attempt $attempt); retrying in 60 s"; sleep 60
  done
  [ -n "$ok" ] || { tail -n 30 "$out_dir/sipfleet-build.log" >&2; die "./sipfleet does not build"; }
  snap="$out_dir/sipfleet-snapshot"
  rm -rf "$snap"; mkdir -p "$snap/app/target"
  cp "$root/sipfleet" "$snap/"
  cp "$root/app/target/sipfleet-app.jar" "$snap/app/target/"
  cp -r "$root/app/target/lib" "$snap/app/target/"
  sf_what="working tree at $(git -C "$root" describe --always --dirty 2>/dev/null || echo '?')"
fi

# --- start the four servers --------------------------------------------------------------------------
wants() { case " $setups " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
ks_pid=""; kd_pid=""; ss_pid=""; sd_pid=""
if wants kamailio || wants kamailio-alone; then
  mkdir -p "$out_dir/kamailio-switch"
  "$root/bench/kamailio/run-switch.sh" "$ks_addr" "$out_dir/kamailio-switch" -A "SUB_FIRST=$sub_first" -A "SUB_LAST=$sub_last" \
    >"$out_dir/kamailio-switch.log" 2>&1 &
  ks_pid=$!; pids+=("$ks_pid")
  wait_ready "$ks_pid" "$ks_addr" 20 || { cat "$out_dir/kamailio-switch.log" >&2; die "Kamailio switch did not answer on $ks_addr"; }
  cap_cpu kamailio-switch "$ks_pid"
  register_callee "$ks_addr" "$k_uas" kamailio || die "callee could not register at Kamailio (see $out_dir/register-callee-kamailio)"
fi
if wants kamailio; then
  "$root/bench/kamailio/run-dispatcher.sh" "$kd_addr" "$out_dir/kamailio-dispatcher" "sip:$ks_addr" \
    >"$out_dir/kamailio-dispatcher.log" 2>&1 &
  kd_pid=$!; pids+=("$kd_pid")
  wait_ready "$kd_pid" "$kd_addr" 20 || { cat "$out_dir/kamailio-dispatcher.log" >&2; die "Kamailio dispatcher did not answer on $kd_addr"; }
  cap_cpu kamailio-dispatcher "$kd_pid"
  log "Kamailio $(kamailio -v | sed -n 's/^version: kamailio \([^ ]*\).*/\1/p'): dispatcher $kd_addr (pid $kd_pid) -> switch $ks_addr (pid $ks_pid)"
fi
if wants sipfleet; then
  log "starting sipfleet ($sf_what)"
  (cd "$root" && exec "$snap/sipfleet" node --role switch --config "$switch_config") >"$out_dir/sipfleet-switch.log" 2>&1 &
  ss_pid=$!; pids+=("$ss_pid")
  (cd "$root" && exec "$snap/sipfleet" node --role dispatcher --config "$dispatcher_config") >"$out_dir/sipfleet-dispatcher.log" 2>&1 &
  sd_pid=$!; pids+=("$sd_pid")
  wait_ready "$ss_pid" "$ss_addr" 90 || { tail -n 30 "$out_dir/sipfleet-switch.log" >&2; die "sipfleet switch did not answer on $ss_addr"; }
  wait_ready "$sd_pid" "$sd_addr" 90 || { tail -n 30 "$out_dir/sipfleet-dispatcher.log" >&2; die "sipfleet dispatcher did not answer on $sd_addr"; }
  cap_cpu sipfleet-switch "$ss_pid"
  cap_cpu sipfleet-dispatcher "$sd_pid"
  register_callee "$ss_addr" "$s_uas" sipfleet || die "callee could not register at sipfleet (see $out_dir/register-callee-sipfleet)"
  log "sipfleet: dispatcher $sd_addr (pid $sd_pid) -> switch $ss_addr (pid $ss_pid)"
fi

# --- the ladders ----------------------------------------------------------------------------------------
# CPU of the switch behind the dispatcher, per step: read around each ladder step from the TSV's
# epochs would need rate-ladder changes; instead the switch's CPU over each whole ladder is
# reported next to its calls (the dispatcher's per step is in the TSV).
ladder() {  # label dispatcher_pid target_addr uas_addr switch_pid
  local label="$1" pid="$2" addr="$3" uas="$4" spid="$5" c0 c1 after
  local -a env=(SIPP_LOCAL_IP="$sipp_ip" LABEL="$label" SERVER_PID="$pid"
    SIPP_ARGS="-inf $out_dir/users.csv -auth_uri $callee@$realm -s $callee -d $hold_ms"
    TAIL_SECONDS="$(awk -v h="$hold_ms" 'BEGIN { print h / 1000 }')"
    UAS_SF="$sw/call-uas.xml" UAS_ADDR="$uas" UAS_ARGS="-key user $callee")
  echo
  echo "== $label call (udp; CPU measured: $( [ "$pid" = "$spid" ] && echo "the switch alone" || echo "the dispatcher" )) =="
  if [ -n "$warmup" ]; then
    env "${env[@]}" STEP_SECONDS="${warmup#*:}" OUT_DIR="$out_dir/warmup" STOP_ON_FAIL=0 PAUSE=1 \
      QUIET_OTHER="" RERUN_OTHER="" "$here/rate-ladder.sh" "$addr" u1 "$sw/call-uac.xml" "${warmup%%:*}" \
      >"$out_dir/warmup-$label.txt" 2>&1 || true
    echo "(warm-up: ${warmup#*:} s at ${warmup%%:*}/s, not recorded)"
  fi
  c0="$(cpu_ticks_tree "$spid")"
  # shellcheck disable=SC2086 # rates is a list
  env "${env[@]}" STEP_SECONDS="$step_seconds" OUT_DIR="$out_dir" TSV="$tsv" \
    "$here/rate-ladder.sh" "$addr" u1 "$sw/call-uac.xml" $call_rates || echo "(ladder stopped with an error, see above)"
  c1="$(cpu_ticks_tree "$spid")"
  after="$(awk -F'\t' -v l="$label" 'NR > 1 && $1 == l { s += $6 } END { print s + 0 }' "$tsv")"
  printf '%s\t%s\t%s\n' "$label" "$(( c1 - c0 ))" "$after" >>"$out_dir/switch-cpu.tsv"
}

started="$(date +%s)"
: >"$out_dir/switch-cpu.tsv"
for s in $setups; do
  case "$s" in
    kamailio)       ladder kamailio "$kd_pid" "$kd_addr" "$k_uas" "$ks_pid"; settle "$kd_pid" "Kamailio dispatcher"; settle "$ks_pid" "Kamailio switch" ;;
    sipfleet)       ladder sipfleet "$sd_pid" "$sd_addr" "$s_uas" "$ss_pid"; settle "$sd_pid" "sipfleet dispatcher"; settle "$ss_pid" "sipfleet switch" ;;
    kamailio-alone) ladder kamailio-alone "$ks_pid" "$ks_addr" "$k_uas" "$ks_pid"; settle "$ks_pid" "Kamailio switch" ;;
    *) die "unknown setup $s (kamailio, sipfleet, kamailio-alone)" ;;
  esac
done

# --- summary ------------------------------------------------------------------------------------------
hz="$(getconf CLK_TCK)"
echo
echo "== summary (udp, steps of ${step_seconds}s, call hold ${hold_ms} ms; sipfleet: $sf_what${SERVER_CPU_QUOTA:+; each server limited to $SERVER_CPU_QUOTA % of one core}; $(( ($(date +%s) - started) / 60 )) min of ladders)${SMOKE:+ -- SMOKE run: proves the setup works, measures nothing} =="
awk -F'\t' -v fixed="$cpu_rate" -v hz="$hz" -v top="${call_rates##* }" '
  FNR == NR { if (NF == 3 && $3 > 0) swcpu[$1] = sprintf("%.0f", $2 / hz * 1e6 / $3); next }
  FNR == 1 { next }
  $10 == "dist" { next }
  { seen[$1] = 1; if ($10 == "yes") { if ($4 + 0 > best[$1] + 0) best[$1] = $4; held[$1, $4] = 1; cpu[$1, $4] = $11 } }
  function ratio(a, b) { return (a == "" || b == "" || b + 0 == 0) ? "n/a" : sprintf("%.2f", a / b) }
  function goal(r, g, higher) { if (r == "n/a") return ""; return (higher ? (r + 0 >= g) : (r + 0 <= g)) ? " (goal met)" : " (below goal)" }
  END {
    common = ""
    for (hk in held) { split(hk, p, SUBSEP); if (p[1] == "kamailio" && (("sipfleet", p[2]) in held) && p[2] + 0 > common + 0) common = p[2] }
    n = split("kamailio sipfleet kamailio-alone", order, " ")
    for (i = 1; i <= n; i++) {
      s = order[i]; if (!(s in seen)) continue
      mh = (s in best) ? best[s] : "none"; if (mh == top) mh = ">=" mh
      what = (s == "kamailio-alone") ? "switch" : "dispatcher"
      printf "  %-15s max held %8s/s   %s cpu us/call @%s: %8s", s, mh, what, fixed, ((s, fixed) in cpu) ? cpu[s, fixed] : "n/a"
      if (common != "" && common != fixed && s != "kamailio-alone") printf "   @%s: %8s", common, cpu[s, common]
      if (s in swcpu && s != "kamailio-alone") printf "   (switch, whole ladder: %s us/call)", swcpu[s]
      printf "\n"
    }
    r = ratio(best["sipfleet"], best["kamailio"]); printf "  ratio sipfleet/kamailio (both with a dispatcher): max held rate %s", r
    if (best["sipfleet"] == top) printf " (sipfleet held the top of the ladder: at least this)"
    printf "\n"
    if ("kamailio-alone" in seen) { r = ratio(best["sipfleet"], best["kamailio-alone"]); printf "  ratio sipfleet dispatcher+switch / Kamailio alone: max held rate %s%s\n", r, goal(r, 1.0, 1) }
    r = ratio(cpu["sipfleet", fixed], cpu["kamailio", fixed]); printf "  ratio dispatcher CPU per call sipfleet/kamailio @%s: %s%s", fixed, r, goal(r, 0.5, 0)
    if (common != "" && common != fixed) { r = ratio(cpu["sipfleet", common], cpu["kamailio", common]); printf ", @%s (highest both held) %s%s", common, r, goal(r, 0.5, 0) }
    printf "\n"
  }' "$out_dir/switch-cpu.tsv" "$tsv"
echo "results: $tsv"
