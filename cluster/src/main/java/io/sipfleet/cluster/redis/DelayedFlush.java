package io.sipfleet.cluster.redis;

import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * "What is queued goes to Redis at the latest this long from now": at most one flush scheduled at
 * a time, however many callers ask. The batched writers of the cluster state (REGISTERs, channel
 * releases) queue their work and {@link #request()} a flush; the flush takes whatever is queued
 * when it runs. A scheduler that refuses (shutting down) gets the flush run at once, on the caller,
 * so nothing queued is left behind.
 *
 * <p>The schedule is cleared before the flush runs, so work queued while it runs asks for (and
 * gets) a flush of its own.
 */
public final class DelayedFlush {
    private final ScheduledExecutorService scheduler;
    private final long delayMicros;
    private final Runnable flush;
    private final AtomicBoolean scheduled = new AtomicBoolean();

    public DelayedFlush(ScheduledExecutorService scheduler, long delayMicros, Runnable flush) {
        if (delayMicros < 0) throw new IllegalArgumentException("flush delay must be >= 0 us: " + delayMicros);
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.delayMicros = delayMicros;
        this.flush = Objects.requireNonNull(flush, "flush");
    }

    /** Makes sure a flush runs within the delay (one already scheduled will do). */
    public void request() {
        if (!scheduled.compareAndSet(false, true)) return;
        try {
            scheduler.schedule(this::run, delayMicros, TimeUnit.MICROSECONDS);
        } catch (RuntimeException shutDown) {
            run();
        }
    }

    private void run() {
        scheduled.set(false);
        flush.run();
    }
}
