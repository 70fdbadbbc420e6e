package io.sipfleet.switching.auth;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * One source's state in {@link AuthFailureGuard}: the times of its recent failures as a ring
 * (oldest at {@code head}), grown on demand up to the limit so that the many sources a scan
 * touches once or twice cost a few bytes each, and its block. Guarded by its own monitor.
 */
final class SourceFailures {
    final InetAddress key;
    private long[] ring = new long[2];
    private int head, size;
    long blockedUntil;    // epoch millis; 0 = not blocked
    long droppedInBlock;  // requests dropped during the current block
    boolean succeeded;    // a success since the last failure: not slowed
    boolean reported;     // count-only mode: over the limit was logged for this burst
    boolean retired;      // removed from the guard's map: look up again

    SourceFailures(InetAddress key) { this.key = key; }

    int size() { return size; }

    /** Forgets failures at or before {@code horizon}. */
    void prune(long horizon) {
        while (size > 0 && ring[head] <= horizon) {
            head = (head + 1) % ring.length;
            size--;
        }
        if (size == 0) {
            head = 0;
            reported = false;
        }
    }

    /** Records a failure; at {@code max} held the oldest gives way. */
    void add(long now, int max) {
        if (size == ring.length && size < max) grow(Math.min(max, ring.length * 2));
        if (size < ring.length) {
            ring[(head + size) % ring.length] = now;
            size++;
        } else {
            ring[head] = now;
            head = (head + 1) % ring.length;
        }
    }

    void clear() {
        head = 0;
        size = 0;
        if (ring.length > 2) ring = new long[2];
    }

    private void grow(int capacity) {
        long[] next = new long[capacity];
        for (int i = 0; i < size; i++) next[i] = ring[(head + i) % ring.length];
        ring = next;
        head = 0;
    }

    /** The source an address counts for: itself (IPv4) or its /64 (IPv6). */
    static InetAddress keyOf(InetAddress a) {
        if (!(a instanceof Inet6Address)) return a;
        byte[] b = a.getAddress();
        for (int i = 8; i < 16; i++) b[i] = 0;
        try {
            return InetAddress.getByAddress(b); // a literal: no DNS
        } catch (UnknownHostException impossible) {
            return a;
        }
    }

    static String text(InetAddress key) {
        return key instanceof Inet6Address ? PeerText.ip(key) + "/64" : PeerText.ip(key);
    }
}
