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

# SERVER_CPU_QUOTA: a cgroup per server (v1 cpu controller, or v2 where cpu is enabled), each
# server's whole process tree limited to that percent of one core. The caller defines log and
# die, and runs uncap_cpu on exit (after cleanup: a group is removed once its processes exited).
cgroups=()
cap_cpu() {  # label pid
  local quota="${SERVER_CPU_QUOTA:-}" cg p
  [ -n "$quota" ] || return 0
  if [ -d /sys/fs/cgroup/cpu ] && [ -w /sys/fs/cgroup/cpu ]; then
    cg="/sys/fs/cgroup/cpu/sipfleet-bench-$1-$$"
    mkdir -p "$cg" && echo 100000 >"$cg/cpu.cfs_period_us" && echo $((quota * 1000)) >"$cg/cpu.cfs_quota_us" \
      || die "SERVER_CPU_QUOTA: cannot set up $cg"
  elif grep -qw cpu /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null; then
    cg="/sys/fs/cgroup/sipfleet-bench-$1-$$"
    mkdir -p "$cg" && echo "$((quota * 1000)) 100000" >"$cg/cpu.max" || die "SERVER_CPU_QUOTA: cannot set up $cg"
  else
    die "SERVER_CPU_QUOTA: no writable cgroup cpu controller (run as root; cgroup v1 cpu or v2 with cpu enabled)"
  fi
  cgroups+=("$cg")
  # the process and every descendant (Kamailio's workers); later forks inherit the group
  for p in $(tree_pids "$2"); do echo "$p" >"$cg/cgroup.procs" 2>/dev/null || true; done
  log "$1 limited to $quota % of one core (cgroup $cg: $(wc -l <"$cg/cgroup.procs") processes)"
}
uncap_cpu() {
  local cg
  for cg in "${cgroups[@]}"; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do rmdir "$cg" 2>/dev/null && break; sleep 0.3; done  # empty once all exited
  done
}
