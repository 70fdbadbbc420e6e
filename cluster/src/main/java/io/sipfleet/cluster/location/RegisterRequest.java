package io.sipfleet.cluster.location;

import java.util.List;
import java.util.Objects;

/**
 * The part of a REGISTER the location store needs for RFC 3261 10.3 steps 6-8, already
 * authenticated and validated by the switch.
 *
 * @param callId      Call-ID of the REGISTER
 * @param cseq        CSeq number
 * @param wildcard    {@code Contact: *} (the switch has checked Expires: 0 and that it is alone,
 *                    else 400 per step 6): remove every binding of the AoR
 * @param contacts    the Contacts to add, refresh or remove; empty with !wildcard is a query
 * @param flow        where the request came from (shared by all its contacts)
 * @param userAgent   User-Agent, or null
 * @param memberId    the switch that received it and will own the bindings
 * @param path        Path header value (RFC 3327), or null
 * @param maxBindings most bindings the AoR may have after this request, 0 for no limit; a policy
 *                    from the switch's config snapshot so every store enforces the same number
 * @param nowMillis   when the switch received it (epoch millis): expiries count from here. A
 *                    Redis store uses the server's clock instead, so switches never disagree.
 */
public record RegisterRequest(String callId, long cseq, boolean wildcard, List<ContactUpdate> contacts,
                              Flow flow, String userAgent, String memberId, String path,
                              int maxBindings, long nowMillis) {

    public RegisterRequest {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(flow, "flow");
        Objects.requireNonNull(memberId, "memberId");
        contacts = List.copyOf(contacts);
        if (wildcard && !contacts.isEmpty()) {
            throw new IllegalArgumentException("Contact: * must be the only Contact (RFC 3261 10.3 step 6)");
        }
        if (cseq < 0) throw new IllegalArgumentException("cseq: " + cseq);
        if (maxBindings < 0) throw new IllegalArgumentException("maxBindings: " + maxBindings);
    }

    /** A REGISTER without Contact: the 200 OK lists the current bindings, nothing changes. */
    public boolean isQuery() { return !wildcard && contacts.isEmpty(); }
}
