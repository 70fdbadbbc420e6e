package io.sipfleet.cluster.limits;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.sipfleet.cluster.redis.LuaScript;
import io.sipfleet.cluster.redis.RedisKeys;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/**
 * Sliding-window CPS limits shared by the switches of a cluster: one Lua script per attempt
 * ({@code cps-acquire.lua}) on a sorted set per scope, {@code sf:{<clusterId>}:cps:<scope>}, of
 * the admissions of the last second scored by the Redis server's clock. The rule is
 * {@link SlidingWindow}'s (admit when the limit-th most recent admission is at least 1000 ms old),
 * and since every switch's attempts meet in the same script on the same clock, the limit holds
 * for the cluster as a whole, not per switch: three switches offered 20/s each on a 30/s trunk
 * admit 30/s between them.
 *
 * <p>Memory: the set holds at most the highest limit used in the last second (about 60 bytes an
 * admission in Redis) and expires 2 s after the scope's last admission, so {@link #sweep()} has
 * nothing to do. A limit of 0 is answered without a round trip.
 */
public final class RedisCpsLimiter implements CpsLimiter {
    static final LuaScript ACQUIRE = LuaScript.of("prelude", "cps-lib", "cps-acquire");
    static final long WINDOW_MILLIS = SlidingWindow.WINDOW_MILLIS;
    /** The scope's key outlives its last admission by this much; must be at least the window. */
    static final long KEY_TTL_MILLIS = 2 * WINDOW_MILLIS;

    private static final CompletionStage<Boolean> REFUSED = CompletableFuture.completedStage(false);

    private final RedisScriptingAsyncCommands<String, String> redis;
    private final RedisKeys keys;
    private final LongSupplier testClock;

    public RedisCpsLimiter(RedisScriptingAsyncCommands<String, String> redis, String clusterId) {
        this(redis, clusterId, null);
    }

    /** {@code testClock}: the time the script uses instead of Redis TIME; null for TIME. */
    RedisCpsLimiter(RedisScriptingAsyncCommands<String, String> redis, String clusterId, LongSupplier testClock) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = new RedisKeys(clusterId);
        this.testClock = testClock;
    }

    public static List<LuaScript> scripts() { return List.of(ACQUIRE); }

    @Override
    public CompletionStage<Boolean> tryAcquire(String scope, int limitPerSecond) {
        if (limitPerSecond < 0 || limitPerSecond > InMemoryCpsLimiter.MAX_LIMIT) {
            return CompletableFuture.failedStage(new IllegalArgumentException("CPS limit out of range: " + limitPerSecond));
        }
        if (limitPerSecond == 0) return REFUSED;
        try {
            Objects.requireNonNull(scope, "scope");
            return ACQUIRE.<Long>run(redis, ScriptOutputType.INTEGER, new String[] {keys.cps(scope)},
                    testClock == null ? "" : Long.toString(testClock.getAsLong()), Integer.toString(limitPerSecond),
                    Long.toString(WINDOW_MILLIS), Long.toString(KEY_TTL_MILLIS)).thenApply(r -> r == 1L);
        } catch (RuntimeException e) {
            return CompletableFuture.failedStage(e);
        }
    }
}
