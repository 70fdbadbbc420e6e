package io.sipfleet.cluster.limits;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InMemoryCpsLimiterTest {
    final AtomicLong now = new AtomicLong(1_000_000);
    final InMemoryCpsLimiter limiter = new InMemoryCpsLimiter(now::get);

    boolean attempt(String scope, int limit) {
        return limiter.tryAcquire(scope, limit).toCompletableFuture().join();
    }

    /** The largest number of timestamps in any half-open one-second interval (checked from each one). */
    static int busiestSecond(long[] admitted) {
        long[] t = admitted.clone();
        Arrays.sort(t);
        int worst = 0;
        for (int i = 0, j = 0; i < t.length; i++) {
            while (j < t.length && t[j] < t[i] + 1000) j++;
            worst = Math.max(worst, j - i);
        }
        return worst;
    }

    @Test
    void thirtyAttemptsPerSecondAtLimitTenAdmitExactlyTenPerSecond() {
        long start = now.get();
        List<Long> admitted = new ArrayList<>();
        for (int i = 0; i < 300; i++) {                          // 30/s for 10 s
            now.set(start + i * 1000L / 30);
            if (attempt("trunk-1", 10)) admitted.add(now.get());
        }
        assertThat(admitted).hasSize(100);
        assertThat(busiestSecond(admitted.stream().mapToLong(Long::longValue).toArray())).isEqualTo(10);
    }

    @Test
    void noBurstOfTwiceTheLimitAcrossABoundary() {
        long t = now.get();
        now.set(t + 999);
        for (int i = 0; i < 10; i++) assertThat(attempt("s", 10)).isTrue();
        assertThat(attempt("s", 10)).isFalse();
        now.set(t + 1000);                                        // a fixed window would reset here
        for (int i = 0; i < 10; i++) assertThat(attempt("s", 10)).isFalse();
        now.set(t + 1998);
        assertThat(attempt("s", 10)).isFalse();
        now.set(t + 1999);                                        // exactly one second after the burst
        for (int i = 0; i < 10; i++) assertThat(attempt("s", 10)).isTrue();
        assertThat(attempt("s", 10)).isFalse();
    }

    @Test
    void spreadAdmissionsFreeUpOneByOne() {
        long t = now.get();
        for (int i = 0; i < 5; i++) {
            now.set(t + i * 100L);
            assertThat(attempt("s", 5)).isTrue();
        }
        now.set(t + 999);
        assertThat(attempt("s", 5)).isFalse();
        now.set(t + 1000);                                        // the one at t left the window
        assertThat(attempt("s", 5)).isTrue();
        assertThat(attempt("s", 5)).isFalse();
        now.set(t + 1100);
        assertThat(attempt("s", 5)).isTrue();
    }

    @Test
    void scopesAreIndependent() {
        for (int i = 0; i < 3; i++) assertThat(attempt("a", 3)).isTrue();
        assertThat(attempt("a", 3)).isFalse();
        assertThat(attempt("b", 3)).isTrue();
    }

    @Test
    void changedLimitAppliesFromTheNextAttempt() {
        long t = now.get();
        for (int i = 0; i < 10; i++) assertThat(attempt("s", 10)).isTrue();
        now.set(t + 500);
        assertThat(attempt("s", 5)).isFalse();                    // lowered: 10 already in the window
        assertThat(attempt("s", 20)).isTrue();                    // raised: room for 10 more
        for (int i = 0; i < 9; i++) assertThat(attempt("s", 20)).isTrue();
        assertThat(attempt("s", 20)).isFalse();
        now.set(t + 1000);                                        // the first 10 left the window
        for (int i = 0; i < 10; i++) assertThat(attempt("s", 20)).isTrue();
        assertThat(attempt("s", 20)).isFalse();
        now.set(t + 1500);
        // Lowered to 5: the 5 most recent (at t+1000) decide; none of those is a second old yet.
        assertThat(attempt("s", 5)).isFalse();
        now.set(t + 2000);
        for (int i = 0; i < 5; i++) assertThat(attempt("s", 5)).isTrue();
        assertThat(attempt("s", 5)).isFalse();
    }

    @Test
    void zeroAdmitsNothingAndBadLimitsFail() {
        assertThat(attempt("s", 0)).isFalse();
        assertThat(limiter.scopes()).isZero();
        assertThatThrownBy(() -> attempt("s", -1)).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> attempt("s", InMemoryCpsLimiter.MAX_LIMIT + 1))
                .hasCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void clockSteppingBackNeitherLocksOutNorOverAdmits() {
        long t = now.get();
        for (int i = 0; i < 10; i++) {
            now.set(t + i * 50L);
            assertThat(attempt("s", 10)).isTrue();
        }
        long back = t - 3_600_000;                                // wall clock corrected by an hour
        now.set(back);
        assertThat(attempt("s", 10)).isFalse();                   // the history moved with it:
        now.set(back + 549);                                      // t..t+450 became back-450..back
        assertThat(attempt("s", 10)).isFalse();
        now.set(back + 550);
        assertThat(attempt("s", 10)).isTrue();
    }

    @Test
    void sweepForgetsOnlyIdleScopes() {
        attempt("idle", 5);
        now.addAndGet(600);
        attempt("busy", 5);
        now.addAndGet(400);
        assertThat(limiter.sweep(now.get())).isEqualTo(1);
        assertThat(limiter.scopes()).isEqualTo(1);
        now.addAndGet(600);
        assertThat(limiter.sweep().toCompletableFuture().join()).isEqualTo(1);
        assertThat(limiter.scopes()).isZero();
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
