package io.sipfleet.cluster.limits;

import io.sipfleet.cluster.location.Binding;
import io.sipfleet.cluster.location.LocationStore;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The admission of a new call as one operation: the switch's CPS window, the carrier route's CPS
 * window and the call's channel lease, checked in that order. A shared (Redis) store does all of
 * it in one round trip ({@link RedisCallAdmission}); {@link #of} composes a {@link CpsLimiter} and a
 * {@link ChannelCounter} (in memory, one call after the other) with the same outcome.
 *
 * <p>Not all-or-nothing, by choice, the same as the separate limiters: a CPS slot taken by an
 * attempt that a later check refuses (route CPS, channels) stays taken, because CPS counts
 * attempts; a refused channel takes nothing.
 *
 * <p>Asynchronous; never blocks.
 */
public interface CallAdmission {

    /** The outcome: admitted (the channel is held, when one was asked for) or the first check that refused. */
    enum Verdict { ADMITTED, CPS_LIMIT, ROUTE_CPS_LIMIT, CHANNEL_LIMIT }

    /**
     * @param cpsScope     the switch's CPS scope; checked only when {@code cpsLimit > 0}
     * @param routeScope   the carrier route's CPS scope, or null; checked only when {@code routeCps > 0}
     * @param channelScope scope of the channel lease, or null to check the CPS windows only
     * @param callKey      the call's lease key (see {@link ChannelCounter#tryAcquire}); ignored without a scope
     * @param channelLimit channels the scope may hold ({@link Integer#MAX_VALUE} for no limit)
     */
    CompletionStage<Verdict> admit(String cpsScope, int cpsLimit, String routeScope, int routeCps,
                                   String channelScope, String callKey, int channelLimit);

    /**
     * A call to a subscriber: the callee's bindings and, when it has a live one, the call's admission
     * in the same step ({@code admit} with no carrier route). No live binding: nothing is taken and
     * {@code verdict} is null (the switch answers 404, or admits separately a call it routes to a
     * location-sharing peer). A Redis store whose location is {@code location} does it all in one
     * round trip ({@link RedisCallAdmission}); this default looks up, then admits.
     *
     * @param bindings the AoR's live bindings, as {@link LocationStore#lookup} gives them
     * @param verdict  null when there was no live binding and so no admission
     */
    record CalleeAdmission(List<Binding> bindings, Verdict verdict) {
        public CalleeAdmission {
            bindings = List.copyOf(bindings);
        }
    }

    /**
     * Looks {@code aor} up in {@code location} and admits the call when it has a live binding
     * (arguments as {@link #admit}, without a carrier route).
     */
    default CompletionStage<CalleeAdmission> admitCallee(LocationStore location, String aor, String cpsScope,
                                                        int cpsLimit, String channelScope, String callKey,
                                                        int channelLimit) {
        return location.lookup(aor).thenCompose(bindings -> bindings.isEmpty()
                ? CompletableFuture.completedStage(new CalleeAdmission(bindings, null))
                : admit(cpsScope, cpsLimit, null, 0, channelScope, callKey, channelLimit)
                        .thenApply(v -> new CalleeAdmission(bindings, v)));
    }

    /** Admission through the two limiters, one call after the other (for stores in this process). */
    static CallAdmission of(CpsLimiter cps, ChannelCounter channels) {
        Objects.requireNonNull(cps, "cps");
        Objects.requireNonNull(channels, "channels");
        CompletionStage<Verdict> admitted = CompletableFuture.completedStage(Verdict.ADMITTED);
        CompletionStage<Verdict> refused = CompletableFuture.completedStage(Verdict.CHANNEL_LIMIT);
        return (cpsScope, cpsLimit, routeScope, routeCps, channelScope, callKey, channelLimit) -> {
            java.util.function.Supplier<CompletionStage<Verdict>> channel = () -> channelScope == null ? admitted
                    : channels.tryAcquire(channelScope, callKey, channelLimit).thenCompose(ok -> ok ? admitted : refused);
            java.util.function.Supplier<CompletionStage<Verdict>> route = () -> routeScope == null || routeCps <= 0
                    ? channel.get()
                    : cps.tryAcquire(routeScope, routeCps).thenCompose(ok -> ok ? channel.get()
                            : CompletableFuture.completedStage(Verdict.ROUTE_CPS_LIMIT));
            if (cpsLimit <= 0) return route.get();
            return cps.tryAcquire(cpsScope, cpsLimit).thenCompose(ok -> ok ? route.get()
                    : CompletableFuture.completedStage(Verdict.CPS_LIMIT));
        };
    }
}
