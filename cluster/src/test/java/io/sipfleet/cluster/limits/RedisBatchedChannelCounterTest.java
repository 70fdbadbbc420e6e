package io.sipfleet.cluster.limits;

import io.sipfleet.cluster.RedisTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link ChannelCounterContract} against Redis with batched releases (as
 * {@code RedisClusterState} builds it): queued releases, flushed by the timer or ahead of the
 * next operation of their scope, keep every rule of the contract.
 */
class RedisBatchedChannelCounterTest extends ChannelCounterContract {
    static final String CLUSTER = RedisTestSupport.newClusterId("channels-batched");
    static final ScheduledExecutorService FLUSHER = Executors.newSingleThreadScheduledExecutor();
    static RedisTestSupport redis;

    @BeforeAll
    static void connect() { redis = RedisTestSupport.open(); }

    @AfterAll
    static void disconnect() {
        FLUSHER.shutdownNow();
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
        return new RedisChannelCounter(redis.newConnection(), CLUSTER, ttl, millis, FLUSHER);
    }

    @Override
    int opsPerThread() { return 1_500; }

    @Override
    void assertNothingHeld() {
        assertThat(redis.keys(CLUSTER)).isEmpty();
    }
}
