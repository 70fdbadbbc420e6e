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
 * Threads register, refresh, unregister, drop and sweep the same few AoRs while time moves on.
 * Per AoR and Call-ID, CSeqs only grow, so every REGISTER must succeed; the binding gauge must
 * match what is stored, and the removal events must account for every binding that went.
 */
class InMemoryLocationStoreConcurrencyTest {

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void concurrentUpdatesKeepTheStoreConsistent() throws Exception {
        int threads = 8, opsPerThread = 4_000, aors = 16, contactsPerThread = 3;
        MutableClock clock = new MutableClock(1_700_000_000_000L);
        InMemoryLocationStore store = new InMemoryLocationStore(clock);
        AtomicInteger removedEvents = new AtomicInteger();
        store.addListener((b, cause) -> removedEvents.incrementAndGet());
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
                futures.add(pool.submit(() -> {
                    SplittableRandom rnd = new SplittableRandom(id);
                    go.await();
                    for (int i = 0; i < opsPerThread; i++) {
                        String aor = "sip:u" + rnd.nextInt(aors) + "@example.net";
                        String contact = "sip:t" + id + "c" + rnd.nextInt(contactsPerThread) + "@10.0.0." + id;
                        int op = rnd.nextInt(10);
                        if (op == 0) {
                            clock.advance(rnd.nextInt(3_000));
                            store.sweep(clock.millis());
                        } else if (op == 1) {
                            store.remove(aor, contact);
                        } else {
                            // One Call-ID per thread, so this thread's CSeqs always rise.
                            int expires = op == 2 ? 0 : 1 + rnd.nextInt(10);
                            RegistrationResult r = get(store.register(aor, req("cid-" + id, cseqs[id].incrementAndGet(),
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
        store.sweep(clock.millis());
        assertThat(get(store.count())).isZero();
        assertThat(store.aorCount()).isZero();
        assertThat(addedTotal.get()).isEqualTo(removedEvents.get());
    }
}
