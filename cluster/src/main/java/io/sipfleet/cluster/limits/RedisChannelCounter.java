package io.sipfleet.cluster.limits;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.sipfleet.cluster.redis.DelayedFlush;
import io.sipfleet.cluster.redis.LuaScript;
import io.sipfleet.cluster.redis.RedisKeys;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

/**
 * Channel leases shared by the switches of a cluster: a sorted set per scope,
 * {@code sf:{<clusterId>}:ch:<scope>}, of callKey scored by lease expiry on the Redis server's
 * clock. Each operation is one Lua script that first drops the expired leases:
 * <ul>
 *   <li>{@code tryAcquire}: a key already holding a lease keeps it (refreshed), else a lease is
 *       added if fewer than the limit are held;</li>
 *   <li>{@code refresh}: re-scores an existing lease to now + TTL;</li>
 *   <li>{@code release}: {@code ZREM}, idempotent;</li>
 *   <li>{@code count}: {@code ZCARD} after the purge.</li>
 * </ul>
 * A switch that dies stops refreshing its leases, and they drop out of every count within the TTL.
 * The key expires a second after its newest lease, so {@link #sweep()} has nothing to do.
 *
 * <p><b>Batched releases</b> (when built with a scheduler, as {@code RedisClusterState} does):
 * {@code release} queues the key instead of sending a script of its own. The queue of a scope goes
 * to Redis with the next admission in that scope ({@link RedisCallAdmission}: no round trip of its
 * own under load), or with the next {@code tryAcquire}/{@code refresh}/{@code count} of the scope
 * (sent just before it, so a release always reaches Redis before what this instance asks after
 * it), or at the latest {@link #FLUSH_DELAY_MICROS} after it was queued, in one
 * {@code channel-release} script per scope. The stage completes when Redis applied it. A
 * release lost with the process (or a failed batch) is what the lease TTL is for, as before.
 */
public final class RedisChannelCounter implements ChannelCounter {
    static final LuaScript ACQUIRE = LuaScript.of("prelude", "channel-lib", "channel-acquire");
    /** Refresh and release take one key or many: a single refresh or an unbatched release is a batch of one. */
    static final LuaScript REFRESH = LuaScript.of("prelude", "channel-lib", "channel-refresh");
    static final LuaScript RELEASE = LuaScript.of("prelude", "channel-lib", "channel-release");
    static final LuaScript COUNT = LuaScript.of("prelude", "channel-lib", "channel-count");
    /** A queued release goes to Redis at the latest this long after it was queued. */
    static final long FLUSH_DELAY_MICROS = 5_000;
    /** Keys per release or refresh script (Lua's unpack and argument limits are far above). */
    static final int MAX_BATCH = 256;

    /** A release waiting for the next round trip of its scope. */
    record Pending(String callKey, CompletableFuture<Boolean> done) {}

    private final RedisScriptingAsyncCommands<String, String> redis;
    private final RedisKeys keys;
    private final String ttlMillis;
    private final LongSupplier testClock;
    private final ConcurrentHashMap<String, ConcurrentLinkedQueue<Pending>> pending = new ConcurrentHashMap<>();
    /** Null: every release is a script of its own, at once. */
    private final DelayedFlush releaseFlush;

    public RedisChannelCounter(RedisScriptingAsyncCommands<String, String> redis, String clusterId, Duration leaseTtl) {
        this(redis, clusterId, leaseTtl, null, null);
    }

    /** Releases batched (see the class comment), flushed on {@code flusher}. */
    public RedisChannelCounter(RedisScriptingAsyncCommands<String, String> redis, String clusterId, Duration leaseTtl,
                               ScheduledExecutorService flusher) {
        this(redis, clusterId, leaseTtl, null, flusher);
    }

    /** {@code testClock}: the time the scripts use instead of Redis TIME; null for TIME. */
    RedisChannelCounter(RedisScriptingAsyncCommands<String, String> redis, String clusterId, Duration leaseTtl,
                        LongSupplier testClock) {
        this(redis, clusterId, leaseTtl, testClock, null);
    }

    RedisChannelCounter(RedisScriptingAsyncCommands<String, String> redis, String clusterId, Duration leaseTtl,
                        LongSupplier testClock, ScheduledExecutorService flusher) {
        this.releaseFlush = flusher == null ? null : new DelayedFlush(flusher, FLUSH_DELAY_MICROS, this::flushAll);
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = new RedisKeys(clusterId);
        long ttl = leaseTtl.toMillis();
        if (ttl <= 0) throw new IllegalArgumentException("lease TTL must be positive: " + leaseTtl);
        this.ttlMillis = Long.toString(ttl);
        this.testClock = testClock;
    }

    public static List<LuaScript> scripts() { return List.of(ACQUIRE, REFRESH, RELEASE, COUNT); }

    @Override public java.time.Duration leaseTtl() { return java.time.Duration.ofMillis(Long.parseLong(ttlMillis)); }

    @Override
    public CompletionStage<Boolean> tryAcquire(String scope, String callKey, int limit) {
        if (limit < 0) return CompletableFuture.failedStage(new IllegalArgumentException("channel limit: " + limit));
        flush(scope);
        return run(ACQUIRE, scope, callKey, Integer.toString(limit), ttlMillis).thenApply(r -> r == 1L);
    }

    @Override
    public CompletionStage<Boolean> refresh(String scope, String callKey) {
        if (callKey == null) return CompletableFuture.failedStage(new NullPointerException("callKey"));
        return refreshAll(scope, List.of(callKey)).thenApply(held -> held.get(0));
    }

    /** One script per {@link #MAX_BATCH} keys, after the scope's queued releases. */
    @Override
    public CompletionStage<List<Boolean>> refreshAll(String scope, List<String> callKeys) {
        if (scope == null) return CompletableFuture.failedStage(new NullPointerException("scope"));
        if (callKeys.isEmpty()) return CompletableFuture.completedFuture(List.of());
        flush(scope);
        List<CompletableFuture<List<Boolean>>> parts = new ArrayList<>();
        for (int from = 0; from < callKeys.size(); from += MAX_BATCH) {
            List<String> chunk = callKeys.subList(from, Math.min(callKeys.size(), from + MAX_BATCH));
            CompletionStage<List<Object>> r;
            try {
                String[] args = new String[2 + chunk.size()];
                args[0] = now();
                args[1] = ttlMillis;
                for (int i = 0; i < chunk.size(); i++) args[i + 2] = Objects.requireNonNull(chunk.get(i), "callKey");
                r = REFRESH.run(redis, ScriptOutputType.MULTI, new String[] {keys.channels(scope)}, args);
            } catch (RuntimeException e) {
                r = CompletableFuture.failedStage(e);
            }
            int n = chunk.size();
            parts.add(r.thenApply(held -> {
                List<Boolean> out = new ArrayList<>(n);
                for (int i = 0; i < n; i++) out.add(i < held.size() && held.get(i) instanceof Long l && l == 1L);
                return out;
            }).toCompletableFuture());
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<Boolean> all = new ArrayList<>(callKeys.size());
            for (CompletableFuture<List<Boolean>> p : parts) all.addAll(p.join());
            return all;
        });
    }

    @Override
    public CompletionStage<Boolean> release(String scope, String callKey) {
        if (scope == null || callKey == null) {
            return CompletableFuture.failedStage(new NullPointerException(scope == null ? "scope" : "callKey"));
        }
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        pending.computeIfAbsent(scope, s -> new ConcurrentLinkedQueue<>()).add(new Pending(callKey, done));
        if (releaseFlush == null) {
            flush(scope); // unbatched: sent at once, with whatever else is queued for the scope
            return done;
        }
        releaseFlush.request();
        return done;
    }

    /** Up to {@code max} releases queued for {@code scope}, taken off the queue (empty list when none). */
    List<Pending> drain(String scope, int max) {
        ConcurrentLinkedQueue<Pending> q = pending.get(scope);
        if (q == null || q.isEmpty()) return List.of();
        List<Pending> out = new ArrayList<>(Math.min(max, 8));
        Pending p;
        while (out.size() < max && (p = q.poll()) != null) out.add(p);
        return out;
    }

    /** Sends every queued release now (one script per scope and {@link #MAX_BATCH} keys); completes when all were applied. */
    public CompletableFuture<Void> flushAll() {
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (String scope : pending.keySet()) sent.addAll(flush(scope));
        return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
    }

    /** Sends the queued releases of {@code scope}, before whatever this instance sends next. */
    private List<CompletableFuture<Boolean>> flush(String scope) {
        List<CompletableFuture<Boolean>> sent = List.of();
        for (List<Pending> batch = drain(scope, MAX_BATCH); !batch.isEmpty(); batch = drain(scope, MAX_BATCH)) {
            if (sent.isEmpty()) sent = new ArrayList<>();
            String[] args = new String[1 + batch.size()];
            args[0] = now();
            for (int i = 0; i < batch.size(); i++) {
                args[i + 1] = batch.get(i).callKey();
                sent.add(batch.get(i).done());
            }
            List<Pending> these = batch;
            CompletionStage<List<Object>> r;
            try {
                r = RELEASE.run(redis, ScriptOutputType.MULTI, new String[] {keys.channels(scope)}, args);
            } catch (RuntimeException e) {
                r = CompletableFuture.failedStage(e);
            }
            r.whenComplete((freed, error) -> completeAll(these, freed, 0, error));
        }
        return sent;
    }

    /**
     * Completes a batch of releases with the script's per-key answers, {@code freed[from..]} (1 when
     * that key held a lease), or with the store's error.
     */
    static void completeAll(List<Pending> batch, List<Object> freed, int from, Throwable error) {
        for (int i = 0; i < batch.size(); i++) {
            Pending p = batch.get(i);
            if (error != null) {
                p.done().completeExceptionally(LuaScript.unwrap(error));
            } else {
                Object r = freed != null && from + i < freed.size() ? freed.get(from + i) : null;
                p.done().complete(r instanceof Long l && l == 1L);
            }
        }
    }

    RedisKeys keys() { return keys; }

    String ttlMillis() { return ttlMillis; }

    RedisScriptingAsyncCommands<String, String> redis() { return redis; }

    String clock() { return now(); }

    @Override
    public CompletionStage<Integer> count(String scope) {
        try {
            Objects.requireNonNull(scope, "scope");
            flush(scope);
            return COUNT.<Long>run(redis, ScriptOutputType.INTEGER, new String[] {keys.channels(scope)}, now())
                    .thenApply(Long::intValue);
        } catch (RuntimeException e) {
            return CompletableFuture.failedStage(e);
        }
    }

    private CompletionStage<Long> run(LuaScript script, String scope, String callKey, String... more) {
        try {
            Objects.requireNonNull(scope, "scope");
            Objects.requireNonNull(callKey, "callKey");
            String[] args = new String[2 + more.length];
            args[0] = now();
            args[1] = callKey;
            System.arraycopy(more, 0, args, 2, more.length);
            return script.run(redis, ScriptOutputType.INTEGER, new String[] {keys.channels(scope)}, args);
        } catch (RuntimeException e) {
            return CompletableFuture.failedStage(e);
        }
    }

    private String now() {
        return testClock == null ? "" : Long.toString(testClock.getAsLong());
    }
}
