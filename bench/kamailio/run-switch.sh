#!/usr/bin/env bash
# Runs Kamailio with switch.cfg (registrar + usrloc + auth + tm + rr + dialog, no database)
# in the foreground on ADDR:PORT, UDP only, touching nothing system-wide: runtime dir, pid
# file and working dir live in RUNDIR.
#
#   bench/kamailio/run-switch.sh 127.0.0.10:5060 [RUNDIR] [kamailio options...]
#
# Extra options go to kamailio, e.g. -A SUB_FIRST=1000 -A SUB_LAST=1999 for another
# range of subscribers (defaults in switch.cfg: 10000..19999, password "secret<user>").
# Without RUNDIR (or with "") a fresh one is made under ${TMPDIR:-/tmp}. The script execs
# Kamailio, so its PID is Kamailio's main process (the parent of the UDP workers and
# timer processes): give that PID to rate-ladder.sh as SERVER_PID.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
listen="${1:?usage: run-switch.sh ADDR:PORT [RUNDIR] [kamailio options...]}"
rundir="${2:-}"
shift; [ $# -gt 0 ] && shift
if [ -z "$rundir" ]; then
  rundir="$(mktemp -d "${TMPDIR:-/tmp}/kamailio-switch.XXXXXX")"
  echo "run-switch: runtime dir $rundir" >&2
fi
mkdir -p "$rundir"

command -v kamailio >/dev/null 2>&1 || { echo "run-switch: kamailio not found (apt-get install -y kamailio)" >&2; exit 2; }

# -x/-X: memory manager for shared and private memory, KAMAILIO_MEM (default tlsf). The
# Debian build's default, qm (q_malloc, with its debugging support), cost about twice the
# CPU per call and per REGISTER of tlsf on this workload (measured: 325 vs 137-169 µs per
# call at 1000 calls/s, 45 vs 22 µs per REGISTER pair at 4000/s), so the reference runs
# with the fast allocator the same package ships: KAMAILIO_MEM=qm to compare.
# -DD: foreground, still forking the workers (fork=yes). -E: log to stderr (errors only).
# -m/-M: shared/private memory in MB: at 2000+ calls/s tm keeps ~10 000 transactions (8 KB
# each, 5 s wait timer) besides the dialogs and the bindings: 256 MB ran out at 2000
# calls/s, 1 GB at 8000 ("500 No error (2/SL)": tm out of shm). 4 GB: sipfleet's JVM may
# take up to 1/4 of the RAM (5.9 GB here) by default.
exec kamailio -f "$here/switch.cfg" -DD -E -x "${KAMAILIO_MEM:-tlsf}" -X "${KAMAILIO_MEM:-tlsf}" \
  -l "udp:$listen" \
  -Y "$rundir" -P "$rundir/kamailio.pid" -w "$rundir" \
  -m 4096 -M 32 "$@"
