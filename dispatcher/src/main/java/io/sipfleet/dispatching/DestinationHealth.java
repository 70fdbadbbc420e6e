package io.sipfleet.dispatching;

/**
 * The probe state machine of one switch: up until {@code failuresToDown} probes in a row go
 * unanswered, then down until {@code successesToUp} in a row are answered. Any answer counts,
 * a 503 included: a switch at its limit is alive, it only has no capacity for that call.
 * Starts up, so a fresh dispatcher sends traffic at once (a dead switch costs the first calls
 * one no-answer timeout each, then failover, until the probes take it out). The thresholds are
 * passed with each outcome, so a config reload changes them without losing the counts.
 */
final class DestinationHealth {
    private volatile boolean up = true; // read on every request: no lock
    private int failures, successes;
    private long probes, answered, slow;
    private boolean slowLogged; // a run of slow probes is logged once

    /** Records one probe's outcome; returns true when it changed the state (up to down or back). */
    synchronized boolean record(boolean answeredProbe, int failuresToDown, int successesToUp) {
        probes++;
        if (answeredProbe) {
            answered++;
            failures = 0;
            slowLogged = false;
            if (!up && ++successes >= successesToUp) {
                up = true;
                successes = 0;
                return true;
            }
        } else {
            successes = 0;
            if (up && ++failures >= failuresToDown) {
                up = false;
                failures = 0;
                return true;
            }
        }
        return false;
    }

    /**
     * A probe timed out while the switch answered other requests (see {@link HealthProber}):
     * counted, not a failure, and like an answer it ends a run of failures (the switch is alive).
     * Returns true for the first of a run, to be logged.
     */
    synchronized boolean slowProbe() {
        probes++;
        slow++;
        failures = 0;
        if (slowLogged) return false;
        slowLogged = true;
        return true;
    }

    synchronized long slowProbes() { return slow; }

    boolean isUp() { return up; }

    /** True while up with at least one failure counted: the next probe goes at once. */
    synchronized boolean suspect() { return up && failures > 0; }

    /** For the status endpoint. */
    synchronized Snapshot snapshot(Destination d, LoadReport load) {
        return new Snapshot(d.uri(), up, d.weight(), failures, successes, probes, answered, slow, load);
    }

    /** {@code slowProbes}: probes that timed out while the switch answered its calls (not failures). */
    record Snapshot(String uri, boolean up, int weight, int consecutiveFailures, int consecutiveSuccesses,
                    long probes, long answered, long slowProbes, LoadReport load) {}
}
