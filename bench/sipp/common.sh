# shellcheck shell=bash
# What compare-switch.sh, compare-cluster.sh and compare-dispatcher.sh share: stopping the
# servers they started, waiting for a server to answer, CPU ticks of a process tree, and
# waiting for a server to go idle between ladders. Sourced; the caller defines log() and
# probe ADDR (one OPTIONS, success when answered) and keeps its server pids in the array pids.

cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$p" 2>/dev/null || break; sleep 0.3; done
    kill -9 "$p" 2>/dev/null || true
  done
}

wait_ready() {  # pid addr seconds
  local pid="$1" addr="$2" seconds="$3" start; start="$(date +%s)"
  while [ $(( $(date +%s) - start )) -lt "$seconds" ]; do
    kill -0 "$pid" 2>/dev/null || return 1
    probe "$addr" && return 0
    sleep 0.5
  done
  return 1
}

# Process $1 and all its descendants, one pid per line (Kamailio's workers are its children).
tree_pids() {
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v root="$1" '
    { pid = $1; rest = substr($0, index($0, ") ") + 2); split(rest, f, " "); ppid[pid] = f[2] }
    END { for (p in ppid) { q = p; for (d = 0; d < 64 && q != "" && q > 0; d++) { if (q == root) { print p; break } q = ppid[q] } } }'
}

# CPU ticks (utime+stime) of process $1 and all its descendants (a JVM's threads are one
# process; Kamailio's workers are children).
cpu_ticks_tree() {
  local p
  for p in $(tree_pids "$1"); do cat "/proc/$p/stat" 2>/dev/null || true; done |
    awk '{ rest = substr($0, index($0, ") ") + 2); split(rest, f, " "); t += f[12] + f[13] } END { print t + 0 }'
}

# Waits (at most 60 s) until process $1 is idle, so leftovers do not disturb the next ladder.
settle() {  # pid label
  local start c0 c1; start="$(date +%s)"
  while [ $(( $(date +%s) - start )) -lt 60 ]; do
    c0="$(cpu_ticks_tree "$1")"; sleep 2; c1="$(cpu_ticks_tree "$1")"
    [ $((c1 - c0)) -lt 10 ] && return 0
  done
  log "$2 still busy 60 s after its ladder"
}

# The "transactionLingerSeconds" line of a generated sipfleet config (with its leading newline and
# trailing comma), from LINGER: how long finished transactions are kept, 5 s by default as
# Kamailio's tm keeps them (wt_timer); LINGER= (empty) leaves the node's own default (the RFC's
# 32 s; revisions from before the setting refuse the field).
sipfleet_linger_line() {
  local linger="${LINGER-5}"
  [ -n "$linger" ] && printf '\n  "transactionLingerSeconds": %s,' "$linger"
  return 0
}
