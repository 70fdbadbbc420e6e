package io.sipfleet.cluster.limits;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Concurrent-call (channel) limits, counted as LEASES keyed by call: {@code callKey} is chosen by
 * the caller, Call-ID plus From-tag, so the same call always maps to the same lease.
 *
 * <p>A lease lives for a TTL from its last acquire or refresh. The switch refreshes the leases of
 * its live dialogs on a timer (every TTL/3); a lease nobody refreshes is dropped. That is how a
 * leaked call (BYE lost, switch bug) is released here, and how a dead switch's channels free up
 * in a shared store. Releasing is still the normal path: it frees the channel at once.
 *
 * <p>Asynchronous because a shared (Redis) counter is a round trip; never blocks.
 */
public interface ChannelCounter {

    /**
     * Takes a channel in {@code scope} for {@code callKey} if fewer than {@code limit} are held.
     * Idempotent: if {@code callKey} already holds one (a retransmitted INVITE, a second leg of the
     * same call), answers true without taking another, and refreshes it. A lowered limit keeps the
     * leases already held and refuses new ones until the count is below it.
     */
    CompletionStage<Boolean> tryAcquire(String scope, String callKey, int limit);

    /** Extends the lease by a TTL from now. False if there is none (never taken, released, or expired). */
    CompletionStage<Boolean> refresh(String scope, String callKey);

    /**
     * {@link #refresh} of several leases of one scope, the owner's periodic refresh of its live
     * calls: one answer per key, in the order given. A shared counter does it in one round trip per
     * batch; a call lasting minutes would otherwise cost a store round trip every TTL/3 on its own.
     */
    default CompletionStage<List<Boolean>> refreshAll(String scope, List<String> callKeys) {
        List<CompletableFuture<Boolean>> each = new ArrayList<>(callKeys.size());
        for (String k : callKeys) each.add(refresh(scope, k).toCompletableFuture());
        return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
                .thenApply(v -> each.stream().map(CompletableFuture::join).toList());
    }

    /** Frees the channel. Idempotent: false for an unknown or already released key, never below 0. */
    CompletionStage<Boolean> release(String scope, String callKey);

    /**
     * How long a lease lives without a refresh. The owner refreshes its live calls every TTL/3, so
     * a lease survives two missed refreshes and a dead member's channels free up within the TTL.
     */
    default java.time.Duration leaseTtl() { return io.sipfleet.cluster.ClusterState.DEFAULT_CHANNEL_LEASE_TTL; }

    /** Unexpired leases held in {@code scope}. */
    CompletionStage<Integer> count(String scope);

    /**
     * Whether the counts live in this process, so that {@link #count} costs no round trip (the
     * in-memory counter); a shared store's count is a read of the store, which callers batch.
     */
    default boolean isLocal() { return false; }

    /** Drops expired leases in every scope (also done lazily per scope); the owner calls it on a timer. */
    default CompletionStage<Integer> sweep() {
        return CompletableFuture.completedStage(0);
    }
}
