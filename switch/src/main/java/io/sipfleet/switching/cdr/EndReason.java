package io.sipfleet.switching.cdr;

/**
 * The {@link Cdr#endReason()} values, so CDR consumers can match on fixed strings. A failed call
 * is {@code "failure <code>"} with the final SIP status, e.g. {@code "failure 486"}.
 */
public final class EndReason {

    /** The caller hung up an answered call. */
    public static final String BYE_CALLER = "BYE caller";
    /** The callee hung up an answered call. */
    public static final String BYE_CALLEE = "BYE callee";
    /** The caller gave up before answer. */
    public static final String CANCEL = "CANCEL";
    /** No BYE within sessionTimeoutSeconds: the switch released the channel itself. */
    public static final String SESSION_TIMEOUT = "session timeout";
    /** Refused by the switch-wide or route cpsLimit. */
    public static final String CPS_LIMIT = "cps limit";
    /** Refused because channelLimit was reached. */
    public static final String CHANNEL_LIMIT = "channel limit";
    /** The switch shut down with the call up. */
    public static final String SHUTDOWN = "shutdown";
    /**
     * A new INVITE (no To tag) came with the Call-ID of a call in progress: the old call is
     * ended and its channel released, the new one tracked.
     */
    public static final String CALL_ID_REUSED = "Call-ID reused";

    private EndReason() {}

    /** {@code "failure 486"}: the call ended with this final non-2xx status. */
    public static String failure(int sipStatus) {
        if (sipStatus < 300 || sipStatus > 699) {
            throw new IllegalArgumentException("a failure status is 300..699, was " + sipStatus);
        }
        return "failure " + sipStatus;
    }
}
