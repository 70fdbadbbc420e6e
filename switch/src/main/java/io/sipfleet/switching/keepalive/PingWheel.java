package io.sipfleet.switching.keepalive;

import java.util.Arrays;

/**
 * A bucket timing wheel: {@code slotCount} slots, one per tick of the interval, each a plain
 * array of the bindings pinged on that tick. The keep-alive thread visits one slot per tick, so
 * each binding is pinged once per revolution (= once per interval) and the load is the same on
 * every tick. No timer object per binding and ping: 100,000 bindings are 100,000 array cells.
 *
 * <p>Placement: a binding goes to the least loaded slot when it is added (first such slot, so
 * adding n bindings to an empty wheel fills it round-robin), which keeps every slot within one
 * of the others however bindings arrive: a mass re-registration after an outage does not turn
 * into a burst every interval. Removal swaps the slot's last binding into the hole (O(1)).
 *
 * <p>All methods synchronize on the wheel; the critical sections are short (the tick copies one
 * slot out and sends after releasing the lock).
 */
final class PingWheel {
    private static final Tracked[] EMPTY = new Tracked[0];

    private Tracked[][] slots;
    private int[] counts;
    private int cursor;
    private int size;

    PingWheel(int slotCount) {
        reset(slotCount);
    }

    private void reset(int slotCount) {
        if (slotCount < 1) throw new IllegalArgumentException("slotCount: " + slotCount);
        slots = new Tracked[slotCount][];
        Arrays.fill(slots, EMPTY);
        counts = new int[slotCount];
        cursor = 0;
        size = 0;
    }

    synchronized void add(Tracked t) {
        if (t.slot >= 0) return;
        int best = 0;
        int[] c = counts;
        for (int i = 1; i < c.length; i++) if (c[i] < c[best]) best = i;
        place(t, best);
    }

    private void place(Tracked t, int slot) {
        Tracked[] s = slots[slot];
        int n = counts[slot];
        if (n == s.length) slots[slot] = s = Arrays.copyOf(s, Math.max(8, n * 2));
        s[n] = t;
        t.slot = slot;
        t.index = n;
        counts[slot] = n + 1;
        size++;
    }

    synchronized void remove(Tracked t) {
        int slot = t.slot;
        if (slot < 0) return;
        Tracked[] s = slots[slot];
        int last = --counts[slot];
        Tracked moved = s[last];
        s[t.index] = moved;
        moved.index = t.index;
        s[last] = null;
        t.slot = -1;
        t.index = -1;
        size--;
    }

    /** The bindings of one tick, copied out of the wheel so they are sent without its lock. */
    static final class Batch {
        Tracked[] items = new Tracked[64];
        int count;

        /** Drops the references once sent, so the batch does not keep removed bindings alive. */
        void clear() {
            Arrays.fill(items, 0, count, null);
            count = 0;
        }
    }

    /**
     * Copies the slot under the cursor into {@code batch} and moves the cursor on. Returns true
     * when that slot was slot 0, the start of a revolution (for per-round summaries).
     */
    synchronized boolean takeNext(Batch batch) {
        int n = counts[cursor];
        if (batch.items.length < n) batch.items = new Tracked[Math.max(n, batch.items.length * 2)];
        System.arraycopy(slots[cursor], 0, batch.items, 0, n);
        batch.count = n;
        boolean roundStart = cursor == 0;
        cursor = cursor + 1 == slots.length ? 0 : cursor + 1;
        return roundStart;
    }

    /**
     * Re-spreads every binding over {@code slotCount} slots (interval or tick changed), evenly,
     * starting a new revolution. Nothing is lost; each binding's next ping falls somewhere in the
     * new interval.
     */
    synchronized void resize(int slotCount) {
        Tracked[] all = new Tracked[size];
        int k = 0;
        for (int i = 0; i < slots.length; i++) {
            for (int j = 0; j < counts[i]; j++) {
                Tracked t = slots[i][j];
                t.slot = -1;
                t.index = -1;
                all[k++] = t;
            }
        }
        reset(slotCount);
        for (int i = 0; i < all.length; i++) place(all[i], i % slotCount);
    }

    synchronized int slotCount() { return slots.length; }

    synchronized int size() { return size; }

    /** Bindings per slot, slot 0 first (tests, and a gauge of the spread). */
    synchronized int[] loads() { return counts.clone(); }
}
