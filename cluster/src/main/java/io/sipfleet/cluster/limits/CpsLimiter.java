package io.sipfleet.cluster.limits;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Calls-per-second limits (per trunk, customer, destination: the {@code scope} is the caller's
 * key). A SLIDING one-second window: with a limit of L, no interval of one second, wherever it
 * starts, contains more than L admissions. Not L per timer tick, and not a token bucket, both of
 * which let 2L through across a boundary, which is what the far end's own limiter then rejects.
 *
 * <p>Asynchronous because a shared (Redis) limiter is a round trip; never blocks.
 */
public interface CpsLimiter {

    /**
     * Admits one call attempt in {@code scope} if fewer than {@code limitPerSecond} were admitted
     * in the last 1000 ms, and records it. A limit of 0 admits nothing (a blocked trunk). The limit
     * comes with every call, from the caller's config snapshot: a changed limit applies from the
     * next call, keeping the admissions already made.
     */
    CompletionStage<Boolean> tryAcquire(String scope, int limitPerSecond);

    /** Forgets scopes idle for more than a window, bounding memory; the owner calls it on a timer. */
    default CompletionStage<Integer> sweep() {
        return CompletableFuture.completedStage(0);
    }
}
