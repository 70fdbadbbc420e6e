#!/usr/bin/env bash
# Usage: bench/sipp/compare-cluster.sh      (smoke: REG_RATES=200 CALL_RATES=50 STEP_SECONDS=5 REG_WARMUP= CALL_WARMUP= bench/sipp/compare-cluster.sh)
#
# The cost of sharing a switch's state through Redis: the REGISTER and call scenarios of the
# switch benchmark (bench/sipp/switch/, the same as compare-switch.sh) against
#   single   one `sipfleet node --role switch` with its state in memory (no cluster), and
#   member   member A of a three-member cluster (A, B, C as separate node processes) sharing
#            location, CPS and channels through a Redis of its own (redis-server started by
#            this script on REDIS_PORT, nothing kept on disk, stopped at the end),
# same machine, same run. For each scenario: rate-ladder.sh on the single switch, then on
# member A (SERVER_PID = A: the member's own CPU per operation), then one step at the fixed
# CPU rate against A with SERVER_PID = redis-server, which gives the store's CPU per
# operation (REGISTERs go in batched scripts, every call is one script: the callee's lookup,
# CPS windows + channel lease; the lease release rides on a later admission or a batched release
# script). The summary gives per scenario the highest rate each
# held, CPU µs per operation at the fixed rate (member, Redis, member + Redis) and the ratio
# member / single, with the issue's goal: a member keeps >= 80 % of a single switch's rate.
#
# Limits are on for both (cluster-wide for the member) but far above the offered rates
# (CPS_LIMIT, CHANNEL_LIMIT), so every call pays for the checks a production switch makes;
# keep-alive pings are off (as in compare-switch.sh); no CDR file.
#
# Environment (defaults in brackets):
#   SCENARIOS       ["register call"]
#   REG_RATES       REGISTER ladder, pairs/s ["1000 2000 4000 8000 12000 16000"]
#   CALL_RATES      call ladder, calls/s ["500 1000 2000 3000 3500 4000 4500 5000 5500 6000"]:
#                   steps of 500 where the two part, so the ratio is not 0.75 for want of a
#                   step between 3000 and 4000
#   REG_CPU_RATE    fixed rate for the CPU comparison (REGISTER) [1000]
#   CALL_CPU_RATE   fixed rate for the CPU comparison (calls) [500]
#   STEP_SECONDS    seconds per step [20]
#   HOLD_MS         call hold time (SIPp -d) [1000]
#   REG_WARMUP      RATE:SECONDS of unrecorded REGISTERs before each ladder [1000:10]
#   CALL_WARMUP     RATE:SECONDS of unrecorded calls before each ladder [500:15]
#   CALLEE_AT       member the callee registers through: a (calls stay on A) or b (A looks
#                   the callee up in Redis and relays to B, which holds its flow) [a]
#   CPS_LIMIT, CHANNEL_LIMIT  limits of both servers [100000, 100000]
#   REDIS_PORT      port of the benchmark's own redis-server [6392]
#   INTERLEAVE      1: the two ladders run step by step, single and member taking turns at
#                   going first at each rate, each until its first failure (so the machine's
#                   drift over a run does not all land on the member, whose ladder came
#                   second); 0: the single's whole ladder, then the member's [1]
#   SINGLE          0: skip the single switch's ladders (A/B runs of member variants) [1]
#   MEMBER          0: skip the member's and Redis's ladders (profiling the single switch) [1]
#   QUIET_OTHER, QUIET_WAIT, RERUN_OTHER, RERUNS   as in rate-ladder.sh [30, 30, 50, 1]
#   SUB_FIRST, SUB_LAST  subscribers [10000, 19999]; SUB_LAST is the callee
#   OUT_DIR         results directory [bench/out/cluster-<time>]
# Runs the working tree (built by ./sipfleet if needed, copied to OUT_DIR first).
# Addresses: single 127.0.0.230:5060, members 127.0.0.231-233:5060, SIPp client 127.0.0.234,
# callee UAS 127.0.0.240:5070 (single's) and 127.0.0.241:5070 (the cluster's); metrics on
# port 19090 of each server address.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
sw="$here/switch"

single_addr="127.0.0.230:5060"
member_ips=(127.0.0.231 127.0.0.232 127.0.0.233)
sipp_ip="127.0.0.234"
single_uas="127.0.0.240:5070"
cluster_uas="127.0.0.241:5070"
metrics_port=19090
realm="sipfleet.local"

scenarios="${SCENARIOS:-register call}"
reg_rates="${REG_RATES:-1000 2000 4000 8000 12000 16000}"
call_rates="${CALL_RATES:-500 1000 2000 3000 3500 4000 4500 5000 5500 6000}"
reg_cpu_rate="${REG_CPU_RATE:-1000}"
call_cpu_rate="${CALL_CPU_RATE:-500}"
step_seconds="${STEP_SECONDS:-20}"
hold_ms="${HOLD_MS:-1000}"
reg_warmup="${REG_WARMUP-1000:10}"
call_warmup="${CALL_WARMUP-500:15}"
callee_at="${CALLEE_AT:-a}"
cps_limit="${CPS_LIMIT:-100000}"
channel_limit="${CHANNEL_LIMIT:-100000}"
redis_port="${REDIS_PORT:-6392}"
export QUIET_OTHER="${QUIET_OTHER-30}" QUIET_WAIT="${QUIET_WAIT:-30}"
export RERUN_OTHER="${RERUN_OTHER-50}" RERUNS="${RERUNS:-1}"
sub_first="${SUB_FIRST:-10000}"
sub_last="${SUB_LAST:-19999}"
callee="$sub_last"
out_dir="${OUT_DIR:-$root/bench/out/cluster-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out_dir"
out_dir="$(cd "$out_dir" && pwd)"
tsv="$out_dir/results.tsv"
rm -f "$tsv"
cluster_id="bench-$$"

log() { echo "compare-cluster: $*" >&2; }
die() { log "$*"; exit 1; }

for tool in sipp redis-server; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found (apt-get install -y sip-tester redis-server)"
done
case "$callee_at" in a) callee_ip="${member_ips[0]}" ;; b) callee_ip="${member_ips[1]}" ;; *) die "CALLEE_AT must be a or b" ;; esac
[ "$sub_last" -gt "$sub_first" ] || die "SUB_LAST must be above SUB_FIRST"
if (exec 3<>"/dev/tcp/127.0.0.1/$redis_port") 2>/dev/null; then die "port $redis_port is taken: set REDIS_PORT"; fi

# --- stop what we started, whatever happens -------------------------------------------------
pids=()
# cleanup, wait_ready, cpu_ticks_tree, settle: bench/sipp/common.sh
. "$here/common.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- subscribers: SIPp injection files and the configs ------------------------------------------
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
ha1_list >"$out_dir/ha1.txt"
linger_line="$(sipfleet_linger_line)"  # LINGER: see common.sh
users_json="$(awk -v realm="$realm" '
    NR > 1 { printf ",\n" }
    { printf "    {\"aor\": \"sip:%s@%s\", \"authUser\": \"%s\", \"ha1Md5\": \"%s\"}", $1, realm, $1, $2 }
    END { printf "\n" }' "$out_dir/ha1.txt")"

# switch_config ID IP [clustered]: a snapshot like compare-switch.sh's, limits on.
switch_config() {
  local id="$1" ip="$2" clustered="${3:-}" peers="" m
  if [ -n "$clustered" ]; then
    for m in "${member_ips[@]}"; do
      [ "$m" = "$ip" ] && continue
      peers+="${peers:+, }\"m-${m##*.}=sip:$m:5060\""
    done
  fi
  cat <<EOF
{
  "version": 1,
  "serverId": "$id",
  "listen": [{"address": "$ip", "port": 5060, "transports": ["udp"]}],
  "cpsLimit": $cps_limit,
  "channelLimit": $channel_limit,
  "keepAlive": {"mode": "options", "intervalSeconds": 30, "lostPingLimit": 3, "disabled": true},
  "realm": "$realm",
  "sipUsers": [
$users_json
  ],
  "registrar": {"minExpiresSeconds": 60, "maxExpiresSeconds": 3600, "defaultExpiresSeconds": 3600},
  "carrierRoutes": [],
  "cdrFile": null,
  "metricsPort": $metrics_port,
  "metricsAddress": "$ip",
  "sessionTimeoutSeconds": 7200,$linger_line
  "authFailure": {"maxFailuresPerWindow": 1000, "windowSeconds": 1, "blockSeconds": 1},
  "digestAlgorithms": ["MD5"],
EOF
  if [ -n "$clustered" ]; then
    cat <<EOF
  "clusterId": "$cluster_id",
  "storeUri": "redis://127.0.0.1:$redis_port",
  "locationSharingPeers": [$peers],
EOF
  fi
  echo '  "restrictDirect": false'
  echo '}'
}
switch_config bench-single "${single_addr%:*}" >"$out_dir/single.json"
for m in "${member_ips[@]}"; do switch_config "m-${m##*.}" "$m" clustered >"$out_dir/member-${m##*.}.json"; done
log "$((sub_last - sub_first + 1)) subscribers $sub_first..$sub_last (callee $callee); configs in $out_dir"

# --- helpers ---------------------------------------------------------------------------------------
probe() {
  (cd "$out_dir" && sipp -sf "$sw/ping.xml" -t u1 -i "$sipp_ip" -p 5099 -m 1 \
     -timeout 2s -timeout_error -nostdin "$1" >/dev/null 2>&1)
}
register_callee() {  # server_addr uas_addr name
  local d="$out_dir/register-callee-$3"; mkdir -p "$d"
  (cd "$d" && sipp -sf "$sw/register.xml" -inf "$out_dir/callee.csv" -auth_uri "$realm" \
     -i "${2%:*}" -p "${2##*:}" -t u1 -m 1 -timeout 5s -timeout_error -nostdin -trace_err \
     "$1" >"$d/sipp.out" 2>&1)
}

# --- the build: a private copy of the working tree's jar ---------------------------------------------
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
sf_what="working tree at $(git -C "$root" describe --always --dirty 2>/dev/null || echo '?')"

start_switch() {  # name config addr -> sets started_pid
  # shellcheck disable=SC2086
  (cd "$root" && exec "$snap/sipfleet" node --role switch --config "$2") >"$out_dir/$1.log" 2>&1 &
  started_pid=$!; pids+=("$started_pid")
  if ! wait_ready "$started_pid" "$3" 90; then
    log "$1 did not answer OPTIONS on $3; its output:"; tail -n 30 "$out_dir/$1.log" | sed 's/^/    /' >&2; exit 1
  fi
  log "$1 ready on $3 (pid $started_pid)"
}

# --- Redis of our own, then the servers -------------------------------------------------------------
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no >"$out_dir/redis.log" 2>&1 &
redis_pid=$!; pids+=("$redis_pid")
for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$redis_port") 2>/dev/null && break; sleep 0.1; done
(exec 3<>"/dev/tcp/127.0.0.1/$redis_port") 2>/dev/null || die "redis-server did not start on $redis_port (see $out_dir/redis.log)"
log "redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') on 127.0.0.1:$redis_port (pid $redis_pid)"

start_switch single "$out_dir/single.json" "$single_addr"; single_pid="$started_pid"
member_pids=()
for m in "${member_ips[@]}"; do
  start_switch "member-${m##*.}" "$out_dir/member-${m##*.}.json" "$m:5060"; member_pids+=("$started_pid")
done
member_addr="${member_ips[0]}:5060"; member_pid="${member_pids[0]}"

register_callee "$single_addr" "$single_uas" single || die "callee could not register at the single switch"
register_callee "$callee_ip:5060" "$cluster_uas" cluster || die "callee could not register at member $callee_at"
log "callee $callee registered at the single switch and at member $callee_at ($callee_ip)"

# CPU ticks of process $1 and its descendants (Kamailio's workers; the JVM's threads are in its own).
# After a ladder, the server may still be busy (a step past its limit leaves retransmissions
# and transactions to time out): wait until it is idle (< 5% of a core over 2 s), at most
# 60 s, so its leftovers do not land in the next ladder's steps as other load.

# --- the ladders ---------------------------------------------------------------------------------------
ladder() {  # label pid addr uas scenario [rates] [warm]
  local label="$1" pid="$2" addr="$3" uas="$4" scen="$5" file rates warm
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
  [ -n "${6:-}" ] && rates="$6"
  [ "$rates" = none ] && rates=""
  [ $# -ge 7 ] && warm="$7"
  echo
  echo "== $label $scen (udp) =="
  if [ -n "$warm" ]; then
    env "${env[@]}" STEP_SECONDS="${warm#*:}" OUT_DIR="$out_dir/warmup" STOP_ON_FAIL=0 PAUSE=1 \
      QUIET_OTHER="" RERUN_OTHER="" "$here/rate-ladder.sh" "$addr" u1 "$file" "${warm%%:*}" \
      >"$out_dir/warmup-$label-$scen.txt" 2>&1 || true
    echo "(warm-up: ${warm#*:} s at ${warm%%:*}/s, not recorded: $out_dir/warmup-$label-$scen.txt)"
  fi
  [ -n "$rates" ] || return 0
  # shellcheck disable=SC2086 # rates is a list
  env "${env[@]}" STEP_SECONDS="$step_seconds" OUT_DIR="$out_dir" TSV="$tsv" \
    "$here/rate-ladder.sh" "$addr" u1 "$file" $rates || echo "(ladder stopped with an error, see above)"
}

# Whether label $1's last recorded step of scenario $2 held (yes/no; empty before its first).
last_held() {
  awk -F'\t' -v l="$1" -v s="$2" '$1 == l && $2 == s && $10 != "dist" { h = $10 } END { print h }' "$tsv"
}

# ladder + settle for side $1 (single or member): scenario $2, then ladder's optional [rates] [warm].
side_ladder() {
  local side="$1"; shift
  if [ "$side" = single ]; then
    ladder single "$single_pid" "$single_addr" "$single_uas" "$@"
    settle "$single_pid" single
  else
    ladder member "$member_pid" "$member_addr" "$cluster_uas" "$@"
    settle "$member_pid" member
  fi
}

# INTERLEAVE=1: both warm up, then each rate is run on both, the two taking turns at going first,
# until each has failed once: a drift of the machine over the run (the later ladder was the
# member's, every time) lands on both sides alike.
interleaved() {  # scenario
  local scen="$1" tsv_scen rates i=0 first second rate side
  tsv_scen="$scen"; [ "$scen" = call ] && tsv_scen=call-uac
  rates="$reg_rates"; [ "$scen" = call ] && rates="$call_rates"
  side_ladder single "$scen" none
  side_ladder member "$scen" none
  for rate in $rates; do
    if [ $((i % 2)) = 0 ]; then first=single; second=member; else first=member; second=single; fi
    i=$((i + 1))
    for side in $first $second; do
      [ "$(last_held "$side" "$tsv_scen")" = no ] && continue
      side_ladder "$side" "$scen" "$rate" ""
    done
    [ "$(last_held single "$tsv_scen")" = no ] && [ "$(last_held member "$tsv_scen")" = no ] && break
  done
  return 0
}

started="$(date +%s)"
for scenario in $scenarios; do
  fixed="$reg_cpu_rate"; [ "$scenario" = call ] && fixed="$call_cpu_rate"
  if [ "${INTERLEAVE:-1}" = 1 ] && [ "${SINGLE:-1}" != 0 ] && [ "${MEMBER:-1}" != 0 ]; then
    interleaved "$scenario"
  else
    [ "${SINGLE:-1}" != 0 ] && side_ladder single "$scenario"
    [ "${MEMBER:-1}" = 0 ] && continue
    side_ladder member "$scenario"
  fi
  # the store's share: one step at the fixed rate on A, CPU of redis-server per operation
  ladder redis "$redis_pid" "$member_addr" "$cluster_uas" "$scenario" "$fixed" ""
  settle "$member_pid" member
done

# --- summary ---------------------------------------------------------------------------------------------
sc_names=""; for s in $scenarios; do case "$s" in register) sc_names+=" register" ;; call) sc_names+=" call-uac" ;; esac; done
echo
echo "== summary (udp, steps of ${step_seconds}s, call hold ${hold_ms} ms, callee at member $callee_at; sipfleet: $sf_what; $(( ($(date +%s) - started) / 60 )) min) =="
awk -F'\t' -v scenarios="$sc_names" -v reg_cpu="$reg_cpu_rate" -v call_cpu="$call_cpu_rate" '
  NR == 1 { next }
  $10 == "dist" { next }
  $10 == "yes" || $1 == "redis" {
    k = $1 SUBSEP $2
    if ($10 == "yes" && $4 + 0 > best[k] + 0) best[k] = $4
    cpu[k, $4] = $11
  }
  function ratio(a, b) { return (a == "" || b == "" || b + 0 == 0) ? "n/a" : sprintf("%.2f", a / b) }
  END {
    n = split(scenarios, sc, " ")
    for (i = 1; i <= n; i++) {
      s = sc[i]; fixed = (s == "register") ? reg_cpu : call_cpu
      unit = (s == "register") ? "REGISTER pair" : "call"
      ks = "single" SUBSEP s; km = "member" SUBSEP s; kr = "redis" SUBSEP s
      printf "%s (CPU per %s at %s/s):\n", (s == "register") ? "register" : "call", unit, fixed
      printf "  single (memory)        max held %8s/s   cpu us/op %8s\n", (ks in best) ? best[ks] : "none", ((ks, fixed) in cpu) ? cpu[ks, fixed] : "n/a"
      printf "  member of 3 (Redis)    max held %8s/s   cpu us/op %8s   + redis %s = %s\n", (km in best) ? best[km] : "none",
        ((km, fixed) in cpu) ? cpu[km, fixed] : "n/a", ((kr, fixed) in cpu) ? cpu[kr, fixed] : "n/a",
        (((km, fixed) in cpu) && ((kr, fixed) in cpu)) ? sprintf("%.1f", cpu[km, fixed] + cpu[kr, fixed]) : "n/a"
      r = ratio(best[km], best[ks])
      printf "  member / single: max held rate %s%s", r, (r == "n/a") ? "" : (r + 0 >= 0.8 ? " (goal >= 0.80 met)" : " (below the goal of 0.80)")
      printf "; member cpu/op %s\n", ratio(cpu[km, fixed], cpu[ks, fixed])
    }
  }' "$tsv"
echo "results: $tsv"
