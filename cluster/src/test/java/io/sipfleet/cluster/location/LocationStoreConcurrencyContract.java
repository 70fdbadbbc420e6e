package io.sipfleet.cluster.location;

import io.sipfleet.cluster.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.sipfleet.cluster.location.Registers.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Threads register, refresh, unregister, drop and sweep the same few AoRs while time moves on,
 * each through its own store instance ({@link #stores}: one shared store in memory, one store per
 * connection on Redis, as switches would). Per AoR and Call-ID, CSeqs only grow, so every REGISTER
 * must succeed; the binding gauge must match what is stored, and the removal events, summed over
 * the instances, must account for every binding that went exactly once (listeners are local: a
 * removal is reported by the instance that made it).
 */
abstract class LocationStoreConcurrencyContract {

    /** {@code n} instances of one empty store, all on {@code clock}. */
    abstract List<LocationStore> stores(MutableClock clock, int n);

    abstract int opsPerThread();

    /** AoRs the store holds anything for (expired bindings included until swept). */
    abstract int heldAors();

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void concurrentUpdatesKeepTheStoreConsistent() throws Exception {
        int threads = 8, opsPerThread = opsPerThread(), aors = 16, contactsPerThread = 3;
        MutableClock clock = new MutableClock(1_700_000_000_000L);
        List<LocationStore> instances = stores(clock, threads);
        LocationStore store = instances.getFirst();
        AtomicInteger removedEvents = new AtomicInteger();
        for (LocationStore s : instances.stream().distinct().toList()) {
            s.addListener((b, cause) -> removedEvents.incrementAndGet());
        }
        AtomicInteger addedTotal = new AtomicInteger(), removedByRequests = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        AtomicLong[] cseqs = new AtomicLong[threads];

        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int n = 0; n < threads; n++) {
                int id = n;
                cseqs[n] = new AtomicLong();
                LocationStore mine = instances.get(n);
                futures.add(pool.submit(() -> {
                    SplittableRandom rnd = new SplittableRandom(id);
                    go.await();
                    for (int i = 0; i < opsPerThread; i++) {
                        String aor = "sip:u" + rnd.nextInt(aors) + "@example.net";
                        String contact = "sip:t" + id + "c" + rnd.nextInt(contactsPerThread) + "@10.0.0." + id;
                        int op = rnd.nextInt(10);
                        if (op == 0) {
                            clock.advance(rnd.nextInt(3_000));
                            get(mine.sweep());
                        } else if (op == 1) {
                            get(mine.remove(aor, contact));
                        } else {
                            // One Call-ID per thread, so this thread's CSeqs always rise.
                            int expires = op == 2 ? 0 : 1 + rnd.nextInt(10);
                            RegistrationResult r = get(mine.register(aor, req("cid-" + id, cseqs[id].incrementAndGet(),
                                    clock.millis(), c(contact, expires))));
                            if (!r.isOk()) failures.incrementAndGet();
                            addedTotal.addAndGet(r.added().size());
                            removedByRequests.addAndGet(r.removed().size());
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : futures) f.get();
        } finally {
            pool.shutdownNow();
        }

        assertThat(failures.get()).isZero();
        int stored = 0;
        for (int a = 0; a < aors; a++) {
            stored += get(store.lookup("sip:u" + a + "@example.net")).size();
        }
        int held = get(store.count());              // also counts expired, not yet swept
        assertThat(held).isGreaterThanOrEqualTo(stored);
        // Everything ever added is either still held or was reported removed (exactly once).
        assertThat(addedTotal.get()).isEqualTo(held + removedEvents.get());
        assertThat(removedEvents.get()).isGreaterThanOrEqualTo(removedByRequests.get());

        clock.advance(60_000);
        get(store.sweep());
        assertThat(get(store.count())).isZero();
        assertThat(heldAors()).isZero();
        assertThat(addedTotal.get()).isEqualTo(removedEvents.get());
    }
}
