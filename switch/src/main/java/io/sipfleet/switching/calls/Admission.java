package io.sipfleet.switching.calls;

/** The answer of the limits to a new INVITE. */
public enum Admission {
    ADMITTED,
    /** Over the server's (or the carrier route's) calls-per-second limit. */
    CPS_LIMIT,
    /** Over the channel limit: too many calls in progress. */
    CHANNEL_LIMIT
}
