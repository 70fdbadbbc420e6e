package io.sipfleet.dispatching;

import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.transport.Inbound;
import io.sipfleet.sip.transport.SipHandler;
import io.sipfleet.sip.transport.SipSender;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Per-source request limiting in front of the transaction layer, like Kamailio's pike: each
 * source IP may send {@code maxPerSecond} requests per one-second window; the rest are dropped
 * silently (no answer: answering a flood is amplifying it) and counted. Dropping before the
 * transaction layer means a flood allocates no transactions. Responses always pass (they answer
 * our own requests), and exempt sources (the switches behind us) are never limited.
 *
 * <p>Memory is bounded: at most {@code maxSources} tracked sources. When the table is full, idle
 * entries (no request in the last window) are swept; if it is still full the request is dropped
 * (counted as {@code table_full}): under a spoofed-source flood new sources wait for the sweep
 * rather than the node running out of memory.
 */
final class SourceRateLimiter implements SipHandler {
    private static final class Window {
        volatile long second;
        final AtomicInteger count = new AtomicInteger();
    }

    private volatile int maxPerSecond;
    private final int maxSources;
    private final Predicate<InetAddress> exempt;
    private final SipHandler next;
    private final LongSupplier nanos;
    private final ConcurrentHashMap<InetAddress, Window> windows = new ConcurrentHashMap<>();
    private final LongAdder limited = new LongAdder();
    private final LongAdder tableFull = new LongAdder();
    private volatile long lastSweep;

    SourceRateLimiter(int maxPerSecond, int maxSources, Predicate<InetAddress> exempt, SipHandler next, LongSupplier nanos) {
        this.maxPerSecond = maxPerSecond;
        this.maxSources = maxSources;
        this.exempt = exempt;
        this.next = next;
        this.nanos = nanos;
    }

    @Override public void onMessage(Inbound inbound, SipSender sender) {
        int max = maxPerSecond;
        if (max > 0 && inbound.message() instanceof SipRequest && inbound.from().remote() != null
                && !admit(inbound.from().remote().getAddress(), max)) {
            return;
        }
        next.onMessage(inbound, sender);
    }

    /** True when a request from {@code source} may go on now. */
    boolean admit(InetAddress source) { return admit(source, maxPerSecond); }

    private boolean admit(InetAddress source, int maxPerSecond) {
        if (exempt.test(source)) return true;
        long second = nanos.getAsLong() / 1_000_000_000L;
        Window w = windows.get(source);
        if (w == null) {
            if (windows.size() >= maxSources) {
                sweep(second);
                if (windows.size() >= maxSources) {
                    tableFull.increment();
                    return false;
                }
            }
            w = windows.computeIfAbsent(source, k -> new Window());
        }
        if (w.second != second) {
            // A new window: whichever thread sees it first resets the count (a race costs a few
            // requests of slack at the window edge, never a lock on the hot path).
            w.second = second;
            w.count.set(0);
        }
        if (w.count.incrementAndGet() > maxPerSecond) {
            limited.increment();
            return false;
        }
        return true;
    }

    /** Forgets sources idle for a whole window; at most once per second. */
    void sweep(long second) {
        if (lastSweep == second) return;
        lastSweep = second;
        windows.entrySet().removeIf(e -> e.getValue().second < second - 1);
    }

    /** A config reload's new limit, in force from the next request. */
    void maxPerSecond(int limit) { this.maxPerSecond = limit; }

    long limited() { return limited.sum(); }

    long tableFull() { return tableFull.sum(); }

    int trackedSources() { return windows.size(); }
}
