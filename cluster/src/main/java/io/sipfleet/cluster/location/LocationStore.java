package io.sipfleet.cluster.location;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The registrar's location service (RFC 3261 10.3): AoR to bindings. One keyspace per cluster;
 * every switch of the cluster sees the same bindings, the {@link Binding#memberId} owner pings
 * them and holds their flows.
 *
 * <p>Every method that a shared (Redis) store does with a round trip returns a
 * {@link CompletionStage} and never blocks: callers run on Netty event loops. The in-memory store
 * returns completed stages. Stages complete exceptionally on store failure; the switch answers
 * 500 to a REGISTER and treats a failed lookup as "not found, try later" (480).
 */
public interface LocationStore {

    /**
     * The AoR's unexpired bindings, q descending, then most recently registered first. Empty when
     * none. An expired binding is never returned, even before a sweep removed it.
     */
    CompletionStage<List<Binding>> lookup(String aor);

    /**
     * Applies one REGISTER to the AoR atomically (RFC 3261 10.3 steps 6-8): the Call-ID/CSeq check
     * and all its updates happen in one step, and either all updates are committed or none.
     * <ul>
     *   <li>a contact not bound yet is added (expires=0 for an unknown contact is a no-op);</li>
     *   <li>a bound contact (same text, or same +sip.instance and reg-id) with another Call-ID is
     *       replaced; with the same Call-ID only when the request's CSeq is higher, otherwise the
     *       whole request fails with {@link RegistrationResult.Status#OUT_OF_ORDER};</li>
     *   <li>expires=0 removes; {@code Contact: *} removes every binding under the same check;</li>
     *   <li>a contact listed twice in one request: the last one counts;</li>
     *   <li>no contacts and no wildcard is a query.</li>
     * </ul>
     */
    CompletionStage<RegistrationResult> register(String aor, RegisterRequest request);

    /**
     * Removes the AoR's binding for {@code contact}, whatever its Call-ID/CSeq (cause
     * {@link BindingListener.Cause#DROPPED}). True when a binding was removed.
     */
    CompletionStage<Boolean> remove(String aor, String contact);

    /**
     * Removes {@code seen} only if it is still the stored binding (same contact, Call-ID and
     * CSeq): what the keep-alive scheduler uses when pings to a flow fail, so a UA that
     * re-registered meanwhile (new NAT mapping) keeps its fresh binding.
     */
    CompletionStage<Boolean> removeIfCurrent(Binding seen);

    /**
     * Bindings held, across all AoRs. May include bindings that expired since the last sweep:
     * it is a gauge for metrics and capacity, not an answer to "is X registered".
     */
    CompletionStage<Integer> count();

    /**
     * Calls {@code action} once for each unexpired binding owned by {@code memberId}, for the
     * keep-alive scheduler and for handing bindings over when a switch leaves. Weakly consistent:
     * bindings written during the iteration may or may not be seen. {@code action} may run on
     * another thread than the caller's (a Redis store pages through an index); the stage
     * completes after the last call.
     */
    CompletionStage<Void> forEachOwnedBy(String memberId, Consumer<Binding> action);

    /**
     * Removes expired bindings and tells the listeners ({@link BindingListener.Cause#EXPIRED}).
     * The owner calls it on a timer (every few seconds); lookups are correct without it, it only
     * bounds memory and makes expiry events timely. Completes with the number removed.
     */
    CompletionStage<Integer> sweep();

    /** Adds a listener for removals made through this store instance (see {@link BindingListener}). */
    void addListener(BindingListener listener);
}
