package io.sipfleet.switching.keepalive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * REGISTERs and unREGISTERs on several "event loops" while the wheel ticks: no deadlock, no
 * binding lost or duplicated on the wheel, no exception.
 */
class KeepAliveConcurrencyTest {

    @Test void trackingAndUntrackingWhileTickingKeepsTheWheelConsistent() {
        Harness h = new Harness();
        int threads = 4, perThread = 2_000;
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            CountDownLatch go = new CountDownLatch(1);
            AtomicBoolean done = new AtomicBoolean();
            List<Thread> workers = new ArrayList<>();
            List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int w = 0; w < threads; w++) {
                int id = w;
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                        for (int i = 0; i < perThread; i++) {
                            String aor = "sip:w" + id + "u" + i + "@example.com";
                            String contact = "sip:w" + id + "u" + i + "@10.0." + id + ".1";
                            h.register(aor, contact, "203.0.113." + (id + 1), 10_000 + i);
                            if (i % 2 == 1) h.scheduler.untrack(aor, contact);
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                });
                t.start();
                workers.add(t);
            }
            go.countDown();
            // Less than one revolution of the wheel: no binding is pinged twice, so none can be
            // dropped as lost (a ping still unanswered when the next leaves counts as a miss),
            // which would make the count below depend on thread timing.
            int maxTicks = h.scheduler.slotLoads().length - 1;
            Thread ticker = new Thread(() -> {
                for (int n = 0; n < maxTicks && !done.get(); n++) {
                    h.scheduler.tick();
                    Thread.onSpinWait();
                }
            });
            ticker.start();
            for (Thread t : workers) t.join();
            done.set(true);
            ticker.join();
            assertThat(errors).isEmpty();
        });
        int expected = threads * perThread / 2;
        assertThat(h.scheduler.stats().tracked()).isEqualTo(expected);
        assertThat(Arrays.stream(h.scheduler.slotLoads()).sum()).isEqualTo(expected);

        h.net.clear();
        h.tickOnly(30);
        assertThat(h.net.pings()).hasSize(expected);
        assertThat(h.net.pings().stream().map(s -> s.request().requestUri().toString()).distinct()).hasSize(expected);
    }
}
