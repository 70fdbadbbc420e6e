package io.sipfleet.sip.transport;

import java.net.InetSocketAddress;

/**
 * The other end of one hop: where a message came from, or where one goes. {@code local} is the
 * listener the message arrived on (or must leave from, so that a UAC behind NAT sees replies from
 * the address it registered through). {@code connectionId} names the TCP/TLS/WS connection a
 * request arrived on, so its responses reuse it; 0 for UDP and when unknown.
 */
public record Peer(Transport transport, InetSocketAddress remote, InetSocketAddress local, long connectionId) {
    public static Peer udp(InetSocketAddress remote, InetSocketAddress local) {
        return new Peer(Transport.UDP, remote, local, 0);
    }

    public Peer withRemote(InetSocketAddress r) { return new Peer(transport, r, local, connectionId); }
}
