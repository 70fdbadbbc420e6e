package io.sipfleet.switching.sharing;

import io.sipfleet.cluster.location.Binding;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The changes to the bindings this switch owns, numbered, for its location sharing peers to pull
 * ("changes only, not full copies"). One owner: the switch feeds it from its registrar and its
 * location store's removals; the feed endpoint reads it.
 *
 * <p>A peer asks "what changed since {@code (epoch, seq)}". The epoch is drawn at random when the
 * switch starts, so a peer that last synced with an earlier run of this switch notices; the log
 * keeps the last {@link #capacity} changes, so a peer that was away longer than that notices too.
 * In both cases the answer is a reset: the full set of bindings once, then changes again.
 */
public final class ChangeLog {
    /** One change: a binding put (added or refreshed, with its new expiry) or deleted. */
    public record Change(long seq, boolean put, String aor, String contact, long expiresAtMillis, int q) {}

    /** What a peer gets: the changes after its {@code since}, or {@code reset} (it must take a full copy). */
    public record Since(long epoch, long seq, boolean reset, List<Change> changes) {}

    private final long epoch = new SecureRandom().nextLong() & Long.MAX_VALUE;
    private final int capacity;
    private final ArrayDeque<Change> changes;
    private long seq;

    public ChangeLog(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity: " + capacity);
        this.capacity = capacity;
        this.changes = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    public long epoch() { return epoch; }

    public synchronized long seq() { return seq; }

    /** A binding of ours was added or refreshed. */
    public void put(Binding b) { append(true, b); }

    /** A binding of ours is gone (unregistered, expired, replaced, dropped by keep-alive). */
    public void remove(Binding b) { append(false, b); }

    private synchronized void append(boolean put, Binding b) {
        if (changes.size() == capacity) changes.removeFirst();
        changes.addLast(new Change(++seq, put, b.aor(), b.contact(), b.expiresAtMillis(), b.q()));
        notifyAll(); // peers waiting in awaitAfter (long poll)
    }

    /**
     * Waits up to {@code timeoutMillis} for a change after {@code sinceSeq} (a peer's long poll:
     * its pull is answered as soon as something changes, or empty after the timeout). Returns at
     * once when the peer's position is not this run's (it needs a reset). Blocks the calling
     * thread: the feed's virtual thread, never a SIP event loop.
     */
    public synchronized void awaitAfter(long sinceEpoch, long sinceSeq, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (sinceEpoch == epoch && seq == sinceSeq) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) return;
            wait(left);
        }
    }

    /**
     * The changes after {@code sinceSeq} of {@code sinceEpoch}; a reset when the epoch is another
     * run's or the log no longer reaches back that far (the caller then sends the full set, and
     * {@link Since#seq} is where the peer continues from).
     */
    public synchronized Since since(long sinceEpoch, long sinceSeq) {
        long oldest = changes.isEmpty() ? seq + 1 : changes.peekFirst().seq();
        if (sinceEpoch != epoch || sinceSeq > seq || sinceSeq < oldest - 1) return new Since(epoch, seq, true, List.of());
        List<Change> out = new ArrayList<>((int) Math.min(seq - sinceSeq, 4096));
        for (var it = changes.descendingIterator(); it.hasNext(); ) {
            Change c = it.next();
            if (c.seq() <= sinceSeq) break;
            out.add(c);
        }
        java.util.Collections.reverse(out);
        return new Since(epoch, seq, false, out);
    }

    /** Changes held (for metrics and tests). */
    public synchronized int size() { return changes.size(); }
}
