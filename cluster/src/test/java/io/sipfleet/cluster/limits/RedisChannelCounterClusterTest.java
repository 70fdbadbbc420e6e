package io.sipfleet.cluster.limits;

import io.sipfleet.cluster.RedisTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Channel leases shared by switches on the Redis clock, with a short (2 s) lease TTL. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class RedisChannelCounterClusterTest {
    static final String CLUSTER = RedisTestSupport.newClusterId("channels-cluster");
    static final Duration TTL = Duration.ofSeconds(2);
    static RedisTestSupport redis;

    @BeforeAll
    static void connect() { redis = RedisTestSupport.open(); }

    @AfterAll
    static void disconnect() {
        if (redis == null) return;
        redis.deleteCluster(CLUSTER);
        redis.close();
    }

    @BeforeEach
    void empty() { redis.deleteCluster(CLUSTER); }

    static <T> T get(java.util.concurrent.CompletionStage<T> s) { return s.toCompletableFuture().join(); }

    /**
     * Switch A takes 5 channels and dies (stops refreshing); switch B holds 3 and keeps refreshing
     * them. B sees 8 until A's leases run out, then its own 3; A's channels are free for new calls.
     */
    @Test
    void aDeadSwitchsLeasesDropOutWithinTheTtl() throws Exception {
        RedisChannelCounter a = new RedisChannelCounter(redis.newConnection(), CLUSTER, TTL);
        RedisChannelCounter b = new RedisChannelCounter(redis.newConnection(), CLUSTER, TTL);
        for (int i = 0; i < 5; i++) assertThat(get(a.tryAcquire("trunk", "a-call-" + i, 8))).isTrue();
        long aDied = System.nanoTime();
        for (int i = 0; i < 3; i++) assertThat(get(b.tryAcquire("trunk", "b-call-" + i, 8))).isTrue();
        assertThat(get(b.tryAcquire("trunk", "b-call-new", 8))).isFalse();     // 8 of 8 held

        ExecutorService refresher = Executors.newSingleThreadExecutor();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger refreshFailures = new AtomicInteger();
        Future<?> bAlive = refresher.submit(() -> {
            while (!stop.get()) {
                for (int i = 0; i < 3; i++) if (!get(b.refresh("trunk", "b-call-" + i))) refreshFailures.incrementAndGet();
                Thread.sleep(TTL.toMillis() / 4);
            }
            return null;
        });
        try {
            Thread.sleep(TTL.toMillis() / 2);
            assertThat(get(b.count("trunk"))).isEqualTo(8);                    // A is not given up early
            await().atMost(TTL.multipliedBy(2)).pollInterval(Duration.ofMillis(25))
                    .until(() -> get(b.count("trunk")) == 3);
            long freedAfter = (System.nanoTime() - aDied) / 1_000_000;
            System.out.printf("dead switch's 5 leases dropped out %d ms after its last acquire (TTL %d ms)%n",
                    freedAfter, TTL.toMillis());
            assertThat(freedAfter).isGreaterThanOrEqualTo(TTL.toMillis() - 100);
            assertThat(get(b.tryAcquire("trunk", "b-call-new", 8))).isTrue();   // A's channels are free again
            assertThat(get(a.refresh("trunk", "a-call-0"))).isFalse();         // A, back from the dead, has nothing
        } finally {
            stop.set(true);
            bAlive.get(5, TimeUnit.SECONDS);
            refresher.shutdownNow();
        }
        assertThat(refreshFailures.get()).isZero();
        for (int i = 0; i < 3; i++) assertThat(get(b.release("trunk", "b-call-" + i))).isTrue();
        assertThat(get(b.release("trunk", "b-call-new"))).isTrue();
        assertThat(get(a.count("trunk"))).isZero();
        assertThat(redis.keys(CLUSTER)).isEmpty();
    }

    /**
     * Three switches, two threads each, acquire and release random calls on one scope for a second
     * on the Redis clock while a watcher reads the count: never negative, never over the limit,
     * and 0 with no key left once every call hung up.
     */
    @Test
    void concurrentAcquireAndReleaseAcrossSwitchesNeverLeaks() throws Exception {
        int switches = 3, threadsPerSwitch = 2, limit = 10;
        List<RedisChannelCounter> counters = new ArrayList<>();
        for (int i = 0; i < switches; i++) counters.add(new RedisChannelCounter(redis.newConnection(), CLUSTER, TTL));
        ExecutorService pool = Executors.newFixedThreadPool(switches * threadsPerSwitch + 1);
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger violations = new AtomicInteger(), samples = new AtomicInteger(), acquired = new AtomicInteger();
        try {
            Future<?> watcher = pool.submit(() -> {
                while (!done.get()) {
                    int c = get(counters.getFirst().count("trunk"));
                    samples.incrementAndGet();
                    if (c < 0 || c > limit) violations.incrementAndGet();
                }
            });
            long until = System.nanoTime() + 1_000_000_000L;
            List<Future<Set<String>>> workers = new ArrayList<>();
            for (int t = 0; t < switches * threadsPerSwitch; t++) {
                int id = t;
                RedisChannelCounter mine = counters.get(t % switches);
                workers.add(pool.submit(() -> {
                    SplittableRandom rnd = new SplittableRandom(id);
                    Set<String> held = new HashSet<>();
                    while (System.nanoTime() < until) {
                        String key = "t" + id + "-call-" + rnd.nextInt(4);
                        if (rnd.nextBoolean()) {
                            if (get(mine.tryAcquire("trunk", key, limit))) {
                                if (held.add(key)) acquired.incrementAndGet();
                            } else if (held.contains(key)) {
                                violations.incrementAndGet();
                            }
                        } else if (get(mine.release("trunk", key)) != held.remove(key)) {
                            violations.incrementAndGet();
                        }
                    }
                    return held;
                }));
            }
            int stillHeld = 0;
            List<Set<String>> finals = new ArrayList<>();
            for (var w : workers) {
                finals.add(w.get());
                stillHeld += finals.getLast().size();
            }
            done.set(true);
            watcher.get();
            assertThat(get(counters.get(1).count("trunk"))).isEqualTo(stillHeld);
            for (int t = 0; t < finals.size(); t++) {
                for (String key : finals.get(t)) assertThat(get(counters.get(t % switches).release("trunk", key))).isTrue();
            }
            System.out.printf("channels: %d leases taken by %d threads on %d switches in 1 s, %d count samples, %d violations%n",
                    acquired.get(), switches * threadsPerSwitch, switches, samples.get(), violations.get());
            assertThat(violations.get()).isZero();
            assertThat(acquired.get()).isGreaterThan(100);
            assertThat(get(counters.get(2).count("trunk"))).isZero();
            assertThat(redis.keys(CLUSTER)).isEmpty();
        } finally {
            done.set(true);
            pool.shutdownNow();
        }
    }
}
