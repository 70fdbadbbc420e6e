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
}
