package io.sipfleet.cluster.limits;

import io.sipfleet.cluster.RedisTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link ChannelCounterContract} against real Redis: the concurrent traffic runs through eight
 * instances on eight connections. The scripts run on the test's clock (the seam that replaces
 * Redis TIME); {@link RedisChannelCounterClusterTest} runs on Redis TIME.
 */
class RedisChannelCounterTest extends ChannelCounterContract {
    static final String CLUSTER = RedisTestSupport.newClusterId("channels");
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
    ChannelCounter newCounter(LongSupplier millis, Duration ttl) {
        redis.deleteCluster(CLUSTER);
        return anotherInstance(millis, ttl);
    }

    @Override
    ChannelCounter anotherInstance(LongSupplier millis, Duration ttl) {
        return new RedisChannelCounter(redis.newConnection(), CLUSTER, ttl, millis);
    }

    @Override
    int opsPerThread() { return 1_500; }

    @Override
    void assertNothingHeld() {
        // ZREM of the last lease deletes the key; only the CPS sequence may exist in this keyspace.
        assertThat(redis.keys(CLUSTER)).isEmpty();
    }
}
