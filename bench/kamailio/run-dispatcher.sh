#!/usr/bin/env bash
# Runs Kamailio with dispatcher.cfg (round-robin over the destinations in a list file, serial
# failover, stateless forwarding of what need not be tracked) in the foreground on ADDR:PORT,
# UDP only, touching nothing system-wide: runtime dir, pid file, working dir and the list file
# live in RUNDIR.
#
#   bench/kamailio/run-dispatcher.sh 127.0.0.230:5060 RUNDIR sip:127.0.0.231:5060 [more destinations...]
#
# The script execs Kamailio, so its PID is Kamailio's main process (the parent of the UDP
# workers and the timer processes): give that PID to rate-ladder.sh as SERVER_PID.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
listen="${1:?usage: run-dispatcher.sh ADDR:PORT RUNDIR DESTINATION_URI...}"
rundir="${2:?usage: run-dispatcher.sh ADDR:PORT RUNDIR DESTINATION_URI...}"
shift 2
[ $# -gt 0 ] || { echo "run-dispatcher: at least one destination (sip:IP:PORT)" >&2; exit 2; }
command -v kamailio >/dev/null 2>&1 || { echo "run-dispatcher: kamailio not found (apt-get install -y kamailio)" >&2; exit 2; }
mkdir -p "$rundir"
rundir="$(cd "$rundir" && pwd)"
list="$rundir/dispatcher.list"
: >"$list"
for d in "$@"; do echo "1 $d 0 0" >>"$list"; done

# Memory manager and sizes as run-switch.sh (tlsf; see there why).
exec kamailio -f "$here/dispatcher.cfg" -DD -E -x "${KAMAILIO_MEM:-tlsf}" -X "${KAMAILIO_MEM:-tlsf}" \
  -A "DS_LIST=\"$list\"" -l "udp:$listen" \
  -Y "$rundir" -P "$rundir/kamailio.pid" -w "$rundir" \
  -m 1024 -M 32
