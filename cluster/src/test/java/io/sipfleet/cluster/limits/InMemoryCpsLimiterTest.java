package io.sipfleet.cluster.limits;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@link CpsLimiterContract} against the in-memory limiter, and what only it does. */
class InMemoryCpsLimiterTest extends CpsLimiterContract {
    InMemoryCpsLimiter inMemory;

    @Override
    CpsLimiter newLimiter(LongSupplier millis) { return inMemory = new InMemoryCpsLimiter(millis); }

    @Test
    void zeroLimitLeavesNoScopeBehind() {
        assertThat(attempt("s", 0)).isFalse();
        assertThat(inMemory.scopes()).isZero();
    }

    @Test
    void sweepForgetsOnlyIdleScopes() {
        attempt("idle", 5);
        now.addAndGet(600);
        attempt("busy", 5);
        now.addAndGet(400);
        assertThat(inMemory.sweep(now.get())).isEqualTo(1);
        assertThat(inMemory.scopes()).isEqualTo(1);
        now.addAndGet(600);
        assertThat(limiter.sweep().toCompletableFuture().join()).isEqualTo(1);
        assertThat(inMemory.scopes()).isZero();
    }

    /**
     * Threads hammer a few scopes while time moves on each clock read and a sweeper drops idle
     * scopes. The clock is read once per attempt under the scope's lock, so each thread can record
     * the time its own admission was made at; no second of any scope may hold more than the limit.
     */
    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void concurrentAttemptsNeverOverAdmit() throws Exception {
        int threads = 8, attemptsPerThread = 20_000, limit = 25;
        String[] scopes = {"a", "b", "c"};
        AtomicLong reads = new AtomicLong();
        ThreadLocal<long[]> lastRead = ThreadLocal.withInitial(() -> new long[1]);
        // 1 ms every 16 reads: with 480,000 attempts over ~30 s of clock, most attempts are refused.
        InMemoryCpsLimiter shared = new InMemoryCpsLimiter(() -> {
            long t = reads.getAndIncrement() / 16;
            lastRead.get()[0] = t;
            return t;
        });
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        try {
            CountDownLatch go = new CountDownLatch(1);
            AtomicBoolean done = new AtomicBoolean();
            Future<?> sweeper = pool.submit(() -> {
                while (!done.get()) shared.sweep(reads.get() / 16 - 1);   // never ahead of any reader
            });
            List<Future<long[][]>> results = new ArrayList<>();
            for (int n = 0; n < threads; n++) {
                int seed = n;
                results.add(pool.submit(() -> {
                    long[][] mine = new long[scopes.length][attemptsPerThread];
                    int[] counts = new int[scopes.length];
                    go.await();
                    for (int i = 0; i < attemptsPerThread; i++) {
                        int s = (i * 7 + seed) % scopes.length;
                        if (shared.tryAcquire(scopes[s], limit).toCompletableFuture().join()) {
                            mine[s][counts[s]++] = lastRead.get()[0];
                        }
                    }
                    for (int s = 0; s < scopes.length; s++) mine[s] = Arrays.copyOf(mine[s], counts[s]);
                    return mine;
                }));
            }
            go.countDown();
            List<long[][]> all = new ArrayList<>();
            for (Future<long[][]> f : results) all.add(f.get());
            done.set(true);
            sweeper.get();

            long totalClockMillis = reads.get() / 16;
            for (int s = 0; s < scopes.length; s++) {
                int si = s;
                long[] admitted = all.stream().flatMapToLong(m -> Arrays.stream(m[si])).toArray();
                assertThat(busiestSecond(admitted)).as("scope %s", scopes[s]).isEqualTo(limit);
                // Saturated all along: close to limit per second of clock (not starved by the sweeper).
                assertThat(admitted.length).isGreaterThan((int) (totalClockMillis / 1000 * limit * 9 / 10));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
