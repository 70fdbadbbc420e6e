package io.sipfleet.cluster.limits;

import io.sipfleet.cluster.limits.ClusterCpsTally.Attempt;
import io.sipfleet.cluster.RedisTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three switches share a 30 CPS trunk through Redis, each with its own limiter and connection,
 * on the Redis clock: each offers 20 calls/s for 5 s (60/s in all) and the cluster admits 30/s,
 * not 30/s per switch.
 */
class RedisCpsLimiterClusterTest {
    static final String CLUSTER = RedisTestSupport.newClusterId("cps-cluster");
    static RedisTestSupport redis;

    @BeforeAll
    static void connect() { redis = RedisTestSupport.open(); }

    @AfterAll
    static void disconnect() {
        if (redis == null) return;
        redis.deleteCluster(CLUSTER);
        redis.close();
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.SECONDS)
    void threeSwitchesOfferingTwentyPerSecondEachAdmitThirtyPerSecondBetweenThem() throws Exception {
        int nodes = 3, limit = 30, perNodeRate = 20, seconds = 5;
        int attemptsPerNode = perNodeRate * seconds;
        long periodMillis = 1000 / perNodeRate;
        List<RedisCpsLimiter> limiters = new ArrayList<>();
        for (int n = 0; n < nodes; n++) limiters.add(new RedisCpsLimiter(redis.newConnection(), CLUSTER));

        List<Attempt> attempts = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch offered = new CountDownLatch(nodes * attemptsPerNode);
        ScheduledExecutorService drivers = Executors.newScheduledThreadPool(nodes);
        long start = System.nanoTime();
        try {
            for (int n = 0; n < nodes; n++) {
                int node = n;
                int[] sent = {0};
                // Each switch's calls arrive at its own steady 20/s, the three interleaved.
                drivers.scheduleAtFixedRate(() -> {
                    if (sent[0]++ >= attemptsPerNode) return;
                    long at = (System.nanoTime() - start) / 1_000_000;
                    attempts.add(new Attempt(node, at, limiters.get(node).tryAcquire("trunk-1", limit).toCompletableFuture()));
                    offered.countDown();
                }, node * periodMillis / nodes, periodMillis, TimeUnit.MILLISECONDS);
            }
            assertThat(offered.await(seconds + 5, TimeUnit.SECONDS)).isTrue();
        } finally {
            drivers.shutdownNow();
        }
        long offeredFor = (System.nanoTime() - start) / 1_000_000;

        ClusterCpsTally.assertClusterRate(attempts, nodes, seconds, limit, perNodeRate, offeredFor);
    }
}
