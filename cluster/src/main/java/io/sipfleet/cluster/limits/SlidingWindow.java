package io.sipfleet.cluster.limits;

/**
 * The most recent admissions of one scope, as a ring of their timestamps (oldest at {@code head}).
 * With a limit of L, admitting at {@code now} is allowed when fewer than L are held, or when the
 * L-th most recent admission is at least {@link #WINDOW_MILLIS} old: then any L+1 consecutive
 * admissions span at least a second, so no half-open one-second interval holds more than L.
 * O(1) per attempt.
 *
 * <p>The ring holds at least L timestamps, more after the limit was lowered: a limit raised back
 * within the same second must still see the admissions made under the higher one. It is cut down
 * to the current limit once the window has gone idle and the history no longer matters.
 *
 * <p>Not thread-safe: {@link InMemoryCpsLimiter} locks the window around every call.
 */
final class SlidingWindow {
    static final long WINDOW_MILLIS = 1000;

    private long[] ring;
    private int head;
    private int size;
    private long newest = Long.MIN_VALUE;
    /** Set under the lock when a sweep drops this window from the map: callers must look up again. */
    boolean retired;

    SlidingWindow(int limit) {
        ring = new long[limit];
    }

    boolean tryAdmit(long now, int limit) {
        if (size > 0 && now < newest) shift(now - newest);
        if (idleAt(now)) {
            // Nothing in the last second can count any more: start over, sized to this limit.
            size = 0;
            head = 0;
            if (ring.length != limit) ring = new long[limit];
        } else if (limit > ring.length) {
            grow(limit);
        }
        if (size >= limit && now - ring[(head + size - limit) % ring.length] < WINDOW_MILLIS) return false;
        if (size < ring.length) {
            ring[(head + size) % ring.length] = now;
            size++;
        } else {
            ring[head] = now;
            head = (head + 1) % ring.length;
        }
        newest = now;
        return true;
    }

    /** Nothing admitted in the last window: the window is equivalent to an empty one. */
    boolean idleAt(long now) {
        return size == 0 || now - newest >= WINDOW_MILLIS;
    }

    /** A higher limit (config reload): room for more timestamps, keeping all those held. */
    private void grow(int limit) {
        long[] next = new long[limit];
        for (int i = 0; i < size; i++) next[i] = ring[(head + i) % ring.length];
        ring = next;
        head = 0;
    }

    /**
     * The clock stepped back (a wall clock corrected by NTP). Moving the history by the same amount
     * keeps the spacing between admissions, so the window keeps its meaning in the new timeline;
     * clamping to the newest timestamp instead would refuse everything until the clock caught up.
     * O(L), only on a backward step.
     */
    private void shift(long delta) {
        for (int i = 0; i < size; i++) ring[(head + i) % ring.length] += delta;
        newest += delta;
    }
}
