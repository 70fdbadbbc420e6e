package io.sipfleet.dispatching;

/**
 * A switch's load as it reports it in the {@code X-Load} header of its answer to an OPTIONS
 * addressed to itself (the dispatcher's health probe):
 * <pre>
 *   X-Load: ch=12/100; cps=3/30
 * </pre>
 * {@code ch=IN_USE/LIMIT}: calls this switch carries now / its channel limit; {@code
 * cps=LAST/LIMIT}: INVITEs it admitted in the last whole second / its CPS limit. A limit of 0 means
 * none. Counts are the switch's own (a cluster member's limits may be the cluster's: the counts
 * still compare members). Unknown keys are ignored, so the header can grow; a header that does not
 * parse counts as no report (the switch is then treated as idle, its calls counted by the
 * dispatcher only). Chosen over scraping the metrics endpoint: it rides on the probe the
 * dispatcher sends anyway, one header, no second protocol or port.
 */
record LoadReport(int channels, int channelLimit, int cps, int cpsLimit) {
    static final String HEADER = "X-Load";

    /** The header value a switch sends. */
    static String format(int channels, int channelLimit, int cps, int cpsLimit) {
        return "ch=" + channels + "/" + channelLimit + "; cps=" + cps + "/" + cpsLimit;
    }

    /** The report in {@code value}, or null when absent or malformed. */
    static LoadReport parse(String value) {
        if (value == null) return null;
        int[] ch = null, cps = null;
        for (String part : value.split(";")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq <= 0) continue;
            String key = p.substring(0, eq).trim();
            if (key.equals("ch")) ch = fraction(p.substring(eq + 1));
            else if (key.equals("cps")) cps = fraction(p.substring(eq + 1));
        }
        if (ch == null && cps == null) return null;
        return new LoadReport(ch == null ? 0 : ch[0], ch == null ? 0 : ch[1], cps == null ? 0 : cps[0], cps == null ? 0 : cps[1]);
    }

    private static int[] fraction(String v) {
        int slash = v.indexOf('/');
        if (slash < 0) return null;
        try {
            int used = Integer.parseInt(v.substring(0, slash).trim());
            int limit = Integer.parseInt(v.substring(slash + 1).trim());
            return used < 0 || limit < 0 ? null : new int[] {used, limit};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * The free share of the tightest configured limit, 0..1 (1 when the switch has no limit),
     * counting {@code extraCalls} more channels in use (calls the dispatcher sent there since the
     * report) and at least {@code cpsNow} calls per second (what the dispatcher sends there this
     * second): a report is up to one probe interval old, and without these every call of that
     * interval would go to the same switch.
     */
    double headroom(int extraCalls, int cpsNow) {
        double free = 1.0;
        if (channelLimit > 0) free = Math.min(free, (channelLimit - (double) (channels + extraCalls)) / channelLimit);
        if (cpsLimit > 0) free = Math.min(free, (cpsLimit - (double) Math.max(cps, cpsNow)) / cpsLimit);
        return Math.max(0.0, free);
    }
}
