package io.sipfleet.sip.transport;

import io.sipfleet.sip.message.SipResponse;
import io.sipfleet.sip.message.Via;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Where a response goes (RFC 3261 18.2.2 with RFC 3581), from its top Via, which the request's
 * receiving transport stamped with {@code received}/{@code rport} ({@link ViaStamping}):
 * <ol>
 *   <li>reliable transport (the request came over TCP/TLS): the same connection
 *       ({@code connectionId}); the returned remote is where to open a new one if it has closed:
 *       {@code received} (else the sent-by address, else the source) at the sent-by port;</li>
 *   <li>{@code maddr}: that address at the sent-by port (5060 if none);</li>
 *   <li>{@code received}: that address at {@code rport} if filled in, else the sent-by port or 5060;</li>
 *   <li>a sent-by that is an IP literal: that address and port.</li>
 * </ol>
 * A sent-by host name without {@code received} (or a host-name maddr) needs DNS (RFC 3263 5),
 * which the transport does not do: the result is null and the caller drops and counts it. The
 * Via host is never trusted beyond this: the {@link AllowList} still vets the address on send
 * (a Via of 255.255.255.255 from RFC 4475 "bcast" gets received= and so goes to the source).
 */
public final class ResponseRouting {
    private ResponseRouting() {}

    /** The destination of {@code response}, or null when it cannot be resolved without DNS. */
    public static Peer destination(SipResponse response, Peer requestFrom) {
        return destination(response.topVia(), requestFrom);
    }

    /** The destination of a response whose top Via is {@code via} (already stamped), or null. */
    public static Peer destination(Via via, Peer requestFrom) {
        if (via == null) return null;
        if (requestFrom.transport().isReliable()) {
            InetAddress ip = IpLiterals.parse(via.received());
            if (ip == null) ip = IpLiterals.parse(via.host());
            if (ip == null) ip = requestFrom.remote().getAddress();
            return new Peer(requestFrom.transport(), new InetSocketAddress(ip, via.portOrDefault()),
                    requestFrom.local(), requestFrom.connectionId());
        }
        String maddr = via.maddr();
        if (maddr != null) {
            InetAddress ip = IpLiterals.parse(maddr);
            return ip == null ? null : to(requestFrom, ip, via.portOrDefault());
        }
        int port = via.rport() > 0 ? via.rport() : via.portOrDefault();
        InetAddress received = IpLiterals.parse(via.received());
        if (received != null) return to(requestFrom, received, port);
        InetAddress sentBy = IpLiterals.parse(via.host());
        return sentBy == null ? null : to(requestFrom, sentBy, port);
    }

    private static Peer to(Peer requestFrom, InetAddress ip, int port) {
        return new Peer(requestFrom.transport(), new InetSocketAddress(ip, port), requestFrom.local(), 0);
    }
}
