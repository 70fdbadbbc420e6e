package io.sipfleet.switching.keepalive;

import java.time.Duration;

/**
 * What the switch turns into metrics ({@code sipfleet_keepalive_rtt_seconds},
 * {@code sipfleet_keepalive_lost_total}); kept free of Micrometer so the scheduler is testable on
 * its own. Called on a Netty event loop or the transaction timer thread: do not block, do not
 * throw (an exception is logged and otherwise ignored).
 */
public interface KeepAliveEvents {

    /** Ignores everything. */
    KeepAliveEvents NONE = new KeepAliveEvents() {};

    /**
     * The first answer to an OPTIONS ping (any status, provisional included) came {@code rtt}
     * after the request was first sent. A retransmitted request that gets the answer counts from
     * the first send: what the UA costs the switch, not the wire RTT alone.
     */
    default void onRtt(String aor, String contact, Duration rtt) {}

    /**
     * {@code lostPingLimit} OPTIONS in a row went unanswered (Timer F, or a transport error): the
     * binding is no longer pinged and is being removed from the location store.
     */
    default void onLost(String aor, String contact) {}
}
