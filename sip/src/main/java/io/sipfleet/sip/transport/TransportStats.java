package io.sipfleet.sip.transport;

import java.util.Map;

/**
 * A snapshot of one transport server's counters (all monotonic except {@code tcpConnectionsOpen}).
 * The switch exports these to Micrometer; tests assert on them.
 *
 * @param receivedUdp     SIP messages parsed from datagrams and handed to the SipHandler
 * @param receivedTcp     SIP messages parsed from TCP streams and handed to the SipHandler
 * @param sentUdp         datagrams handed to the socket (responses, requests, error answers)
 * @param sentTcp         messages written to TCP connections
 * @param keepAlives      RFC 5626 CRLF keep-alives received (UDP CRLF datagrams, TCP double-CRLF pings)
 * @param pongs           single-CRLF pongs written on TCP
 * @param errorResponses  4xx/5xx the transport answered itself to requests it could not parse
 * @param tcpAccepted     inbound TCP connections accepted
 * @param tcpConnected    outbound TCP connections established
 * @param tcpClosed       TCP connections closed (either side, any reason)
 * @param tcpIdleClosed   TCP connections closed by the idle timeout
 * @param tcpConnectionsOpen  TCP connections open (or connecting) now
 * @param dropped         what was dropped, by reason (every reason present, zero when none)
 */
public record TransportStats(long receivedUdp, long receivedTcp, long sentUdp, long sentTcp, long keepAlives,
                             long pongs, long errorResponses, long tcpAccepted, long tcpConnected, long tcpClosed,
                             long tcpIdleClosed, int tcpConnectionsOpen, Map<DropReason, Long> dropped) {

    public TransportStats {
        dropped = Map.copyOf(dropped);
    }

    public long dropped(DropReason reason) { return dropped.getOrDefault(reason, 0L); }

    public long droppedTotal() { return dropped.values().stream().mapToLong(Long::longValue).sum(); }
}
