package io.sipfleet.switching.auth;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;
import java.time.Duration;
import java.util.HashSet;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A Netty {@link Timer} whose time moves only on {@link #advance}: due tasks run on the caller's
 * thread in deadline order. No threads, no sleeping.
 */
public final class ManualTimer implements Timer {
    private final PriorityQueue<Task> queue = new PriorityQueue<>((a, b) ->
            a.deadline != b.deadline ? Long.compare(a.deadline, b.deadline) : Long.compare(a.seq, b.seq));
    private long now, seq;

    @Override public synchronized Timeout newTimeout(TimerTask task, long delay, TimeUnit unit) {
        Task t = new Task(task, now + Math.max(0, unit.toNanos(delay)), seq++);
        queue.add(t);
        return t;
    }

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

    /** Tasks neither run nor cancelled. */
    public synchronized int pending() {
        int n = 0;
        for (Task t : queue) if (!t.cancelled) n++;
        return n;
    }

    @Override public synchronized Set<Timeout> stop() {
        Set<Timeout> left = new HashSet<>(queue);
        queue.clear();
        return left;
    }

    private final class Task implements Timeout {
        final TimerTask task;
        final long deadline, seq;
        boolean cancelled, expired;

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
            return true;
        }
    }
}
