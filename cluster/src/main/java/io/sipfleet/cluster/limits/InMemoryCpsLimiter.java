package io.sipfleet.cluster.limits;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Sliding-window CPS limits of one node: one {@link SlidingWindow} per scope, each behind its own
 * monitor (held for a few array operations), so scopes never contend with each other.
 *
 * <p>Memory: 8 bytes per unit of limit per active scope (a 1,000 CPS trunk holds an 8 KB ring);
 * scopes idle for a second are dropped by {@link #sweep(long)}.
 */
public final class InMemoryCpsLimiter implements CpsLimiter {
    /** Far above one switch's capacity; guards against a config typo allocating gigabytes. */
    public static final int MAX_LIMIT = 100_000;

    private static final CompletionStage<Boolean> ADMITTED = CompletableFuture.completedStage(true);
    private static final CompletionStage<Boolean> REFUSED = CompletableFuture.completedStage(false);

    private final ConcurrentHashMap<String, SlidingWindow> windows = new ConcurrentHashMap<>();
    private final LongSupplier millis;

    /**
     * {@code millis} is read once per attempt, under the scope's lock, so admissions of a scope are
     * recorded in time order. A monotonic source ({@code System.nanoTime() / 1_000_000}) is best; a
     * wall clock works (a backward step is absorbed, see {@link SlidingWindow}).
     */
    public InMemoryCpsLimiter(LongSupplier millis) {
        this.millis = Objects.requireNonNull(millis, "millis");
    }

    public InMemoryCpsLimiter(Clock clock) {
        this(clock::millis);
    }

    @Override
    public CompletionStage<Boolean> tryAcquire(String scope, int limitPerSecond) {
        if (limitPerSecond < 0 || limitPerSecond > MAX_LIMIT) {
            return CompletableFuture.failedStage(new IllegalArgumentException("CPS limit out of range: " + limitPerSecond));
        }
        if (limitPerSecond == 0) return REFUSED;
        return admit(scope, limitPerSecond) ? ADMITTED : REFUSED;
    }

    private boolean admit(String scope, int limit) {
        for (;;) {
            SlidingWindow w = windows.computeIfAbsent(scope, s -> new SlidingWindow(limit));
            synchronized (w) {
                // Swept between our lookup and our lock: its history was idle, use the fresh one.
                if (w.retired) continue;
                return w.tryAdmit(millis.getAsLong(), limit);
            }
        }
    }

    @Override
    public CompletionStage<Integer> sweep() {
        return CompletableFuture.completedStage(sweep(millis.getAsLong()));
    }

    /** Drops scopes with no admission in the last window (they would behave as new). */
    public int sweep(long nowMillis) {
        int dropped = 0;
        for (var e : windows.entrySet()) {
            SlidingWindow w = e.getValue();
            synchronized (w) {
                if (w.retired || !w.idleAt(nowMillis)) continue;
                w.retired = true;
            }
            windows.remove(e.getKey(), w);
            dropped++;
        }
        return dropped;
    }

    /** Scopes currently tracked. */
    public int scopes() { return windows.size(); }
}
