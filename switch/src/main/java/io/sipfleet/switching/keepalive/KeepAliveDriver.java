package io.sipfleet.switching.keepalive;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keep-alive thread: runs the tick at a fixed rate (a late tick is caught up at once, so a GC
 * pause delays pings but never skips a slot). A tick that throws is logged and the next one runs
 * anyway: an uncaught exception would silently cancel a fixed-rate task, and with it every ping.
 */
final class KeepAliveDriver implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KeepAliveScheduler.class);

    private final Runnable tick;
    private ScheduledExecutorService executor; // guarded by this
    private ScheduledFuture<?> task;           // guarded by this
    private long periodNanos;                  // guarded by this

    KeepAliveDriver(Runnable tick) { this.tick = tick; }

    synchronized void start(long periodNanos) {
        if (executor != null) return;
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sip-keepalive");
            t.setDaemon(true);
            return t;
        });
        schedule(periodNanos);
    }

    /** A new tick period (interval changed); no-op before start. */
    synchronized void period(long nanos) {
        if (executor != null && nanos != periodNanos) schedule(nanos);
    }

    private void schedule(long nanos) {
        if (task != null) task.cancel(false);
        periodNanos = nanos;
        task = executor.scheduleAtFixedRate(this::safeTick, nanos, nanos, TimeUnit.NANOSECONDS);
    }

    private void safeTick() {
        try {
            tick.run();
        } catch (RuntimeException | Error e) {
            log.error("keep-alive: tick failed; pings of this slot may be missing", e);
            if (e instanceof Error err && !(err instanceof AssertionError)) throw err;
        }
    }

    @Override public synchronized void close() {
        if (executor == null) return;
        executor.shutdownNow();
        executor = null;
        task = null;
    }
}
