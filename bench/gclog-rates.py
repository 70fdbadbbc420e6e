#!/usr/bin/env python3
"""Allocation and promotion rates from a G1 log (-Xlog:gc:file=F) over a time window.

    bench/gclog-rates.py GC_LOG FROM_S TO_S OPS_PER_S

FROM_S and TO_S are JVM uptimes in seconds (the log's [12.345s] stamps) bracketing the step;
OPS_PER_S is the step's achieved rate (REGISTER pairs or calls per second). Allocated between
two young collections = heap before the later one minus heap after the earlier one; promoted =
growth of the heap after each collection (with MaxTenuringThreshold=0 every survivor goes to
the old generation, so that growth is what survived). Only "Pause Young (Normal)" lines count,
and the promoted figure holds only for a window without a concurrent cycle: a Remark or a mixed
collection inside it frees old regions and makes the growth, hence the figure, too small.
"""
import re
import sys

PAUSE = re.compile(r'\[([\d.]+)s\].*GC\(\d+\) Pause Young \(Normal\).* (\d+)M->(\d+)M\(\d+M\) ([\d.]+)ms')


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    log, t0, t1, rate = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
    pauses = []
    with open(log) as f:
        for line in f:
            m = PAUSE.search(line)
            if m and t0 <= float(m.group(1)) <= t1:
                pauses.append((float(m.group(1)), int(m.group(2)), int(m.group(3)), float(m.group(4))))
    if len(pauses) < 2:
        sys.exit(f"fewer than two young collections between {t0} s and {t1} s in {log}")
    span = pauses[-1][0] - pauses[0][0]
    allocated = sum(pauses[i][1] - pauses[i - 1][2] for i in range(1, len(pauses)))
    promoted = pauses[-1][2] - pauses[0][2]
    mb = 1024 * 1024
    print(f"collections {len(pauses)} ({len(pauses) / span:.2f}/s), mean pause {sum(p[3] for p in pauses) / len(pauses):.2f} ms")
    print(f"allocated {allocated / span:.1f} MB/s = {allocated * mb / span / rate:.0f} bytes per op")
    print(f"promoted {promoted / span:.2f} MB/s = {promoted * mb / span / rate:.0f} bytes per op")


if __name__ == '__main__':
    main()
