package io.sipfleet.sip.auth;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Remembers, per nonce, the highest nonce-count accepted, so a captured request cannot be
 * replayed with the same nc (RFC 7616 section 3.4).
 *
 * <p>Memory is bounded twice. Entries leave in insertion order once their nonce expires: a nonce
 * is first tracked within its lifetime, so every entry is gone at most one lifetime after it was
 * added, and an expired nonce is answered "stale" before this table is consulted. And when more
 * than {@code capacity} nonces are live the oldest entries are dropped early; forgetting a live
 * nonce would reopen it to replay, so the issue time of every entry dropped early raises a
 * watermark, and an untracked nonce issued at or before the watermark is refused as evicted (the
 * client gets stale=true and a fresh nonce: one extra round trip under overload, never a replay).
 * Each call does O(1) amortised work: every entry is queued and dequeued once.
 */
final class NonceTracker {

    enum Outcome { ACCEPTED, REPLAY, EVICTED }

    /** One tracked nonce; the AtomicLong value is the highest nc accepted. */
    private static final class Entry extends AtomicLong {
        private static final long serialVersionUID = 1L;
        final String nonce;
        final long issuedAt;
        final long expiresAt;

        Entry(String nonce, long issuedAt, long expiresAt, long nc) {
            super(nc);
            this.nonce = nonce;
            this.issuedAt = issuedAt;
            this.expiresAt = expiresAt;
        }
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Entry> insertionOrder = new ConcurrentLinkedQueue<>();
    private final ReentrantLock evictionLock = new ReentrantLock();
    private final AtomicLong evictedWatermark = new AtomicLong(Long.MIN_VALUE);
    private final long lifetimeMillis;
    private final int capacity;

    NonceTracker(long lifetimeMillis, int capacity) {
        this.lifetimeMillis = lifetimeMillis;
        this.capacity = capacity;
    }

    /**
     * Records {@code nc} for {@code nonce} (issued at {@code issuedAt}) if it is above every nc
     * accepted so far for that nonce.
     */
    Outcome accept(String nonce, long issuedAt, long nc, long nowMillis) {
        evict(nowMillis);
        Entry entry = entries.get(nonce);
        if (entry == null) {
            if (issuedAt <= evictedWatermark.get()) {
                return Outcome.EVICTED;
            }
            Entry fresh = new Entry(nonce, issuedAt, issuedAt + lifetimeMillis, nc);
            entry = entries.putIfAbsent(nonce, fresh);
            if (entry == null) {
                insertionOrder.add(fresh);
                evict(nowMillis);
                return Outcome.ACCEPTED;
            }
        }
        // Strictly increasing (RFC 7616 section 3.4: "if the same nc value is seen twice, then
        // the request is a replay"); a lower nc is an older capture. A client that pipelines over
        // UDP may see a reordered request refused; it retries with a higher nc.
        long seen;
        do {
            seen = entry.get();
            if (nc <= seen) {
                return Outcome.REPLAY;
            }
        } while (!entry.compareAndSet(seen, nc));
        return Outcome.ACCEPTED;
    }

    /** The highest nc accepted for {@code nonce}, or 0 if it is not tracked. */
    long highestNc(String nonce) {
        Entry entry = entries.get(nonce);
        return entry == null ? 0 : entry.get();
    }

    /** How many nonces are tracked now. */
    int size() {
        return entries.size();
    }

    private void evict(long nowMillis) {
        // One evictor at a time, so the head it inspects is the head it polls; a thread that
        // finds the lock taken skips, as the holder is already draining the same queue.
        if (!evictionLock.tryLock()) {
            return;
        }
        try {
            Entry head;
            while ((head = insertionOrder.peek()) != null) {
                boolean expired = head.expiresAt <= nowMillis;
                if (!expired && entries.size() <= capacity) {
                    return;
                }
                insertionOrder.poll();
                if (!expired) {
                    // Raise the watermark before removing, so a concurrent accept() that no
                    // longer finds the entry is sure to see the watermark that refuses it.
                    evictedWatermark.accumulateAndGet(head.issuedAt, Math::max);
                }
                entries.remove(head.nonce, head);
            }
        } finally {
            evictionLock.unlock();
        }
    }
}
