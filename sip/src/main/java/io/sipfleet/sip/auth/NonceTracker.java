package io.sipfleet.sip.auth;

/**
 * Remembers, per nonce, the highest nonce-count accepted, so a captured request cannot be
 * replayed with the same nc (RFC 7616 section 3.4).
 *
 * <p>A fixed table of {@code capacity} slots, each holding one nonce (a 64-bit fingerprint of it),
 * its issue time and its highest nc, in one {@code long[]}: nothing is allocated per nonce, so at
 * thousands of challenges a second the tracker adds no garbage and no old-to-young references for
 * the collector to scan (the map-and-queue it replaces was a tenth of the event loop's time in the
 * REGISTER benchmark). Like Kamailio's nonce-id array, but keyed by the nonce's own MAC-derived
 * bits, so nonces of other nodes sharing the secret are tracked too.
 *
 * <p>A nonce hashes to one slot; a new nonce takes the slot over. Forgetting a live nonce would
 * reopen it to replay, so every slot keeps a watermark: the latest issue time of a nonce it
 * dropped. A nonce that is not in its slot and was issued at or before the slot's watermark may
 * have been dropped from there: it is refused as evicted (the client gets stale=true and a fresh
 * nonce: one extra round trip, never a replay). A nonce issued after the watermark cannot have
 * been in the slot before. Expired nonces never get here (the authenticator answers them stale
 * first), so taking over the slot of an expired one costs nobody anything.
 *
 * <p>Thread-safe: a slot is read and written under one of 64 striped monitors (a few
 * nanoseconds, no I/O inside).
 */
final class NonceTracker {

    enum Outcome { ACCEPTED, REPLAY, EVICTED }

    private static final int FIELDS = 4;              // fingerprint, issuedAt, highest nc, watermark
    private static final int STRIPES = 64;

    private final long[] slots;
    private final Object[] locks = new Object[STRIPES];
    private final long lifetimeMillis;
    private final int capacity;
    /** The latest time seen by {@link #accept}, for {@link #size()}. */
    private volatile long lastNow = Long.MIN_VALUE;

    NonceTracker(long lifetimeMillis, int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        this.lifetimeMillis = lifetimeMillis;
        this.capacity = capacity;
        this.slots = new long[capacity * FIELDS];
        for (int i = 0; i < capacity; i++) slots[i * FIELDS + 3] = Long.MIN_VALUE;
        for (int i = 0; i < STRIPES; i++) locks[i] = new Object();
    }

    /**
     * Records {@code nc} for {@code nonce} (issued at {@code issuedAt}) if it is above every nc
     * accepted so far for that nonce.
     */
    Outcome accept(String nonce, long issuedAt, long nc, long nowMillis) {
        if (nowMillis > lastNow) lastNow = nowMillis;
        long fp = fingerprint(nonce);
        int slot = slotOf(fp);
        int b = slot * FIELDS;
        synchronized (locks[slot % STRIPES]) {
            if (slots[b] == fp) {
                // Strictly increasing (RFC 7616 section 3.4: "if the same nc value is seen twice,
                // then the request is a replay"); a lower nc is an older capture. A client that
                // pipelines over UDP may see a reordered request refused; it retries with a higher nc.
                if (nc <= slots[b + 2]) return Outcome.REPLAY;
                slots[b + 2] = nc;
                return Outcome.ACCEPTED;
            }
            if (issuedAt <= slots[b + 3]) return Outcome.EVICTED;
            if (slots[b] != 0) slots[b + 3] = Math.max(slots[b + 3], slots[b + 1]); // dropping the old one
            slots[b] = fp;
            slots[b + 1] = issuedAt;
            slots[b + 2] = nc;
            return Outcome.ACCEPTED;
        }
    }

    /** The highest nc accepted for {@code nonce}, or 0 if it is not tracked. */
    long highestNc(String nonce) {
        long fp = fingerprint(nonce);
        int slot = slotOf(fp);
        synchronized (locks[slot % STRIPES]) {
            return slots[slot * FIELDS] == fp ? slots[slot * FIELDS + 2] : 0;
        }
    }

    /** How many tracked nonces were still live at the latest time {@link #accept} saw (a scan: for tests). */
    int size() {
        long now = lastNow;
        int n = 0;
        for (int i = 0; i < capacity; i++) {
            synchronized (locks[i % STRIPES]) {
                if (slots[i * FIELDS] != 0 && slots[i * FIELDS + 1] + lifetimeMillis > now) n++;
            }
        }
        return n;
    }

    /**
     * 64 bits of the nonce, never 0 (0 marks an empty slot). Only nonces whose MAC verified get
     * here, so nobody can choose them to collide.
     */
    private static long fingerprint(String nonce) {
        long h = 0x9E3779B97F4A7C15L;
        for (int i = 0, n = nonce.length(); i < n; i++) h = (h ^ nonce.charAt(i)) * 0x100000001B3L;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return h | 1L;
    }

    private int slotOf(long fp) {
        return (int) (((fp >>> 32) * capacity) >>> 32);
    }
}
