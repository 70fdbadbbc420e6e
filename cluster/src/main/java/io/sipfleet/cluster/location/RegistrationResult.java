package io.sipfleet.cluster.location;

import java.util.List;

/**
 * What a REGISTER did to an AoR.
 *
 * @param status    whether the update was applied; when not, nothing changed (RFC 3261 10.3
 *                  step 8: all of a request's updates are committed, or none)
 * @param bindings  the AoR's unexpired bindings after the request, ordered like
 *                  {@link LocationStore#lookup}: the 200 OK's Contact list
 * @param added     bindings that did not exist before (new contact, or a new contact URI that
 *                  replaced an RFC 5626 instance's old one)
 * @param refreshed bindings rewritten in place (same contact): new expiry, maybe a new flow when
 *                  the NAT mapping or Call-ID changed
 * @param removed   bindings this request removed (expires=0, {@code Contact: *}, or an old URI
 *                  replaced by the same instance); expired bindings dropped on the way are not
 *                  here, the store's listener reports those
 * @param atMillis  the store's time when it applied the request, on the clock the bindings' times
 *                  are on: {@link RegisterRequest#nowMillis()} in memory, the Redis server's clock
 *                  in Redis. The 200 OK's expires values are {@code b.remainingSeconds(atMillis)};
 *                  a switch's own clock may be off from Redis's
 */
public record RegistrationResult(Status status, List<Binding> bindings,
                                 List<Binding> added, List<Binding> refreshed, List<Binding> removed,
                                 long atMillis) {

    /** Why a REGISTER failed, with the response the registrar sends. */
    public enum Status {
        OK,
        /**
         * A binding has the request's Call-ID with a CSeq above the request's: the request
         * is older than what we hold (RFC 3261 10.3 steps 6 and 7: "the update MUST be aborted and
         * the request fails"). RFC 3261 ties a failed update to 500 (step 8), so answer
         * {@code 500 Server Internal Error}; some registrars answer 400, which a UA may treat as
         * final where 500 invites a retry with a new CSeq.
         */
        OUT_OF_ORDER,
        /**
         * A binding has the request's Call-ID and CSeq: this is the request that wrote it, seen
         * again (a retransmission whose 200 was lost; the registrar keeps no transaction to absorb
         * it). Nothing changed; answer 200 with the current bindings, as the first time.
         */
        REPEATED,
        /**
         * The AoR would hold more than {@link RegisterRequest#maxBindings} bindings. Retrying does
         * not help, so answer {@code 403 Forbidden} ("Too many registered contacts"), not 503.
         */
        TOO_MANY_BINDINGS
    }

    public RegistrationResult {
        bindings = List.copyOf(bindings);
        added = List.copyOf(added);
        refreshed = List.copyOf(refreshed);
        removed = List.copyOf(removed);
    }

    static RegistrationResult unchanged(Status status, List<Binding> current, long atMillis) {
        return new RegistrationResult(status, current, List.of(), List.of(), List.of(), atMillis);
    }

    /** The registrar answers 200: the request was applied, or was one applied before ({@link Status#REPEATED}). */
    public boolean isOk() { return status == Status.OK || status == Status.REPEATED; }
}
