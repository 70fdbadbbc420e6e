package io.sipfleet.cluster.limits;

import io.sipfleet.cluster.RedisTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link CpsLimiterContract} against real Redis, the script on the test's clock (the seam that
 * replaces Redis TIME); {@link RedisCpsLimiterClusterTest} runs three limiters on Redis TIME.
 */
class RedisCpsLimiterTest extends CpsLimiterContract {
    static final String CLUSTER = RedisTestSupport.newClusterId("cps");
    static RedisTestSupport redis;

    @BeforeAll
    static void connect() { redis = RedisTestSupport.open(); }

    @AfterAll
    static void disconnect() {
        if (redis == null) return;
        redis.deleteCluster(CLUSTER);
        redis.close();
    }

    @Override
    CpsLimiter newLimiter(LongSupplier millis) {
        redis.deleteCluster(CLUSTER);
        return new RedisCpsLimiter(redis.newConnection(), CLUSTER, millis);
    }

    @Test
    void aScopeHoldsOnlyTheLastSecondAndExpires() {
        for (int i = 0; i < 50; i++) {
            now.addAndGet(40);                                        // 25/s offered, limit 10
            attempt("trunk", 10);
        }
        String key = "sf:{" + CLUSTER + "}:cps:trunk";
        assertThat(redis.sync().zcard(key)).isLessThanOrEqualTo(10);
        assertThat(redis.sync().pttl(key)).isBetween(1L, RedisCpsLimiter.KEY_TTL_MILLIS);
        assertThat(attempt("blocked", 0)).isFalse();                  // no round trip, no key
        assertThat(redis.sync().exists("sf:{" + CLUSTER + "}:cps:blocked")).isZero();
    }

    /**
     * On Redis's own clock: the key's TTL is renewed once per half-second, not per admission, yet
     * it must outlive the newest admission by the window that admission still decides.
     */
    @Test
    void theKeyOutlivesTheNewestAdmissionByAWindow() throws Exception {
        redis.deleteCluster(CLUSTER);
        CpsLimiter onRedisTime = new RedisCpsLimiter(redis.newConnection(), CLUSTER);
        String key = "sf:{" + CLUSTER + "}:cps:trunk";
        for (int i = 0; i < 20; i++) {
            assertThat(onRedisTime.tryAcquire("trunk", 1000).toCompletableFuture().get(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(redis.sync().pttl(key)).as("TTL after admission %d", i).isGreaterThanOrEqualTo(RedisCpsLimiter.WINDOW_MILLIS);
            // ~0.35 s in, none a window old yet: each one recorded (unique names without a sequence key)
            if (i == 5) assertThat(redis.sync().zcard(key)).isEqualTo(6);
            // 20 admissions over ~1.4 s: past the first TTL's last second (2 s - 1 s window), so a
            // key whose TTL was set once and never renewed fails the check above
            Thread.sleep(70);
        }
    }

    /** Admissions in one millisecond are each recorded (names "<time>:<count>" never collide). */
    @Test
    void admissionsInOneMillisecondAreEachCounted() {
        int admitted = 0;
        for (int i = 0; i < 60; i++) if (attempt("burst", 50)) admitted++;
        assertThat(admitted).isEqualTo(50);
        assertThat(redis.sync().zcard("sf:{" + CLUSTER + "}:cps:burst")).isEqualTo(50);
        now.addAndGet(999);
        assertThat(attempt("burst", 50)).isFalse();
        now.addAndGet(1);
        assertThat(attempt("burst", 50)).isTrue();
    }
}
