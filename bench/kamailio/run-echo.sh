#!/usr/bin/env bash
# Runs Kamailio with echo.cfg in the foreground on ADDR:PORT (UDP and TCP), touching
# nothing system-wide: runtime dir, pid file and working dir live in RUNDIR.
#
#   bench/kamailio/run-echo.sh 127.0.0.10:5060 [RUNDIR]
#
# Without RUNDIR a fresh one is made under ${TMPDIR:-/tmp} (printed to stderr; it only
# holds the pid file). The script execs Kamailio, so its PID is Kamailio's main process
# (the parent of the UDP/TCP workers): give that PID to rate-ladder.sh as SERVER_PID.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
listen="${1:?usage: run-echo.sh ADDR:PORT [RUNDIR]}"
rundir="${2:-}"
if [ -z "$rundir" ]; then
  rundir="$(mktemp -d "${TMPDIR:-/tmp}/kamailio-echo.XXXXXX")"
  echo "run-echo: runtime dir $rundir" >&2
fi
mkdir -p "$rundir"

command -v kamailio >/dev/null 2>&1 || { echo "run-echo: kamailio not found (apt-get install -y kamailio)" >&2; exit 2; }

# -DD: stay in the foreground but still fork the workers (fork=yes in echo.cfg).
# -E: log to stderr (errors only, see debug= in echo.cfg). -m/-M: small shared/private
# memory, plenty for a stateless responder.
exec kamailio -f "$here/echo.cfg" -DD -E \
  -l "udp:$listen" -l "tcp:$listen" \
  -Y "$rundir" -P "$rundir/kamailio.pid" -w "$rundir" \
  -m 64 -M 8
