package io.sipfleet.cluster.limits;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.sipfleet.cluster.redis.LuaScript;
import io.sipfleet.cluster.redis.RedisKeys;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
 */
public final class RedisChannelCounter implements ChannelCounter {
    static final LuaScript ACQUIRE = LuaScript.of("prelude", "channel-lib", "channel-acquire");
    static final LuaScript REFRESH = LuaScript.of("prelude", "channel-lib", "channel-refresh");
    static final LuaScript RELEASE = LuaScript.of("prelude", "channel-lib", "channel-release");
    static final LuaScript COUNT = LuaScript.of("prelude", "channel-lib", "channel-count");

    private final RedisScriptingAsyncCommands<String, String> redis;
    private final RedisKeys keys;
    private final String ttlMillis;
    private final LongSupplier testClock;

    public RedisChannelCounter(RedisScriptingAsyncCommands<String, String> redis, String clusterId, Duration leaseTtl) {
        this(redis, clusterId, leaseTtl, null);
    }

    /** {@code testClock}: the time the scripts use instead of Redis TIME; null for TIME. */
    RedisChannelCounter(RedisScriptingAsyncCommands<String, String> redis, String clusterId, Duration leaseTtl,
                        LongSupplier testClock) {
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
        return run(ACQUIRE, scope, callKey, Integer.toString(limit), ttlMillis).thenApply(r -> r == 1L);
    }

    @Override
    public CompletionStage<Boolean> refresh(String scope, String callKey) {
        return run(REFRESH, scope, callKey, ttlMillis).thenApply(r -> r == 1L);
    }

    @Override
    public CompletionStage<Boolean> release(String scope, String callKey) {
        return run(RELEASE, scope, callKey).thenApply(r -> r == 1L);
    }

    @Override
    public CompletionStage<Integer> count(String scope) {
        try {
            Objects.requireNonNull(scope, "scope");
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
