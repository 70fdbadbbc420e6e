package io.sipfleet.sip.auth;

import java.util.Objects;

/**
 * The outcome of {@link DigestAuthenticator#verify}: a status for the code path and a reason
 * for the log line (never for the wire: it would tell an attacker which check failed).
 *
 * @param status what happened
 * @param reason a human explanation, e.g. "nonce-count 00000003 not above 00000005"
 */
public record DigestResult(Status status, String reason) {

    /** Verification outcomes, with the answer a registrar or proxy gives for each. */
    public enum Status {
        /** Credentials are good: proceed. */
        OK,
        /**
         * The password was right but the nonce has expired (or was evicted from replay
         * tracking): answer 401/407 with a fresh challenge and stale=true (RFC 7616 section 3.3).
         */
        STALE,
        /** The nonce (or opaque) was not issued by this realm's secret: forged or garbled. */
        BAD_NONCE,
        /** The nonce-count was not above the highest seen for that nonce: a replay. */
        REPLAY,
        /** The response does not match the stored HA1: wrong password or wrong user. */
        WRONG_RESPONSE,
        /** The credentials answer another realm. */
        REALM_MISMATCH,
        /** The algorithm is not among those this authenticator offers. */
        UNSUPPORTED_ALGORITHM,
        /** A qop other than "auth" (auth-int is not supported). */
        UNSUPPORTED_QOP
    }

    public DigestResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
    }

    /** The one successful result. */
    public static final DigestResult OK = new DigestResult(Status.OK, "credentials valid");

    static DigestResult of(Status status, String reason) {
        return new DigestResult(status, reason);
    }

    /** Whether the request is authenticated. */
    public boolean isOk() {
        return status == Status.OK;
    }

    /** Whether the fresh challenge should carry stale=true. */
    public boolean isStale() {
        return status == Status.STALE;
    }
}
