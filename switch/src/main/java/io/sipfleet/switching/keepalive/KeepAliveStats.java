package io.sipfleet.switching.keepalive;

/**
 * Counters of a {@link KeepAliveScheduler} since it started, for gauges and logs.
 *
 * @param tracked       bindings owned by this member and pinged
 * @param inFlight      OPTIONS sent and not yet answered or timed out
 * @param sent          pings sent (OPTIONS or CRLF; retransmissions not counted)
 * @param answered      OPTIONS answered (any status)
 * @param unanswered    OPTIONS that timed out or failed in the transport
 * @param lost          bindings removed because {@code lostPingLimit} pings in a row were unanswered
 * @param failures      pings that could not be built or handed to the transport
 */
public record KeepAliveStats(int tracked, int inFlight, long sent, long answered, long unanswered, long lost,
                             long failures) {
}
