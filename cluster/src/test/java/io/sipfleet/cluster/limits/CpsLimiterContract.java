package io.sipfleet.cluster.limits;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link CpsLimiter} does: the sliding one-second window, scopes, changed limits, a
 * clock stepping back. Run against the in-memory limiter and the Redis one, on a clock the test
 * moves ({@link #newLimiter}).
 */
abstract class CpsLimiterContract {
    final AtomicLong now = new AtomicLong(1_000_000);
    CpsLimiter limiter;

    /** An empty limiter on {@code millis}. */
    abstract CpsLimiter newLimiter(LongSupplier millis);

    @BeforeEach
    void createLimiter() { limiter = newLimiter(now::get); }

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
}
