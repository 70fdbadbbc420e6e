package io.sipfleet.switching.auth;

import java.net.InetAddress;
import java.time.Clock;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scanner protection: failed authentications per source in a sliding window, and what the switch
 * does about a source that fails too often. A source is one IPv4 address, or one IPv6 /64 (a
 * single host gets a whole /64 and could otherwise rotate through it at no cost).
 *
 * <p>Stages, with L = {@code maxFailuresPerWindow} failures within {@code window}:
 * <ol>
 *   <li>up to L/2 failures: nothing;</li>
 *   <li>more than L/2: <em>slowed</em> ({@link #isSlowed}): {@link AuthGate} sends the answers to
 *       its failing requests only after {@code slowDownDelay} on the Netty timer. The transaction
 *       absorbs the UAC's retransmissions meanwhile, so a slowed scanner gets one answer per
 *       request, late, and no event loop waits;</li>
 *   <li>failure L+1: <em>blocked</em> for {@code block} ({@link #isBlocked}):
 *       {@link AuthGuardFilter} drops its requests before they cost a transaction, silently (an
 *       answer would confirm that something listens) and counted. The block is logged once at
 *       WARN when it starts, and once at INFO when it is over, with the number dropped.</li>
 * </ol>
 * {@link #success} ends the slow-down (an office NAT with one misconfigured phone must not slow
 * the other phones' calls) but keeps the failure history: otherwise one valid account would let
 * a scanner guess other passwords forever by interleaving a success now and then.
 *
 * <p>Memory is bounded: at most {@code maxTrackedSources} sources, each about 120 bytes plus 8
 * per failure held (at most L). A source leaves when it is neither blocked nor has a failure in
 * the window (sweeps run when the table is full, at most once a second, or on {@link #sweep}).
 * When the table is full of live sources, a few unblocked ones are evicted to make room; failing
 * that (all blocked), a new source is not tracked and counted in {@link #untrackedFailures}.
 *
 * <p>Thread-safe, non-blocking: a concurrent map and a short lock per source.
 */
public final class AuthFailureGuard {
    private static final Logger log = LoggerFactory.getLogger(AuthFailureGuard.class);
    public static final int DEFAULT_MAX_TRACKED_SOURCES = 65_536;
    private static final int EVICTION_PROBES = 32;
    private static final long SWEEP_INTERVAL_MILLIS = 1_000, UNTRACKED_WARN_INTERVAL_MILLIS = 60_000;

    private final AuthGuardSettings settings;
    private final Clock clock;
    private final int maxTracked;
    private final long windowMillis, blockMillis;
    private final ConcurrentHashMap<InetAddress, SourceFailures> sources = new ConcurrentHashMap<>();
    private final AtomicLong nextSweep = new AtomicLong(Long.MIN_VALUE), nextUntrackedWarn = new AtomicLong(Long.MIN_VALUE);
    private final LongAdder dropped = new LongAdder(), blocksStarted = new LongAdder(), untracked = new LongAdder();

    public AuthFailureGuard(AuthGuardSettings settings, Clock clock) {
        this(settings, clock, DEFAULT_MAX_TRACKED_SOURCES);
    }

    public AuthFailureGuard(AuthGuardSettings settings, Clock clock, int maxTrackedSources) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxTrackedSources < 1) throw new IllegalArgumentException("maxTrackedSources: " + maxTrackedSources);
        this.maxTracked = maxTrackedSources;
        this.windowMillis = settings.window().toMillis();
        this.blockMillis = settings.block().toMillis();
    }

    public AuthGuardSettings settings() { return settings; }

    /**
     * Whether requests from {@code source} are to be dropped now. Call once per request: a true
     * answer counts one dropped request.
     */
    public boolean isBlocked(InetAddress source) {
        SourceFailures s = source == null ? null : sources.get(key(source));
        if (s == null) return false;
        long now = clock.millis();
        synchronized (s) {
            if (s.blockedUntil > now) {
                s.droppedInBlock++;
                dropped.increment();
                return true;
            }
            if (s.blockedUntil != 0) endBlock(s);
        }
        return false;
    }

    /**
     * Whether answers to {@code source}'s failing requests are to be delayed by
     * {@code slowDownDelay}: more than half the limit failed, or the source is blocked (its
     * requests already in flight are still answered, late). Counts nothing.
     */
    public boolean isSlowed(InetAddress source) {
        if (!settings.enforcing() || settings.slowDownDelay().isZero() || source == null) return false;
        SourceFailures s = sources.get(key(source));
        if (s == null) return false;
        long now = clock.millis();
        synchronized (s) {
            if (s.blockedUntil > now) return true;
            s.prune(now - windowMillis);
            return !s.succeeded && s.size() >= settings.slowDownFrom();
        }
    }

    /** One failed authentication from {@code source}. */
    public void failure(InetAddress source) {
        if (source == null) return;
        InetAddress key = key(source);
        long now = clock.millis();
        int max = settings.maxFailuresPerWindow();
        boolean blocked = false, report = false;
        while (true) {
            SourceFailures s = sources.get(key);
            if (s == null && (s = track(key, now)) == null) return;
            synchronized (s) {
                if (s.retired) continue; // swept away while we waited: look up again
                if (s.blockedUntil > now) return; // was in flight when the block began
                if (s.blockedUntil != 0) endBlock(s);
                s.prune(now - windowMillis);
                s.succeeded = false;
                if (s.size() < max) {
                    s.add(now, max);
                } else if (settings.enforcing()) {
                    s.blockedUntil = now + blockMillis;
                    s.droppedInBlock = 0;
                    s.clear(); // a fresh start once the block is over
                    blocked = true;
                } else {
                    s.add(now, max); // count-only mode: the oldest gives way
                    report = !s.reported;
                    s.reported = true;
                }
            }
            break;
        }
        if (blocked) {
            blocksStarted.increment();
            log.warn("auth guard: blocking {} for {} s after {} failed authentications within {} s;"
                    + " its requests are dropped silently until then", text(key), blockMillis / 1000, max + 1,
                    windowMillis / 1000);
        } else if (report) {
            log.warn("auth guard: {} had {} failed authentications within {} s (not blocked: block time is 0)",
                    text(key), max + 1, windowMillis / 1000);
        }
    }

    /** A successful authentication from {@code source}: ends its slow-down (see class comment). */
    public void success(InetAddress source) {
        SourceFailures s = source == null ? null : sources.get(key(source));
        if (s != null) synchronized (s) { s.succeeded = true; }
    }

    /** Sources blocked now. O(tracked sources): for a metrics gauge, not per request. */
    public int blockedSources() {
        long now = clock.millis();
        int n = 0;
        for (SourceFailures s : sources.values()) {
            synchronized (s) { if (s.blockedUntil > now) n++; }
        }
        return n;
    }

    public int trackedSources() { return sources.size(); }

    /** Since start: requests dropped because their source was blocked; blocks started; failures
     *  not counted because the table was full of blocked sources. */
    public long droppedRequests() { return dropped.sum(); }

    public long blocksStarted() { return blocksStarted.sum(); }

    public long untrackedFailures() { return untracked.sum(); }

    /**
     * Forgets sources that are neither blocked nor have a failure in the window; logs the end of
     * their block. Returns how many left. The guard calls it itself when full; a periodic call
     * (every minute or so) keeps the table small and the unblock log lines timely.
     */
    public int sweep() {
        long now = clock.millis();
        int removed = 0;
        for (var it = sources.values().iterator(); it.hasNext(); ) {
            SourceFailures s = it.next();
            synchronized (s) {
                if (s.blockedUntil > now) continue;
                if (s.blockedUntil != 0) endBlock(s);
                s.prune(now - windowMillis);
                if (s.size() > 0) continue;
                s.retired = true;
                it.remove();
                removed++;
            }
        }
        return removed;
    }

    private SourceFailures track(InetAddress key, long now) {
        if (sources.size() >= maxTracked) {
            long due = nextSweep.get();
            if (now >= due && nextSweep.compareAndSet(due, now + SWEEP_INTERVAL_MILLIS)) sweep();
            if (sources.size() >= maxTracked && !evictOne()) {
                untracked.increment();
                long warn = nextUntrackedWarn.get();
                if (now >= warn && nextUntrackedWarn.compareAndSet(warn, now + UNTRACKED_WARN_INTERVAL_MILLIS)) {
                    log.warn("auth guard: {} sources tracked, all blocked; failures from new sources such as {}"
                            + " are not counted ({} so far)", sources.size(), text(key), untracked.sum());
                }
                return null;
            }
        }
        return sources.computeIfAbsent(key, SourceFailures::new);
    }

    /** Drops one source that is not blocked (a scanner spraying from many addresses churns these). */
    private boolean evictOne() {
        long now = clock.millis();
        Iterator<SourceFailures> it = sources.values().iterator();
        for (int i = 0; i < EVICTION_PROBES && it.hasNext(); i++) {
            SourceFailures s = it.next();
            synchronized (s) {
                if (s.blockedUntil > now) continue;
                s.retired = true;
                it.remove();
                return true;
            }
        }
        return false;
    }

    /** Caller holds the lock of {@code s}, whose block is over. */
    private void endBlock(SourceFailures s) {
        log.info("auth guard: {} unblocked; {} requests were dropped during its block", text(s.key), s.droppedInBlock);
        s.blockedUntil = 0;
        s.droppedInBlock = 0;
    }

    static InetAddress key(InetAddress a) { return SourceFailures.keyOf(a); }

    private static String text(InetAddress key) { return SourceFailures.text(key); }
}
