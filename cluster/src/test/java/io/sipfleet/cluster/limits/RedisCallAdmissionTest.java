package io.sipfleet.cluster.limits;

import io.sipfleet.cluster.RedisTestSupport;
import io.sipfleet.cluster.limits.CallAdmission.Verdict;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link CallAdmissionContract} against Redis (one {@code admit.lua} per call, test clock),
 * with the channel counter batching its releases, and what the batching adds: a queued release
 * rides on the next admission of its scope, or goes with the next count/acquire/refresh, or on
 * the flush timer; its stage says whether it freed a lease.
 */
class RedisCallAdmissionTest extends CallAdmissionContract {
    static final String CLUSTER = RedisTestSupport.newClusterId("admission");
    static RedisTestSupport redis;
    ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor();
    RedisChannelCounter counter;

    @BeforeAll
    static void connect() { redis = RedisTestSupport.open(); }

    @AfterAll
    static void disconnect() {
        if (redis == null) return;
        redis.deleteCluster(CLUSTER);
        redis.close();
    }

    @AfterEach
    void stopFlusher() { flusher.shutdownNow(); }

    @Override
    void create(LongSupplier millis, Duration ttl) {
        redis.deleteCluster(CLUSTER);
        channels = counter = new RedisChannelCounter(redis.newConnection(), CLUSTER, ttl, millis, flusher);
        location = new io.sipfleet.cluster.location.RedisLocationStore(redis.newConnection(), CLUSTER, millis);
        admission = new RedisCallAdmission(counter, (io.sipfleet.cluster.location.RedisLocationStore) location);
    }

    /** Holds the flusher's only thread until the returned latch is counted down: no timer flush meanwhile. */
    CountDownLatch blockFlusher() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1), release = new CountDownLatch(1);
        flusher.execute(() -> {
            started.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        return release;
    }

    @Test
    void queuedReleaseRidesOnTheNextAdmissionOfItsScope() throws Exception {
        assertThat(admit(0, null, 0, "a", 1)).isEqualTo(Verdict.ADMITTED);
        CountDownLatch unblock = blockFlusher();
        CompletableFuture<Boolean> first = channels.release("cluster", "a").toCompletableFuture();
        CompletableFuture<Boolean> again = channels.release("cluster", "a").toCompletableFuture();
        assertThat(first).isNotDone();
        // At the limit of 1: admitted only because the queued release went first in the same script.
        assertThat(admit(0, null, 0, "b", 1)).isEqualTo(Verdict.ADMITTED);
        assertThat(first.get(1, TimeUnit.SECONDS)).isTrue();
        assertThat(again.get(1, TimeUnit.SECONDS)).isFalse();
        CompletableFuture<Boolean> unknown = channels.release("cluster", "never-held").toCompletableFuture();
        assertThat(admit(0, null, 0, "c", 1)).isEqualTo(Verdict.CHANNEL_LIMIT);   // releases apply on refusals too
        assertThat(unknown.get(1, TimeUnit.SECONDS)).isFalse();
        unblock.countDown();
        assertThat(count()).isEqualTo(1);
    }

    @Test
    void queuedReleaseGoesBeforeACountOrAcquireOfItsScope() throws Exception {
        assertThat(admit(0, null, 0, "a", NO_LIMIT)).isEqualTo(Verdict.ADMITTED);
        assertThat(admit(0, null, 0, "b", NO_LIMIT)).isEqualTo(Verdict.ADMITTED);
        CountDownLatch unblock = blockFlusher();
        CompletableFuture<Boolean> a = channels.release("cluster", "a").toCompletableFuture();
        assertThat(count()).isEqualTo(1);
        assertThat(a.get(1, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Boolean> b = channels.release("cluster", "b").toCompletableFuture();
        assertThat(channels.tryAcquire("cluster", "c", 1).toCompletableFuture().join()).isTrue();
        assertThat(b.get(1, TimeUnit.SECONDS)).isTrue();
        unblock.countDown();
    }

    @Test
    @Timeout(10)
    void queuedReleaseIsFlushedByTheTimerWhenNoAdmissionComes() throws Exception {
        assertThat(admit(0, null, 0, "a", NO_LIMIT)).isEqualTo(Verdict.ADMITTED);
        assertThat(channels.tryAcquire("member:s1", "a", NO_LIMIT).toCompletableFuture().join()).isTrue();
        CompletableFuture<Boolean> a = channels.release("cluster", "a").toCompletableFuture();
        CompletableFuture<Boolean> m = channels.release("member:s1", "a").toCompletableFuture();
        assertThat(a.get(2, TimeUnit.SECONDS)).isTrue();
        assertThat(m.get(2, TimeUnit.SECONDS)).isTrue();
        assertThat(redis.keys(CLUSTER)).noneMatch(k -> k.contains(":ch:"));
    }

    @Test
    void manyQueuedReleasesGoInBatches() throws Exception {
        int n = 700;   // more than one admission carries and more than one release script holds
        for (int i = 0; i < n; i++) assertThat(admit(0, null, 0, "k" + i, NO_LIMIT)).isEqualTo(Verdict.ADMITTED);
        CountDownLatch unblock = blockFlusher();
        CompletableFuture<?>[] done = new CompletableFuture<?>[n];
        for (int i = 0; i < n; i++) done[i] = channels.release("cluster", "k" + i).toCompletableFuture();
        assertThat(admit(0, null, 0, "x", NO_LIMIT)).isEqualTo(Verdict.ADMITTED);
        assertThat(count()).isEqualTo(1);
        CompletableFuture.allOf(done).get(2, TimeUnit.SECONDS);
        for (CompletableFuture<?> d : done) assertThat(d.join()).isEqualTo(true);
        unblock.countDown();
    }

    @Test
    void flushAllSendsEverythingQueued() throws Exception {
        assertThat(admit(0, null, 0, "a", NO_LIMIT)).isEqualTo(Verdict.ADMITTED);
        CountDownLatch unblock = blockFlusher();
        CompletableFuture<Boolean> a = channels.release("cluster", "a").toCompletableFuture();
        counter.flushAll().get(1, TimeUnit.SECONDS);
        assertThat(a).isCompletedWithValue(true);
        unblock.countDown();
    }

    /**
     * One round trip: the callee is read in the admission's own script, never through the location
     * store's connection (closed here, so a separate lookup would fail), and the releases queued for
     * the scope ride along as with admit.
     */
    @Test
    void calleeIsReadInTheAdmissionScriptWithTheQueuedReleases() throws Exception {
        register("sip:19999@203.0.113.7:40123", 3600);
        var closed = redis.newConnection();
        var sameKeyspace = new io.sipfleet.cluster.location.RedisLocationStore(closed, CLUSTER, now::get);
        closed.getStatefulConnection().close();
        var oneTrip = new RedisCallAdmission(counter, sameKeyspace);
        assertThat(oneTrip.admit("cps:cluster", 0, null, 0, "cluster", "c0", NO_LIMIT).toCompletableFuture().join())
                .isEqualTo(Verdict.ADMITTED);
        CountDownLatch flusherHeld = blockFlusher();
        try {
            var released = channels.release("cluster", "c0").toCompletableFuture();
            CallAdmission.CalleeAdmission a = oneTrip.admitCallee(sameKeyspace, CALLEE, "cps:cluster", 5, "cluster", "c1", 1)
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(a.verdict()).isEqualTo(Verdict.ADMITTED);             // c0's channel freed first
            assertThat(a.bindings()).extracting(io.sipfleet.cluster.location.Binding::contact)
                    .containsExactly("sip:19999@203.0.113.7:40123");
            assertThat(released.get(5, TimeUnit.SECONDS)).isTrue();
        } finally {
            flusherHeld.countDown();
        }
        assertThat(count()).isEqualTo(1);
        // a store the admission was not given: looked up through it, which fails here
        var other = new RedisCallAdmission(counter, null);
        assertThat(other.admitCallee(sameKeyspace, CALLEE, "cps:cluster", 5, "cluster", "c2", 2).toCompletableFuture())
                .failsWithin(5, TimeUnit.SECONDS);
    }
}
