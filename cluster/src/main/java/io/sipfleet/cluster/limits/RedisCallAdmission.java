package io.sipfleet.cluster.limits;

import io.lettuce.core.ScriptOutputType;
import io.sipfleet.cluster.redis.LuaScript;
import io.sipfleet.cluster.redis.RedisKeys;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link CallAdmission} in one Redis round trip: {@code admit.lua} runs the switch's CPS window,
 * the route's CPS window (the rule and keys of {@link RedisCpsLimiter}) and the channel lease
 * acquire (the rule and keys of {@link RedisChannelCounter}) in one script, so a call costs one
 * {@code EVALSHA} where the separate limiters cost two or three. The script also carries the
 * releases {@link RedisChannelCounter} queued for the channel scope since its last round trip
 * (applied first), which under load makes a call's release free of a round trip of its own.
 */
public final class RedisCallAdmission implements CallAdmission {
    static final LuaScript ADMIT = LuaScript.of("prelude", "cps-lib", "channel-lib", "admit");
    /** Queued releases one admission carries at most; the rest wait for the next one or the flush. */
    static final int MAX_PIGGYBACK = 32;

    private static final Verdict[] VERDICTS = {Verdict.CPS_LIMIT, Verdict.ADMITTED, Verdict.ROUTE_CPS_LIMIT,
            Verdict.CHANNEL_LIMIT};
    private static final String WINDOW = Long.toString(RedisCpsLimiter.WINDOW_MILLIS);
    private static final String CPS_KEY_TTL = Long.toString(RedisCpsLimiter.KEY_TTL_MILLIS);

    private final RedisChannelCounter channels;
    private final RedisKeys keys;

    /** Admission on the connection, keyspace, clock and lease TTL of {@code channels}. */
    public RedisCallAdmission(RedisChannelCounter channels) {
        this.channels = Objects.requireNonNull(channels, "channels");
        this.keys = channels.keys();
    }

    public static List<LuaScript> scripts() { return List.of(ADMIT); }

    @Override
    public CompletionStage<Verdict> admit(String cpsScope, int cpsLimit, String routeScope, int routeCps,
                                          String channelScope, String callKey, int channelLimit) {
        if (cpsLimit > InMemoryCpsLimiter.MAX_LIMIT || routeCps > InMemoryCpsLimiter.MAX_LIMIT) {
            return CompletableFuture.failedStage(new IllegalArgumentException("CPS limit out of range: "
                    + Math.max(cpsLimit, routeCps)));
        }
        if (channelLimit < 0) return CompletableFuture.failedStage(new IllegalArgumentException("channel limit: " + channelLimit));
        boolean server = cpsLimit > 0, route = routeScope != null && routeCps > 0;
        if (server) Objects.requireNonNull(cpsScope, "cpsScope");
        if (channelScope != null) Objects.requireNonNull(callKey, "callKey");
        if (!server && !route && channelScope == null) return CompletableFuture.completedStage(Verdict.ADMITTED);
        List<RedisChannelCounter.Pending> releases = channelScope == null ? List.of()
                : channels.drain(channelScope, MAX_PIGGYBACK);
        String cpsKey = keys.cps(server ? cpsScope : route ? routeScope : channelScope);
        String[] k = {cpsKey, route ? keys.cps(routeScope) : cpsKey,
                channelScope != null ? keys.channels(channelScope) : cpsKey};
        String[] args = new String[8 + releases.size()];
        args[0] = channels.clock();
        args[1] = server ? Integer.toString(cpsLimit) : "0";
        args[2] = route ? Integer.toString(routeCps) : "0";
        args[3] = WINDOW;
        args[4] = CPS_KEY_TTL;
        args[5] = channelScope != null ? callKey : "";
        args[6] = Integer.toString(channelLimit);
        args[7] = channels.ttlMillis();
        for (int i = 0; i < releases.size(); i++) args[8 + i] = releases.get(i).callKey();
        try {
            if (releases.isEmpty()) {
                return ADMIT.<Long>run(channels.redis(), ScriptOutputType.INTEGER, k, args)
                        .thenApply(v -> VERDICTS[v.intValue()]);
            }
            return ADMIT.<List<Object>>run(channels.redis(), ScriptOutputType.MULTI, k, args)
                    .whenComplete((r, error) -> RedisChannelCounter.completeAll(releases, r, 1, error))
                    .thenApply(r -> VERDICTS[((Long) r.get(0)).intValue()]);
        } catch (RuntimeException e) {
            RedisChannelCounter.completeAll(releases, null, 0, e);
            return CompletableFuture.failedStage(e);
        }
    }
}
