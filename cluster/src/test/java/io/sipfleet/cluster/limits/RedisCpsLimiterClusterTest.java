package io.sipfleet.cluster.limits;

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

    record Attempt(int node, long offsetMillis, CompletableFuture<Boolean> admitted) {}

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

        int[] perNode = new int[nodes];
        int[] perSecond = new int[seconds + 1];
        List<Long> admittedAt = new ArrayList<>();
        for (Attempt a : attempts) {
            if (!a.admitted().get(2, TimeUnit.SECONDS)) continue;
            perNode[a.node()]++;
            perSecond[(int) Math.min(seconds, a.offsetMillis() / 1000)]++;
            admittedAt.add(a.offsetMillis());
        }
        int admitted = admittedAt.size();
        // Over the 5 s the load was offered for; an attempt the scheduler sent late (a pause of the
        // test JVM at the very end) would fall in the next second and is left out.
        long inWindow = admittedAt.stream().filter(t -> t < seconds * 1000L).count();
        double rate = inWindow / (double) seconds;
        System.out.printf("CPS across %d limiters: offered %d in %d ms (%d/s), admitted %d = %.1f/s (limit %d/s); "
                        + "per switch %s; per second %s; busiest second by send time %d%n",
                nodes, attempts.size(), offeredFor, nodes * perNodeRate, admitted, rate, limit,
                java.util.Arrays.toString(perNode), java.util.Arrays.toString(perSecond),
                InMemoryCpsLimiterTest.busiestSecond(admittedAt.stream().mapToLong(Long::longValue).toArray()));

        assertThat(attempts).hasSize(nodes * attemptsPerNode);
        assertThat(rate).isBetween(limit * 0.98, limit * 1.02);
        for (int n : perNode) assertThat(n).isPositive();
        // By send time (not Redis time) a second may hold one or two more, never a second burst.
        assertThat(InMemoryCpsLimiterTest.busiestSecond(admittedAt.stream().mapToLong(Long::longValue).toArray()))
                .isLessThanOrEqualTo(limit + 2);
    }
}
