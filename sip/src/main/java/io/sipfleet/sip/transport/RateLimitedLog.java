package io.sipfleet.sip.transport;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs at WARN at most once per interval and at DEBUG otherwise, with the number of events the
 * WARN lines skipped. A flood of bad packets must not become a flood of log lines (or a disk
 * full), but the first one of a burst must be visible at the default level. Lock-free: one CAS.
 */
final class RateLimitedLog {
    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong nextWarn = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    RateLimitedLog(Logger log, long interval, TimeUnit unit) {
        this.log = log;
        this.intervalNanos = unit.toNanos(interval);
    }

    /** {@code format} uses SLF4J {} placeholders. */
    void warn(String format, Object... args) {
        long now = System.nanoTime(), next = nextWarn.get();
        if ((next == Long.MIN_VALUE || now - next >= 0) && nextWarn.compareAndSet(next, now + intervalNanos)) {
            long skipped = suppressed.getAndSet(0);
            if (skipped > 0) {
                log.warn(format + " (and {} similar events since the last warning, logged at DEBUG)",
                        append(args, skipped));
            } else {
                log.warn(format, args);
            }
        } else {
            suppressed.incrementAndGet();
            if (log.isDebugEnabled()) log.debug(format, args);
        }
    }

    private static Object[] append(Object[] args, Object extra) {
        // SLF4J treats a trailing Throwable as the exception: keep it last.
        if (args.length > 0 && args[args.length - 1] instanceof Throwable t) {
            Object[] out = new Object[args.length + 1];
            System.arraycopy(args, 0, out, 0, args.length - 1);
            out[args.length - 1] = extra;
            out[args.length] = t;
            return out;
        }
        Object[] out = java.util.Arrays.copyOf(args, args.length + 1);
        out[args.length] = extra;
        return out;
    }
}
