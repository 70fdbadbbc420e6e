package io.sipfleet.control.health;

/** Build versions like 0.1.0, 0.1.0-SNAPSHOT, 0.2.3-rc1: compared by their numbers, then release > pre-release. */
public final class Versions {

    private Versions() {
    }

    /** True if {@code running} is an older build than {@code latest}; unknown versions are never "older". */
    public static boolean older(String running, String latest) {
        if (running == null || latest == null || running.equals(latest)) {
            return false;
        }
        return compare(running, latest) < 0;
    }

    static int compare(String a, String b) {
        String[] pa = a.split("-", 2);
        String[] pb = b.split("-", 2);
        String[] na = pa[0].split("\\.");
        String[] nb = pb[0].split("\\.");
        for (int i = 0; i < Math.max(na.length, nb.length); i++) {
            long x = i < na.length ? number(na[i]) : 0;
            long y = i < nb.length ? number(nb[i]) : 0;
            if (x != y) {
                return Long.compare(x, y);
            }
        }
        if (pa.length != pb.length) {
            return pa.length == 1 ? 1 : -1; // 1.0 > 1.0-SNAPSHOT
        }
        return pa.length == 1 ? 0 : pa[1].compareTo(pb[1]);
    }

    private static long number(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
