package io.sipfleet.cluster.limits;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Channel leases of one node: one {@link ScopeLeases} per scope behind its own monitor. Every call
 * first drops the scope's expired leases, so the count a limit is checked against never includes a
 * lease past its TTL, whether or not a sweep ran. A scope whose last lease goes is removed from the
 * map: memory follows the calls in progress, not the scopes ever seen.
 */
public final class InMemoryChannelCounter implements ChannelCounter {
    private static final CompletionStage<Boolean> TRUE = CompletableFuture.completedStage(true);
    private static final CompletionStage<Boolean> FALSE = CompletableFuture.completedStage(false);

    private final ConcurrentHashMap<String, ScopeLeases> scopes = new ConcurrentHashMap<>();
    private final LongSupplier millis;
    private final long ttlMillis;
    private final LongAdder expired = new LongAdder();

    /**
     * One TTL for every lease: it is what keeps each scope's leases in expiry order (see
     * {@link ScopeLeases}). {@code millis} is read under the scope's lock.
     */
    public InMemoryChannelCounter(LongSupplier millis, Duration leaseTtl) {
        this.millis = Objects.requireNonNull(millis, "millis");
        this.ttlMillis = leaseTtl.toMillis();
        if (ttlMillis <= 0) throw new IllegalArgumentException("lease TTL must be positive: " + leaseTtl);
    }

    public InMemoryChannelCounter(Clock clock, Duration leaseTtl) {
        this(clock::millis, leaseTtl);
    }

    @Override public java.time.Duration leaseTtl() { return java.time.Duration.ofMillis(ttlMillis); }

    @Override public boolean isLocal() { return true; }

    @Override
    public CompletionStage<Boolean> tryAcquire(String scope, String callKey, int limit) {
        if (limit < 0) return CompletableFuture.failedStage(new IllegalArgumentException("channel limit: " + limit));
        Objects.requireNonNull(callKey, "callKey");
        for (;;) {
            ScopeLeases s = scopes.computeIfAbsent(scope, k -> new ScopeLeases());
            synchronized (s) {
                if (s.retired) continue;
                long now = millis.getAsLong();
                expired.add(s.purge(now));
                boolean ok = s.holds(callKey) || s.size() < limit;
                if (ok) s.touch(callKey, now + ttlMillis);
                else retireIfEmpty(scope, s);   // limit 0 on a new scope: do not leave it behind
                return ok ? TRUE : FALSE;
            }
        }
    }

    @Override
    public CompletionStage<Boolean> refresh(String scope, String callKey) {
        return withScope(scope, (s, now) -> {
            if (!s.holds(callKey)) return 0;
            s.touch(callKey, now + ttlMillis);
            return 1;
        }) == 1 ? TRUE : FALSE;
    }

    @Override
    public CompletionStage<Boolean> release(String scope, String callKey) {
        return withScope(scope, (s, now) -> s.release(callKey) ? 1 : 0) == 1 ? TRUE : FALSE;
    }

    @Override
    public CompletionStage<Integer> count(String scope) {
        return CompletableFuture.completedStage(withScope(scope, (s, now) -> s.size()));
    }

    @Override
    public CompletionStage<Integer> sweep() {
        return CompletableFuture.completedStage(sweep(millis.getAsLong()));
    }

    /** Drops expired leases of every scope, and empty scopes; returns the leases dropped. */
    public int sweep(long nowMillis) {
        int dropped = 0;
        for (var e : scopes.entrySet()) {
            ScopeLeases s = e.getValue();
            synchronized (s) {
                if (s.retired) continue;
                int n = s.purge(nowMillis);
                expired.add(n);
                dropped += n;
                retireIfEmpty(e.getKey(), s);
            }
        }
        return dropped;
    }

    /** Leases dropped for want of a refresh since start: each is a call that leaked (lost BYE) or a stuck switch. */
    public long expiredLeases() { return expired.sum(); }

    /** Scopes holding at least one lease (expired ones included until purged). */
    public int scopes() { return scopes.size(); }

    private interface ScopeOp { int apply(ScopeLeases s, long now); }

    /** Runs {@code op} on an existing scope after purging it; 0 when the scope does not exist. */
    private int withScope(String scope, ScopeOp op) {
        for (;;) {
            ScopeLeases s = scopes.get(scope);
            if (s == null) return 0;
            synchronized (s) {
                // Emptied and dropped since our lookup; a new one may have taken its place.
                if (s.retired) continue;
                long now = millis.getAsLong();
                expired.add(s.purge(now));
                int r = op.apply(s, now);
                retireIfEmpty(scope, s);
                return r;
            }
        }
    }

    /** Called under the scope's lock. */
    private void retireIfEmpty(String scope, ScopeLeases s) {
        if (!s.isEmpty()) return;
        s.retired = true;
        scopes.remove(scope, s);
    }
}
