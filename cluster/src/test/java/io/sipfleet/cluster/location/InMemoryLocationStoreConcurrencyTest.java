package io.sipfleet.cluster.location;

import io.sipfleet.cluster.MutableClock;

import java.util.Collections;
import java.util.List;

/** {@link LocationStoreConcurrencyContract} on one in-memory store shared by all threads. */
class InMemoryLocationStoreConcurrencyTest extends LocationStoreConcurrencyContract {
    InMemoryLocationStore store;

    @Override
    List<LocationStore> stores(MutableClock clock, int n) {
        store = new InMemoryLocationStore(clock);
        return Collections.nCopies(n, store);
    }

    @Override
    int opsPerThread() { return 4_000; }

    @Override
    int heldAors() { return store.aorCount(); }
}
