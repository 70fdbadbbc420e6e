package io.sipfleet.cluster.location;

import java.util.Arrays;
import java.util.List;

/**
 * One AoR's bindings: an immutable array in lookup order ({@link AorUpdate#ORDER}), never empty,
 * replaced whole on every change. An array rather than a list or map: the typical AoR has one or
 * two bindings, and this costs 16 bytes plus a slot per binding.
 */
final class AorRecord {
    private final Binding[] bindings;

    AorRecord(Binding[] bindings) {
        this.bindings = bindings;
    }

    /** The stored array itself: callers must not modify it. */
    Binding[] bindings() { return bindings; }

    /** Unexpired bindings, already in lookup order. */
    List<Binding> live(long nowMillis) {
        int n = 0;
        for (Binding b : bindings) if (!b.isExpiredAt(nowMillis)) n++;
        if (n == bindings.length) return List.of(bindings);
        return List.of(liveArray(nowMillis, n));
    }

    Binding[] liveArray(long nowMillis, int liveCount) {
        Binding[] out = new Binding[liveCount];
        int i = 0;
        for (Binding b : bindings) if (!b.isExpiredAt(nowMillis)) out[i++] = b;
        return out;
    }

    Binding[] without(int index) {
        Binding[] out = new Binding[bindings.length - 1];
        System.arraycopy(bindings, 0, out, 0, index);
        System.arraycopy(bindings, index + 1, out, index, bindings.length - index - 1);
        return out;
    }

    long earliestExpiry() {
        long min = Long.MAX_VALUE;
        for (Binding b : bindings) min = Math.min(min, b.expiresAtMillis());
        return min;
    }

    @Override public String toString() { return Arrays.toString(bindings); }
}
