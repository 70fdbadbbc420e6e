package io.sipfleet.cluster.limits;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The leases of one scope: callKey to expiry, in access order. Every touch (acquire, refresh)
 * sets the expiry to now + TTL and moves the lease to the tail, and the TTL is the same for all,
 * so expiries rise from head to tail and purging expired leases only looks at the head: O(1)
 * amortised, however many channels the scope holds.
 *
 * <p>Not thread-safe: {@link InMemoryChannelCounter} locks the scope around every call.
 */
final class ScopeLeases {
    private final LinkedHashMap<String, Long> expiries = new LinkedHashMap<>(16, 0.75f, true);
    /** Set under the lock when an empty scope is dropped from the map: callers must look up again. */
    boolean retired;

    /** Drops leases expired at {@code now}; returns how many. */
    int purge(long now) {
        int dropped = 0;
        for (Iterator<Map.Entry<String, Long>> it = expiries.entrySet().iterator(); it.hasNext(); ) {
            if (it.next().getValue() > now) break;
            it.remove();
            dropped++;
        }
        return dropped;
    }

    boolean holds(String callKey) { return expiries.containsKey(callKey); }

    /** Sets the expiry of {@code callKey} (new or existing) and moves it to the tail. */
    void touch(String callKey, long expiresAt) { expiries.put(callKey, expiresAt); }

    boolean release(String callKey) { return expiries.remove(callKey) != null; }

    int size() { return expiries.size(); }

    boolean isEmpty() { return expiries.isEmpty(); }
}
