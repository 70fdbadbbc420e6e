package io.sipfleet.dispatching;

/**
 * The probe state machine of one switch: up until {@code failuresToDown} probes in a row go
 * unanswered, then down until {@code successesToUp} in a row are answered. Any answer counts,
 * a 503 included: a switch at its limit is alive, it only has no capacity for that call.
 * Starts up, so a fresh dispatcher sends traffic at once (a dead switch costs the first calls
 * one no-answer timeout each, then failover, until the probes take it out).
 */
final class DestinationHealth {
    private final Destination destination;
    private final int failuresToDown, successesToUp;
    private volatile boolean up = true; // read on every request: no lock
    private int failures, successes;
    private long probes, answered;

    DestinationHealth(Destination destination, int failuresToDown, int successesToUp) {
        this.destination = destination;
        this.failuresToDown = failuresToDown;
        this.successesToUp = successesToUp;
    }

    Destination destination() { return destination; }

    /** Records one probe's outcome; returns true when it changed the state (up to down or back). */
    synchronized boolean record(boolean answeredProbe) {
        probes++;
        if (answeredProbe) {
            answered++;
            failures = 0;
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

    boolean isUp() { return up; }

    /** For the status endpoint. */
    synchronized Snapshot snapshot() {
        return new Snapshot(destination.uri(), up, destination.weight(), failures, successes, probes, answered);
    }

    record Snapshot(String uri, boolean up, int weight, int consecutiveFailures, int consecutiveSuccesses,
                    long probes, long answered) {}
}
