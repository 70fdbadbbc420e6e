package io.sipfleet.cluster.limits;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link ChannelCounter} does: limits, idempotent acquire and release, lease expiry and
 * refresh, and consistency under concurrent traffic. Run against the in-memory counter and the
 * Redis one, on a clock the test moves ({@link #newCounter}).
 */
abstract class ChannelCounterContract {
    static final Duration TTL = Duration.ofSeconds(90);
    final AtomicLong now = new AtomicLong(1_000_000);
    ChannelCounter channels;

    /** An empty counter on {@code millis} with lease TTL {@code ttl}. */
    abstract ChannelCounter newCounter(LongSupplier millis, Duration ttl);

    /** Another instance of the same counter (another switch), or the same one in memory. */
    abstract ChannelCounter anotherInstance(LongSupplier millis, Duration ttl);

    /** Operations per thread of the random concurrent traffic. */
    abstract int opsPerThread();

    /** Checked after every lease was released or expired: nothing left behind. */
    abstract void assertNothingHeld();

    @BeforeEach
    void createCounter() { channels = newCounter(now::get, TTL); }

    boolean acquire(String scope, String key, int limit) { return channels.tryAcquire(scope, key, limit).toCompletableFuture().join(); }

    boolean release(String scope, String key) { return channels.release(scope, key).toCompletableFuture().join(); }

    boolean refresh(String scope, String key) { return channels.refresh(scope, key).toCompletableFuture().join(); }

    int count(String scope) { return channels.count(scope).toCompletableFuture().join(); }

    static boolean acquire(ChannelCounter c, String scope, String key, int limit) {
        return c.tryAcquire(scope, key, limit).toCompletableFuture().join();
    }

    static boolean release(ChannelCounter c, String scope, String key) {
        return c.release(scope, key).toCompletableFuture().join();
    }

    static int count(ChannelCounter c, String scope) { return c.count(scope).toCompletableFuture().join(); }

    @Test
    void limitIsEnforcedAndRetransmissionTakesNoSecondChannel() {
        assertThat(acquire("trunk", "call-1;tag=a", 2)).isTrue();
        assertThat(acquire("trunk", "call-1;tag=a", 2)).isTrue();          // retransmitted INVITE
        assertThat(count("trunk")).isEqualTo(1);
        assertThat(acquire("trunk", "call-2;tag=b", 2)).isTrue();
        assertThat(acquire("trunk", "call-3;tag=c", 2)).isFalse();
        assertThat(acquire("trunk", "call-2;tag=b", 2)).isTrue();          // still its own, even at the limit
        assertThat(count("trunk")).isEqualTo(2);
        assertThat(acquire("other", "call-3;tag=c", 2)).isTrue();          // scopes are independent
    }

    @Test
    void releaseIsIdempotent() {
        acquire("s", "k1", 5);
        assertThat(release("s", "k1")).isTrue();
        assertThat(release("s", "k1")).isFalse();
        assertThat(release("s", "never")).isFalse();
        assertThat(release("unknown-scope", "k1")).isFalse();
        assertThat(count("s")).isZero();
        assertNothingHeld();                                                // empty scopes are dropped
        assertThat(acquire("s", "k2", 1)).isTrue();
        assertThat(count("s")).isEqualTo(1);
    }

    @Test
    void loweredLimitKeepsHeldLeases() {
        for (int i = 0; i < 5; i++) acquire("s", "k" + i, 5);
        assertThat(acquire("s", "new", 3)).isFalse();
        assertThat(count("s")).isEqualTo(5);
        release("s", "k0");
        release("s", "k1");
        assertThat(acquire("s", "new", 3)).isFalse();                       // 3 held, limit 3
        release("s", "k2");
        assertThat(acquire("s", "new", 3)).isTrue();
    }

    @Test
    void unrefreshedLeaseExpiresRefreshedOneStays() {
        long t = now.get();
        acquire("s", "leaked", 10);                  // its BYE will never come
        acquire("s", "live", 10);
        now.set(t + 60_000);
        assertThat(refresh("s", "live")).isTrue();   // the switch's dialog timer
        now.set(t + 89_999);
        assertThat(count("s")).isEqualTo(2);
        now.set(t + 90_000);
        assertThat(count("s")).isEqualTo(1);
        assertThat(refresh("s", "leaked")).isFalse();
        assertThat(release("s", "leaked")).isFalse();                    // expired is gone
        now.set(t + 150_000);
        assertThat(count("s")).isZero();
        assertThat(refresh("s", "live")).isFalse();
        assertNothingHeld();
    }

    @Test
    void refreshAllAnswersPerKeyInOrderAndExtendsOnlyHeldLeases() {
        long t = now.get();
        acquire("s", "a", 10);
        acquire("s", "b", 10);
        acquire("s", "c", 10);
        release("s", "b");
        now.set(t + 60_000);
        List<Boolean> held = channels.refreshAll("s", List.of("a", "b", "c", "never")).toCompletableFuture().join();
        assertThat(held).containsExactly(true, false, true, false);
        assertThat(channels.refreshAll("s", List.of()).toCompletableFuture().join()).isEmpty();
        now.set(t + 149_999);                        // a TTL after the batch refresh, not after the acquire
        assertThat(count("s")).isEqualTo(2);
        now.set(t + 150_000);
        assertThat(count("s")).isZero();
        assertThat(channels.refreshAll("s", List.of("a", "c")).toCompletableFuture().join())
                .containsExactly(false, false);
        assertNothingHeld();
    }

    @Test
    void refreshAllTakesBatchesLargerThanOneScript() {
        List<String> keys = new java.util.ArrayList<>();
        for (int i = 0; i < 700; i++) {
            keys.add("call-" + i);
            if (i % 2 == 0) acquire("big", "call-" + i, 1_000);
        }
        List<Boolean> held = channels.refreshAll("big", keys).toCompletableFuture().join();
        assertThat(held).hasSize(700);
        for (int i = 0; i < 700; i++) assertThat(held.get(i)).as("call-%d", i).isEqualTo(i % 2 == 0);
        for (int i = 0; i < 700; i += 2) release("big", "call-" + i);
        assertNothingHeld();
    }

    @Test
    void expiredLeaseFreesItsChannelForANewCall() {
        acquire("s", "a", 1);
        assertThat(acquire("s", "b", 1)).isFalse();
        now.addAndGet(TTL.toMillis());
        assertThat(acquire("s", "b", 1)).isTrue();
    }

    @Test
    void duplicateAcquireRefreshes() {
        long t = now.get();
        acquire("s", "a", 1);
        now.set(t + 60_000);
        acquire("s", "a", 1);
        now.set(t + 100_000);
        assertThat(count("s")).isEqualTo(1);
    }

    @Test
    void zeroLimitRefusesAndNegativeFails() {
        assertThat(acquire("s", "k", 0)).isFalse();
        assertNothingHeld();
        assertThatThrownBy(() -> acquire("s", "k", -1)).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Threads acquire, release and release twice random calls on a few scopes, each through its own
     * instance ({@link #anotherInstance}: on Redis, its own connection, as a switch would). Each
     * thread has its own calls (so it knows exactly what it holds) but they share the scopes'
     * limits; a watcher checks the counts all along. Every thread then hangs up: all counts end at 0.
     */
    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void randomConcurrentTrafficNeverExceedsTheLimitNorGoesNegative() throws Exception {
        int threads = 8, opsPerThread = opsPerThread(), limit = 6, callsPerThread = 4;
        List<ChannelCounter> instances = new ArrayList<>();
        for (int n = 0; n < threads; n++) instances.add(anotherInstance(now::get, TTL));
        String[] scopes = {"trunk-a", "customer-1"};
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        try {
            CountDownLatch go = new CountDownLatch(1);
            AtomicBoolean done = new AtomicBoolean();
            AtomicInteger violations = new AtomicInteger();
            Future<?> watcher = pool.submit(() -> {
                while (!done.get()) {
                    for (String s : scopes) {
                        int c = count(s);
                        if (c < 0 || c > limit) violations.incrementAndGet();
                    }
                }
            });
            List<Future<List<Set<String>>>> held = new ArrayList<>();
            for (int n = 0; n < threads; n++) {
                int id = n;
                ChannelCounter mineCounter = instances.get(n);
                held.add(pool.submit(() -> {
                    SplittableRandom rnd = new SplittableRandom(id);
                    List<Set<String>> mine = new ArrayList<>();
                    for (int s = 0; s < scopes.length; s++) mine.add(new HashSet<>());
                    go.await();
                    for (int i = 0; i < opsPerThread; i++) {
                        int s = rnd.nextInt(scopes.length);
                        String key = "t" + id + "-call" + rnd.nextInt(callsPerThread);
                        switch (rnd.nextInt(4)) {
                            case 0, 1 -> {
                                if (acquire(mineCounter, scopes[s], key, limit)) {
                                    mine.get(s).add(key);
                                    if (count(mineCounter, scopes[s]) > limit) violations.incrementAndGet();
                                } else if (mine.get(s).contains(key)) {
                                    violations.incrementAndGet();                 // we held it: must be idempotent
                                }
                            }
                            case 2 -> {
                                if (release(mineCounter, scopes[s], key) != mine.get(s).remove(key)) violations.incrementAndGet();
                            }
                            default -> {
                                release(mineCounter, scopes[s], key);              // hang up twice
                                mine.get(s).remove(key);
                                if (release(mineCounter, scopes[s], key)) violations.incrementAndGet();
                            }
                        }
                    }
                    return mine;
                }));
            }
            go.countDown();
            List<List<Set<String>>> finals = new ArrayList<>();
            for (var f : held) finals.add(f.get());
            done.set(true);
            watcher.get();
            assertThat(violations.get()).isZero();

            for (int s = 0; s < scopes.length; s++) {
                int si = s;
                int expected = finals.stream().mapToInt(m -> m.get(si).size()).sum();
                assertThat(count(scopes[s])).isEqualTo(expected).isLessThanOrEqualTo(limit);
            }
            for (int n = 0; n < threads; n++) {
                for (int s = 0; s < scopes.length; s++) {
                    for (String key : finals.get(n).get(s)) assertThat(release(scopes[s], key)).isTrue();
                }
            }
            for (String s : scopes) assertThat(count(s)).isZero();
            assertNothingHeld();
        } finally {
            pool.shutdownNow();
        }
    }
}
