package io.sipfleet.sip.proxy;

import io.sipfleet.sip.message.SipUri;
import io.sipfleet.sip.message.Via;
import io.sipfleet.sip.transport.Peer;
import io.sipfleet.sip.transport.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;

/**
 * Who this switch is on the wire: its listeners and the domain it serves. Decides whether a URI
 * points at us (a Route we recorded, a Request-URI for our domain) and builds our Via and
 * Record-Route values for the listener a message leaves from.
 */
public record LocalIdentity(List<InetSocketAddress> listeners, String domain) {

    public InetSocketAddress primary() { return listeners.get(0); }

    /** True when {@code uri}'s host is one of our addresses (port matching or absent) or our domain. */
    public boolean isLocal(SipUri uri) {
        String host = uri.host();
        if (host.equalsIgnoreCase(domain)) return true;
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        for (InetSocketAddress l : listeners) {
            InetAddress a = l.getAddress();
            if (a != null && a.getHostAddress().equalsIgnoreCase(bare) && (uri.port() < 0 || uri.port() == l.getPort())) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when {@code a} is one of our own listen sockets: sending there would loop. A wildcard
     * listener (0.0.0.0, ::) counts for loopback and wildcard destinations only.
     */
    public boolean isListener(InetSocketAddress a) {
        if (a == null || a.getAddress() == null) return false;
        for (InetSocketAddress l : listeners) {
            if (l.getPort() != a.getPort() || l.getAddress() == null) continue;
            if (l.getAddress().equals(a.getAddress())) return true;
            if (l.getAddress().isAnyLocalAddress()
                    && (a.getAddress().isLoopbackAddress() || a.getAddress().isAnyLocalAddress())) {
                return true;
            }
        }
        return false;
    }

    /** The listener a message to {@code remote} leaves from: same address family, first one. */
    public InetSocketAddress listenerFor(InetSocketAddress remote) {
        boolean v6 = remote.getAddress() instanceof java.net.Inet6Address;
        for (InetSocketAddress l : listeners) {
            if ((l.getAddress() instanceof java.net.Inet6Address) == v6) return l;
        }
        return primary();
    }

    public Via via(Transport transport, InetSocketAddress local) {
        // rport: ask the next hop to answer to the port we sent from (RFC 3581).
        return new Via("SIP/2.0", transport.name(), hostOf(local), local.getPort(),
                io.sipfleet.sip.message.Params.of("branch", "z9hG4bK", "rport", null));
    }

    /** The Record-Route value for a request that arrived on, and leaves from, {@code local}. */
    public String recordRoute(InetSocketAddress local, Transport transport) {
        String t = transport == Transport.UDP ? "" : ";transport=" + transport.name().toLowerCase(Locale.ROOT);
        return "<sip:" + hostOf(local) + ":" + local.getPort() + t + ";lr>";
    }

    /**
     * {@code to}, leaving from one of OUR listeners: a target built from shared state (a binding
     * registered through another cluster member) may name that member's listener as the local
     * end, and a Via naming an address we do not send from sends the responses elsewhere.
     */
    public Peer fromOurs(Peer to) {
        InetSocketAddress local = to.local();
        if (local != null && listeners.contains(local)) return to;
        return new Peer(to.transport(), to.remote(), listenerFor(to.remote()), to.connectionId());
    }

    public Peer peerTo(Transport transport, InetSocketAddress remote) {
        return new Peer(transport, remote, listenerFor(remote), 0);
    }

    static String hostOf(InetSocketAddress a) {
        String h = a.getAddress().getHostAddress();
        return a.getAddress() instanceof java.net.Inet6Address ? "[" + h + "]" : h;
    }
}
