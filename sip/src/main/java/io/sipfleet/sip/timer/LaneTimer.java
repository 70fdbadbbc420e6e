package io.sipfleet.sip.timer;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;
import java.util.Collections;
import java.util.HashSet;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Timer} for SIP's timer mix: a few fixed delays (T1 doublings 0.5-4 s, T4 5 s, 64*T1
 * 32 s, the 200 ms Trying) set hundreds of thousands of times per second, most of them cancelled.
 *
 * <p>Why not Netty's {@code HashedWheelTimer}: its 512-slot, 10 ms wheel turns once every 5.12 s,
 * so each 32 s timeout is walked on about six turns, and every tick walks its bucket's whole list;
 * at 12,000 REGISTER pairs/s (770,000 pending Timer J timeouts) that walk was 14 % of the switch's
 * Java samples. Here every distinct delay (rounded up to the tick) has its own FIFO <em>lane</em>:
 * entries join a lane in deadline order (the deadline is taken under the lane's lock), so expiry
 * only ever looks at a lane's head: O(1) per timeout, no walking of what is not due.
 * Delays beyond {@link #MAX_LANES} distinct values share one priority queue (O(log n)).
 *
 * <p>A lane is a doubly linked list through its entries, so cancelling unlinks the entry at once
 * (O(1)): most timeouts are cancelled long before their deadline (a call's session timer of hours,
 * Timer C's 3 minutes, the 32 s Timer B of every answered INVITE), and an entry left in its lane
 * until then kept memory growing for the length of the longest delay (arithmetic: a 2-hour session
 * timer at 5,000 calls/s is 36 million entries, over 1 GB), each one promoted, then marked by every
 * concurrent cycle; cancelling early took the switch from 113 to 95 µs per call at 6,000 calls/s
 * (bench/RESULTS.md). Entries in the shared priority queue are only marked (they leave at their
 * deadline). Tasks run on the timer's single thread, one after another, as with Netty's timers;
 * a task that throws is logged and the others still run.
 */
public final class LaneTimer implements Timer {
    private static final Logger log = LoggerFactory.getLogger(LaneTimer.class);
    /** More distinct delays than this go to the shared priority queue. */
    static final int MAX_LANES = 128;

    private final long tickNanos;
    private final ConcurrentHashMap<Long, Lane> lanes = new ConcurrentHashMap<>();
    private volatile Lane[] laneArray = new Lane[0];
    private final Object laneArrayLock = new Object();
    private final Overflow overflow = new Overflow();
    private final Thread worker;
    private final AtomicBoolean stopped = new AtomicBoolean();

    /** Starts the timer thread (a daemon named {@code name}) ticking every {@code tick}. */
    public LaneTimer(String name, long tick, TimeUnit unit) {
        this.tickNanos = Math.max(unit.toNanos(tick), TimeUnit.MILLISECONDS.toNanos(1));
        this.worker = Thread.ofPlatform().name(name).daemon(true).unstarted(this::run);
        worker.start();
    }

    @Override public Timeout newTimeout(TimerTask task, long delay, TimeUnit unit) {
        if (task == null) throw new NullPointerException("task");
        if (stopped.get()) throw new IllegalStateException("timer stopped");
        long ticks = Math.max(1, (unit.toNanos(Math.max(delay, 0)) + tickNanos - 1) / tickNanos);
        Lane lane = lanes.get(ticks);
        if (lane == null) lane = laneFor(ticks);
        Entry e = new Entry(this, lane, task);
        if (lane != null) lane.add(e, ticks * tickNanos);
        else overflow.add(e, unit.toNanos(Math.max(delay, 0)));
        return e;
    }

    private Lane laneFor(long ticks) {
        synchronized (laneArrayLock) {
            Lane lane = lanes.get(ticks);
            if (lane != null) return lane;
            if (laneArray.length >= MAX_LANES) return null;
            lane = new Lane();
            lanes.put(ticks, lane);
            Lane[] next = java.util.Arrays.copyOf(laneArray, laneArray.length + 1);
            next[next.length - 1] = lane;
            laneArray = next;
            return lane;
        }
    }

    private void run() {
        long next = System.nanoTime() + tickNanos;
        while (!stopped.get()) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(this, wait);
                continue;
            }
            long now = System.nanoTime();
            for (Lane lane : laneArray) lane.expire(now);
            overflow.expire(now);
            next += tickNanos;
            if (next < now) next = now + tickNanos; // fell behind (a long task): do not burst
        }
    }

    /** Stops the thread; returns the timeouts that had not expired nor been cancelled. */
    @Override public Set<Timeout> stop() {
        if (!stopped.compareAndSet(false, true)) return Collections.emptySet();
        LockSupport.unpark(worker);
        if (Thread.currentThread() != worker) {
            try {
                worker.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Set<Timeout> pending = new HashSet<>();
        for (Lane lane : laneArray) lane.drainPending(pending);
        overflow.drainPending(pending);
        return pending;
    }

    /** Timeouts waiting (in the shared priority queue, cancelled ones until their deadline): for metrics and tests. */
    public int pending() {
        int n = overflow.size();
        for (Lane lane : laneArray) n += lane.size();
        return n;
    }

    private static void runTask(Entry e) {
        TimerTask task = e.expire();
        if (task == null) return;
        try {
            task.run(e);
        } catch (Throwable t) {
            log.warn("timer task {} threw: {}", task, t.toString(), t);
        }
    }

    /** One delay's entries, in deadline order: a doubly linked list through them, guarded by this. */
    private static final class Lane {
        private Entry head, tail;
        private int size;

        synchronized void add(Entry e, long delayNanos) {
            e.deadline = System.nanoTime() + delayNanos; // under the lock: keeps the list sorted
            e.prev = tail;
            if (tail == null) head = e;
            else tail.next = e;
            tail = e;
            e.linked = true;
            size++;
        }

        /** Takes {@code e} out if it is still in the list (expiry may have taken it first). */
        synchronized void unlink(Entry e) {
            if (!e.linked) return;
            Entry p = e.prev, n = e.next;
            if (p == null) head = n;
            else p.next = n;
            if (n == null) tail = p;
            else n.prev = p;
            e.prev = e.next = null;
            e.linked = false;
            size--;
        }

        void expire(long now) {
            while (true) {
                Entry e;
                synchronized (this) {
                    e = head;
                    if (e == null || e.deadline - now > 0) return;
                    unlink(e);
                }
                runTask(e);
            }
        }

        synchronized int size() { return size; }

        synchronized void drainPending(Set<Timeout> out) {
            for (Entry e = head; e != null; e = e.next) if (e.isPending()) out.add(e);
            head = tail = null;
            size = 0;
        }
    }

    /** Delays that did not get a lane: a heap by deadline. */
    private static final class Overflow {
        private final PriorityQueue<Entry> heap = new PriorityQueue<>((a, b) -> Long.compare(a.deadline - b.deadline, 0));

        synchronized void add(Entry e, long delayNanos) {
            e.deadline = System.nanoTime() + delayNanos;
            heap.add(e);
        }

        void expire(long now) {
            while (true) {
                Entry e;
                synchronized (this) {
                    e = heap.peek();
                    if (e == null || e.deadline - now > 0) return;
                    heap.poll();
                }
                runTask(e);
            }
        }

        synchronized int size() { return heap.size(); }

        synchronized void drainPending(Set<Timeout> out) {
            for (Entry e : heap) if (e.isPending()) out.add(e);
            heap.clear();
        }
    }

    /** A pending timeout. State changes under its own monitor: cancel and expiry race. */
    private static final class Entry implements Timeout {
        private static final int PENDING = 0, CANCELLED = 1, EXPIRED = 2;
        private final LaneTimer timer;
        /** The lane holding this entry, or null in the shared priority queue. */
        private final Lane lane;
        private TimerTask task; // null once cancelled or expired: nothing keeps its captures alive
        private int state;
        long deadline; // set once, under the lane's lock, before the entry is visible to the worker
        // The lane's list: guarded by the lane's lock, not this entry's.
        Entry prev, next;
        boolean linked;

        Entry(LaneTimer timer, Lane lane, TimerTask task) {
            this.timer = timer;
            this.lane = lane;
            this.task = task;
        }

        @Override public Timer timer() { return timer; }

        @Override public synchronized TimerTask task() { return task; }

        @Override public synchronized boolean isExpired() { return state == EXPIRED; }

        @Override public synchronized boolean isCancelled() { return state == CANCELLED; }

        synchronized boolean isPending() { return state == PENDING; }

        @Override public boolean cancel() {
            synchronized (this) {
                if (state != PENDING) return false;
                state = CANCELLED;
                task = null;
            }
            // Outside this entry's lock: expiry takes the lane's lock, then (running the task)
            // this one; never the other way round.
            if (lane != null) lane.unlink(this);
            return true;
        }

        /** The task to run, or null when cancelled. */
        synchronized TimerTask expire() {
            if (state != PENDING) return null;
            state = EXPIRED;
            TimerTask t = task;
            task = null;
            return t;
        }
    }
}
