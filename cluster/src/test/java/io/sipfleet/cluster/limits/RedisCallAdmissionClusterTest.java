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
 * {@link RedisCpsLimiterClusterTest} through the one-script admission: three switches, each with
 * its own connection, channel counter (batched releases) and admission, on the Redis clock, offer
 * 20 calls/s each for 5 s against a cluster CPS limit of 30; every admitted call takes a channel
 * and releases it 100 ms later. The cluster admits 30/s, and no channel is left held.
 */
class RedisCallAdmissionClusterTest {
    static final String CLUSTER = RedisTestSupport.newClusterId("admission-cluster");
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
        ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor();
        List<RedisChannelCounter> counters = new ArrayList<>();
        List<RedisCallAdmission> limiters = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            counters.add(new RedisChannelCounter(redis.newConnection(), CLUSTER, java.time.Duration.ofSeconds(90), flusher));
            limiters.add(new RedisCallAdmission(counters.get(n)));
        }
        List<CompletableFuture<Boolean>> releases = java.util.Collections.synchronizedList(new ArrayList<>());

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
                    String key = "call-" + node + "-" + sent[0];
                    CompletableFuture<Boolean> admitted = limiters.get(node)
                            .admit("cps:cluster", limit, null, 0, "cluster", key, 1000).toCompletableFuture()
                            .thenApply(v -> v == CallAdmission.Verdict.ADMITTED);
                    admitted.thenAccept(ok -> {
                        if (ok) drivers.schedule(() -> releases.add(counters.get(node).release("cluster", key)
                                .toCompletableFuture()), 100, TimeUnit.MILLISECONDS);
                    });
                    attempts.add(new Attempt(node, at, admitted));
                    offered.countDown();
                }, node * periodMillis / nodes, periodMillis, TimeUnit.MILLISECONDS);
            }
            assertThat(offered.await(seconds + 5, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(300);   // the last releases scheduled
        } finally {
            drivers.shutdownNow();
        }
        long offeredFor = (System.nanoTime() - start) / 1_000_000;

        int admitted = ClusterCpsTally.assertClusterRate(attempts, nodes, seconds, limit, perNodeRate, offeredFor);
        for (CompletableFuture<Boolean> r : releases) assertThat(r.get(2, TimeUnit.SECONDS)).isTrue();
        assertThat(releases).hasSize(admitted);
        assertThat(counters.get(0).count("cluster").toCompletableFuture().get(2, TimeUnit.SECONDS)).isZero();
        flusher.shutdownNow();
    }
}
