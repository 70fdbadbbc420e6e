package io.sipfleet.cluster.location;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Shares one String instance for values that repeat across many bindings (member ids, local
 * listener addresses, user agents): 100,000 bindings from a dozen phone models then hold a dozen
 * User-Agent strings, not 100,000. Bounded, so values of unbounded cardinality (a UA string with a
 * serial number in it) cost at most {@code capacity} entries and are then simply not shared.
 */
final class Interner {
    private final ConcurrentHashMap<String, String> values = new ConcurrentHashMap<>();
    private final int capacity;

    Interner(int capacity) { this.capacity = capacity; }

    String intern(String s) {
        if (s == null) return null;
        String shared = values.get(s);
        if (shared != null) return shared;
        if (values.size() >= capacity) return s;
        shared = values.putIfAbsent(s, s);
        return shared == null ? s : shared;
    }

    int size() { return values.size(); }
}
