package io.sipfleet.switching.keepalive;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Timer} whose time moves only when the test calls {@link #advance}: due tasks run on
 * the caller's thread in deadline order, including tasks scheduled by tasks within the window.
 * Also the tests' nano clock and wall clock, so RTTs, transaction timers and binding expiry all
 * read the same time. No threads, no sleeping.
 */
final class ManualTimer implements Timer {
    /** Wall-clock time at nanos 0. */
    static final long EPOCH_MILLIS = 1_700_000_000_000L;

    private final PriorityQueue<Task> queue = new PriorityQueue<>((a, b) ->
            a.deadline != b.deadline ? Long.compare(a.deadline, b.deadline) : Long.compare(a.seq, b.seq));
    private long now;
    private long seq;

    @Override public synchronized Timeout newTimeout(TimerTask task, long delay, TimeUnit unit) {
        Task t = new Task(task, now + Math.max(0, unit.toNanos(delay)), seq++);
        queue.add(t);
        return t;
    }

    void advance(Duration d) {
        long target;
        synchronized (this) { target = now + d.toNanos(); }
        while (true) {
            Task t;
            synchronized (this) {
                t = queue.peek();
                if (t == null || t.deadline > target) {
                    now = target;
                    return;
                }
                queue.poll();
                if (t.cancelled) continue;
                now = t.deadline;
                t.expired = true;
            }
            try {
                t.task.run(t);
            } catch (Exception e) {
                throw new AssertionError("timer task failed", e);
            }
        }
    }

    synchronized long nanos() { return now; }

    Clock wallClock() {
        return new Clock() {
            @Override public ZoneId getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(ZoneId zone) { return this; }
            @Override public long millis() { return EPOCH_MILLIS + TimeUnit.NANOSECONDS.toMillis(nanos()); }
            @Override public Instant instant() { return Instant.ofEpochMilli(millis()); }
        };
    }

    @Override public synchronized Set<Timeout> stop() {
        Set<Timeout> left = new HashSet<>(queue);
        queue.clear();
        return left;
    }

    private final class Task implements Timeout {
        final TimerTask task;
        final long deadline, seq;
        boolean cancelled, expired; // guarded by ManualTimer.this

        Task(TimerTask task, long deadline, long seq) {
            this.task = task;
            this.deadline = deadline;
            this.seq = seq;
        }

        @Override public Timer timer() { return ManualTimer.this; }
        @Override public TimerTask task() { return task; }
        @Override public boolean isExpired() { synchronized (ManualTimer.this) { return expired; } }
        @Override public boolean isCancelled() { synchronized (ManualTimer.this) { return cancelled; } }

        @Override public boolean cancel() {
            synchronized (ManualTimer.this) {
                if (cancelled || expired) return false;
                cancelled = true;
            }
            task.cancelled(this);
            return true;
        }
    }
}
