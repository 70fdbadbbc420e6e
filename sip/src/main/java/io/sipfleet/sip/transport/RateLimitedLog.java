package io.sipfleet.sip.transport;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * Logs at its level (WARN, or INFO) at most once per interval and at DEBUG otherwise, with the
 * number of events the visible lines skipped. A flood of bad packets, or of calls a silent trunk
 * leaves unanswered, must not become a flood of log lines (each a write on the thread that logs,
 * an event loop more often than not, or a disk full), but the first one of a burst must be
 * visible at the default level. Lock-free: one CAS.
 */
public final class RateLimitedLog {
    private final Logger log;
    private final Level level;
    private final long intervalNanos;
    private final LongSupplier nanos;
    private final AtomicLong nextVisible = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    /** WARN once per interval. */
    public RateLimitedLog(Logger log, long interval, TimeUnit unit) {
        this(log, Level.WARN, interval, unit, System::nanoTime);
    }

    /** {@code level} once per interval (WARN or INFO; the rest go to DEBUG). */
    public RateLimitedLog(Logger log, Level level, long interval, TimeUnit unit) {
        this(log, level, interval, unit, System::nanoTime);
    }

    RateLimitedLog(Logger log, Level level, long interval, TimeUnit unit, LongSupplier nanos) {
        if (level != Level.WARN && level != Level.INFO) throw new IllegalArgumentException("WARN or INFO, not " + level);
        this.log = log;
        this.level = level;
        this.intervalNanos = unit.toNanos(interval);
        this.nanos = nanos;
    }

    /** {@code format} uses SLF4J {} placeholders; logged at this log's level or DEBUG. */
    public void log(String format, Object... args) {
        long now = nanos.getAsLong(), next = nextVisible.get();
        if ((next == Long.MIN_VALUE || now - next >= 0) && nextVisible.compareAndSet(next, now + intervalNanos)) {
            long skipped = suppressed.getAndSet(0);
            if (skipped > 0) {
                log.atLevel(level).log(format + " (and {} similar events since the last such line, logged at DEBUG)",
                        append(args, skipped));
            } else {
                log.atLevel(level).log(format, args);
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
