package io.sipfleet.switching.keepalive;

import io.sipfleet.cluster.location.Binding;
import io.sipfleet.sip.transport.Peer;

/**
 * One binding the scheduler pings: its place on the {@link PingWheel} and its ping state. One
 * per binding for the binding's whole life (a refresh swaps {@link #target}, the phase stays),
 * so a REGISTER refresh costs no wheel work.
 *
 * <p>Threads: the wheel fields belong to the wheel's lock; {@link #target} is written under the
 * scheduler's map lock for this key and read by the keep-alive thread without one (volatile);
 * the miss count is touched by response/timeout callbacks and REGISTER refreshes, under
 * {@code this} (never held while sending).
 */
final class Tracked {
    /** What to ping and where: replaced whole on refresh so readers see a consistent pair. */
    record Target(Binding binding, Peer peer) {}

    final String aor;
    final String contact;
    volatile Target target;
    /** Set once, when the binding leaves the scheduler: late callbacks and queued pings check it. */
    volatile boolean untracked;
    /** The last OPTIONS sent to it; only the ticking thread reads and writes it. */
    PendingPings.Ping lastPing;
    /** Nanos of the last OPTIONS round trip, -1 before the first answer. */
    volatile long lastRttNanos = -1;
    /** The reconcile pass that last saw it (or that was running when it was tracked). */
    volatile long seenGeneration;

    // Guarded by the PingWheel's lock.
    int slot = -1;
    int index = -1;

    // Guarded by this.
    private int misses;
    private boolean lostDecided;

    /** Only the keep-alive thread reads and writes it: a binding we cannot build an OPTIONS for is warned about once. */
    boolean warnedUnbuildable;

    Tracked(Target target, long generation) {
        this.aor = target.binding().aor();
        this.contact = target.binding().contact();
        this.target = target;
        this.seenGeneration = generation;
    }

    /** A REGISTER refresh (or a reconcile) brought a newer state: it also proves the UA alive. */
    synchronized void refresh(Target next) {
        target = next;
        misses = 0;
        lostDecided = false;
    }

    /** An answer came: the UA and its pinhole are alive. */
    synchronized void answered(long rttNanos) {
        misses = 0;
        lastRttNanos = rttNanos;
    }

    /**
     * One more ping went unanswered. Returns the binding to drop when this miss reached
     * {@code limit} (once: later misses of pings already in flight return null), else null.
     */
    synchronized Binding missed(int limit) {
        if (lostDecided) return null;
        if (++misses < limit) return null;
        lostDecided = true;
        return target.binding();
    }

    synchronized int misses() { return misses; }

    @Override public String toString() {
        return aor + " " + contact + " (" + target.binding().flow() + ")";
    }
}
