package io.sipfleet.cluster.limits;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@link ChannelCounterContract} against the in-memory counter, and what only it does. */
class InMemoryChannelCounterTest extends ChannelCounterContract {
    InMemoryChannelCounter inMemory;

    @Override
    ChannelCounter newCounter(LongSupplier millis, Duration ttl) {
        return inMemory = new InMemoryChannelCounter(millis, ttl);
    }

    @Override
    ChannelCounter anotherInstance(LongSupplier millis, Duration ttl) { return inMemory; }

    @Override
    int opsPerThread() { return 25_000; }

    @Override
    void assertNothingHeld() { assertThat(inMemory.scopes()).isZero(); }

    @Test
    void expiredLeasesAreCounted() {
        long t = now.get();
        acquire("s", "leaked", 10);
        acquire("s", "live", 10);
        now.set(t + 60_000);
        refresh("s", "live");
        now.set(t + 90_000);
        assertThat(count("s")).isEqualTo(1);
        assertThat(inMemory.expiredLeases()).isEqualTo(1);
    }

    @Test
    void sweepDropsExpiredLeasesOfUntouchedScopes() {
        for (int i = 0; i < 100; i++) acquire("scope-" + (i % 10), "k" + i, 100);
        now.addAndGet(45_000);
        acquire("scope-0", "late", 100);
        now.addAndGet(45_000);
        assertThat(inMemory.sweep().toCompletableFuture().join()).isEqualTo(100);
        assertThat(inMemory.scopes()).isEqualTo(1);
        assertThat(count("scope-0")).isEqualTo(1);
    }
}
