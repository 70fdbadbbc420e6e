package io.sipfleet.cluster.location;

import java.util.Objects;

/**
 * One contact bound to an address-of-record (RFC 3261 10.3): where calls for the AoR go.
 *
 * <p>Kept flat and small on purpose: a carrier switch holds a few hundred thousand of these, so
 * no per-binding maps or lists, times as epoch millis, and strings that repeat across bindings
 * (the AoR, member id, user agent, local address) are shared instances where the store can.
 *
 * @param aor               canonical "sip:user@domain" (see {@code SipUri.aor()})
 * @param contact           the Contact URI as text, in the switch's canonical form: bindings of
 *                          one AoR are matched by exact text (RFC 3261 19.1.4 normalisation is
 *                          the switch's job, so the Redis hash field and this agree)
 * @param expiresAtMillis   epoch millis at which the binding stops existing
 * @param q                 q-value in thousandths (q=0.5 is 500), {@link #Q_ABSENT} when absent
 * @param callId            Call-ID of the REGISTER that last wrote this binding
 * @param cseq              its CSeq number (32-bit unsigned, hence long)
 * @param flow              where the REGISTER came from and arrived on: requests go back there
 * @param instanceId        +sip.instance (RFC 5626/5627), or null
 * @param regId             reg-id (RFC 5626), or {@link #NO_REG_ID}
 * @param userAgent         User-Agent header, or null (for operators, not for logic)
 * @param memberId          the switch that owns the binding: it pings it and holds its flow
 * @param registeredAtMillis when the binding was last written (tie-break for equal q)
 * @param path              Path header value (RFC 3327) as text, or null
 */
public record Binding(String aor, String contact, long expiresAtMillis, int q,
                      String callId, long cseq, Flow flow,
                      String instanceId, int regId, String userAgent,
                      String memberId, long registeredAtMillis, String path) {

    public static final int Q_ABSENT = -1;
    public static final int NO_REG_ID = -1;
    /**
     * RFC 3261 gives no default q. For ordering only, an unqualified contact counts as q=1.0, the
     * common reading ("no preference stated" = fully preferred); the stored q stays absent.
     */
    public static final int Q_ABSENT_ORDERS_AS = 1000;

    public Binding {
        Objects.requireNonNull(aor, "aor");
        Objects.requireNonNull(contact, "contact");
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(flow, "flow");
        Objects.requireNonNull(memberId, "memberId");
        checkQ(q);
        if (regId < NO_REG_ID) throw new IllegalArgumentException("regId: " + regId);
        if (cseq < 0) throw new IllegalArgumentException("cseq: " + cseq);
    }

    static void checkQ(int q) {
        if (q != Q_ABSENT && (q < 0 || q > 1000)) throw new IllegalArgumentException("q out of range: " + q);
    }

    /** Expired at {@code nowMillis}: an expired binding is gone, whether or not a sweep ran. */
    public boolean isExpiredAt(long nowMillis) { return nowMillis >= expiresAtMillis; }

    /** Seconds left, rounded up, for the expires parameter of the 200 OK's Contact (0 once expired). */
    public long remainingSeconds(long nowMillis) {
        long ms = expiresAtMillis - nowMillis;
        return ms <= 0 ? 0 : (ms + 999) / 1000;
    }

    /** The q used to order contacts (absent counts as 1.0). */
    public int orderingQ() { return q == Q_ABSENT ? Q_ABSENT_ORDERS_AS : q; }

    /** Same RFC 5626 flow key: same instance and same reg-id (no reg-id matches no reg-id, RFC 5627). */
    public boolean sameInstance(String otherInstanceId, int otherRegId) {
        return instanceId != null && instanceId.equals(otherInstanceId) && regId == otherRegId;
    }
}
