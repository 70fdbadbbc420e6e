package io.sipfleet.cluster.limits;

import io.lettuce.core.ScriptOutputType;
import io.sipfleet.cluster.location.LocationStore;
import io.sipfleet.cluster.location.RedisLocationStore;
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
 *
 * <p>A call to a subscriber ({@link #admitCallee}) also reads the callee's bindings in that script
 * ({@code admit-callee.lua}) when the location store is the cluster's {@link RedisLocationStore}:
 * one round trip per new INVITE, where a lookup followed by the admission took two, one after the
 * other (cluster bench: the member's CPU per call and Redis's both drop by the cost of one command).
 */
public final class RedisCallAdmission implements CallAdmission {
    static final LuaScript ADMIT = LuaScript.of("prelude", "cps-lib", "channel-lib", "admit-lib", "admit");
    static final LuaScript ADMIT_CALLEE = LuaScript.of("prelude", "location-lib", "cps-lib", "channel-lib",
            "admit-lib", "admit-callee");
    /** Queued releases one admission carries at most; the rest wait for the next one or the flush. */
    static final int MAX_PIGGYBACK = 32;

    private static final Verdict[] VERDICTS = {Verdict.CPS_LIMIT, Verdict.ADMITTED, Verdict.ROUTE_CPS_LIMIT,
            Verdict.CHANNEL_LIMIT};
    private static final String WINDOW = Long.toString(RedisCpsLimiter.WINDOW_MILLIS);
    private static final String CPS_KEY_TTL = Long.toString(RedisCpsLimiter.KEY_TTL_MILLIS);

    private final RedisChannelCounter channels;
    private final RedisLocationStore location;
    private final RedisKeys keys;

    /** Admission on the connection, keyspace, clock and lease TTL of {@code channels}. */
    public RedisCallAdmission(RedisChannelCounter channels) {
        this(channels, null);
    }

    /**
     * @param location the cluster's location store, on the same Redis and keyspace as
     *                 {@code channels} (null: {@link #admitCallee} looks up, then admits)
     */
    public RedisCallAdmission(RedisChannelCounter channels, RedisLocationStore location) {
        this.channels = Objects.requireNonNull(channels, "channels");
        this.location = location;
        this.keys = channels.keys();
    }

    public static List<LuaScript> scripts() { return List.of(ADMIT, ADMIT_CALLEE); }

    @Override
    public CompletionStage<Verdict> admit(String cpsScope, int cpsLimit, String routeScope, int routeCps,
                                          String channelScope, String callKey, int channelLimit) {
        Request r;
        try {
            r = request(cpsScope, cpsLimit, routeScope, routeCps, channelScope, callKey, channelLimit);
        } catch (IllegalArgumentException | NullPointerException e) {
            return CompletableFuture.failedStage(e);
        }
        if (r == null) return CompletableFuture.completedStage(Verdict.ADMITTED);
        try {
            if (r.releases.isEmpty()) {
                return ADMIT.<Long>run(channels.redis(), ScriptOutputType.INTEGER, r.keys(null), r.args)
                        .thenApply(v -> VERDICTS[v.intValue()]);
            }
            return ADMIT.<List<Object>>run(channels.redis(), ScriptOutputType.MULTI, r.keys(null), r.args)
                    .whenComplete((reply, error) -> RedisChannelCounter.completeAll(r.releases, reply, 1, error))
                    .thenApply(reply -> VERDICTS[((Long) reply.get(0)).intValue()]);
        } catch (RuntimeException e) {
            RedisChannelCounter.completeAll(r.releases, null, 0, e);
            return CompletableFuture.failedStage(e);
        }
    }

    @Override
    public CompletionStage<CalleeAdmission> admitCallee(LocationStore store, String aor, String cpsScope, int cpsLimit,
                                                       String channelScope, String callKey, int channelLimit) {
        if (store != location || store == null) {
            return CallAdmission.super.admitCallee(store, aor, cpsScope, cpsLimit, channelScope, callKey, channelLimit);
        }
        Request r;
        try {
            Objects.requireNonNull(aor, "aor");
            r = request(cpsScope, cpsLimit, null, 0, channelScope, callKey, channelLimit);
        } catch (IllegalArgumentException | NullPointerException e) {
            return CompletableFuture.failedStage(e);
        }
        // Nothing to check (no limits, no channel): a lookup is all there is to do.
        if (r == null) return CallAdmission.super.admitCallee(store, aor, cpsScope, cpsLimit, channelScope, callKey, channelLimit);
        try {
            return ADMIT_CALLEE.<List<Object>>run(channels.redis(), ScriptOutputType.MULTI, r.keys(location.aorKey(aor)), r.args)
                    .whenComplete((reply, error) -> RedisChannelCounter.completeAll(r.releases, reply, 1, error))
                    .thenApply(reply -> {
                        int v = ((Long) reply.get(0)).intValue();
                        return new CalleeAdmission(RedisLocationStore.bindings(aor, reply, 1 + r.releases.size()),
                                v < 0 ? null : VERDICTS[v]);
                    });
        } catch (RuntimeException e) {
            RedisChannelCounter.completeAll(r.releases, null, 0, e);
            return CompletableFuture.failedStage(e);
        }
    }

    /** One admission's keys (but the callee's) and arguments, and the releases it carries. */
    private record Request(String cpsKey, String routeKey, String channelKey, String[] args,
                           List<RedisChannelCounter.Pending> releases) {
        String[] keys(String aorKey) {
            return aorKey == null ? new String[] {cpsKey, routeKey, channelKey}
                    : new String[] {cpsKey, routeKey, channelKey, aorKey};
        }
    }

    /** The script's keys and arguments (admit-lib.lua); null when there is nothing to check. */
    private Request request(String cpsScope, int cpsLimit, String routeScope, int routeCps,
                            String channelScope, String callKey, int channelLimit) {
        if (cpsLimit > InMemoryCpsLimiter.MAX_LIMIT || routeCps > InMemoryCpsLimiter.MAX_LIMIT) {
            throw new IllegalArgumentException("CPS limit out of range: " + Math.max(cpsLimit, routeCps));
        }
        if (channelLimit < 0) throw new IllegalArgumentException("channel limit: " + channelLimit);
        boolean server = cpsLimit > 0, route = routeScope != null && routeCps > 0;
        if (server) Objects.requireNonNull(cpsScope, "cpsScope");
        if (channelScope != null) Objects.requireNonNull(callKey, "callKey");
        if (!server && !route && channelScope == null) return null;
        List<RedisChannelCounter.Pending> releases = channelScope == null ? List.of()
                : channels.drain(channelScope, MAX_PIGGYBACK);
        String cpsKey = keys.cps(server ? cpsScope : route ? routeScope : channelScope);
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
        return new Request(cpsKey, route ? keys.cps(routeScope) : cpsKey,
                channelScope != null ? keys.channels(channelScope) : cpsKey, args, releases);
    }
}
