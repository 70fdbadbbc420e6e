package io.sipfleet.switching.calls;

/** The answer of the limits to a new INVITE. */
public enum Admission {
    ADMITTED,
    /** Over the server's calls-per-second limit. */
    CPS_LIMIT,
    /** Over the carrier route's own calls-per-second limit. */
    ROUTE_CPS_LIMIT,
    /** Over the channel limit: too many calls in progress. */
    CHANNEL_LIMIT,
    /**
     * Over this cluster member's own cap (memberChannelLimit) while the cluster may still have
     * room: the call is for another member (capacity failover), not refused outright.
     */
    MEMBER_CHANNEL_LIMIT
}
