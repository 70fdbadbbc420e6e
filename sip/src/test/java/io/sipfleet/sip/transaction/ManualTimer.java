package io.sipfleet.sip.transaction;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;
import java.time.Duration;
import java.util.HashSet;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Timer} whose clock only moves when the test calls {@link #advance}: due tasks run on
 * the caller's thread, in deadline order (ties in scheduling order), including tasks that other
 * tasks schedule within the advanced window. No threads, no sleeping.
 */
public final class ManualTimer implements Timer {
    private final PriorityQueue<Task> queue = new PriorityQueue<>((a, b) ->
            a.deadline != b.deadline ? Long.compare(a.deadline, b.deadline) : Long.compare(a.seq, b.seq));
    private long now; // nanos since creation
    private long seq;
    private boolean stopped;

    @Override public synchronized Timeout newTimeout(TimerTask task, long delay, TimeUnit unit) {
        if (stopped) throw new IllegalStateException("timer stopped");
        Task t = new Task(task, now + Math.max(0, unit.toNanos(delay)), seq++);
        queue.add(t);
        return t;
    }

    /** Moves the clock forward by {@code d}, running every task that falls due on the way. */
    public void advance(Duration d) {
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

    public void advanceMillis(long ms) { advance(Duration.ofMillis(ms)); }

    /** Current time in milliseconds since creation. */
    public synchronized long nowMillis() { return TimeUnit.NANOSECONDS.toMillis(now); }

    /** Every task ever scheduled, cancelled ones included (a timer made and cancelled at once still cost). */
    public synchronized long scheduled() { return seq; }

    /** Tasks scheduled and neither run nor cancelled. */
    public synchronized int pending() {
        int n = 0;
        for (Task t : queue) if (!t.cancelled) n++;
        return n;
    }

    /** When each pending task is due, in milliseconds since creation, soonest first. */
    public synchronized java.util.List<Long> pendingDeadlinesMillis() {
        java.util.List<Long> out = new java.util.ArrayList<>();
        for (Task t : queue) if (!t.cancelled) out.add(TimeUnit.NANOSECONDS.toMillis(t.deadline));
        java.util.Collections.sort(out);
        return out;
    }

    /** Where wall clocks driven by this timer start: a fixed instant, so runs are repeatable. */
    public static final long EPOCH_MILLIS = 1_700_000_000_000L;

    /** Manual time in nanoseconds (a System::nanoTime stand-in). */
    public synchronized long nanos() { return now; }

    /** A wall clock that moves only with {@link #advance}. */
    public java.time.Clock wallClock() {
        return new java.time.Clock() {
            @Override public java.time.ZoneId getZone() { return java.time.ZoneOffset.UTC; }
            @Override public java.time.Clock withZone(java.time.ZoneId zone) { return this; }
            @Override public long millis() { return EPOCH_MILLIS + TimeUnit.NANOSECONDS.toMillis(nanos()); }
            @Override public java.time.Instant instant() { return java.time.Instant.ofEpochMilli(millis()); }
        };
    }

    @Override public synchronized Set<Timeout> stop() {
        stopped = true;
        Set<Timeout> left = new HashSet<>();
        for (Task t : queue) if (!t.cancelled) left.add(t);
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
