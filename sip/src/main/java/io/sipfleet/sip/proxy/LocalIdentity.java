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
public final class LocalIdentity {
    private final List<InetSocketAddress> listeners;
    private final String domain;
    /**
     * The listeners' addresses as text ("" for an unresolved one), in their order. Derived once:
     * {@code InetAddress.getHostAddress()} formats a new String on every call, and every response
     * a proxy relays asks whether its top Via is ours, every request it forwards gets our Via.
     */
    private final List<String> hostAddresses;

    public LocalIdentity(List<InetSocketAddress> listeners, String domain) {
        this.listeners = List.copyOf(listeners);
        this.domain = domain;
        String[] text = new String[this.listeners.size()];
        for (int i = 0; i < text.length; i++) {
            InetAddress a = this.listeners.get(i).getAddress();
            text[i] = a == null ? "" : a.getHostAddress();
        }
        this.hostAddresses = List.of(text);
    }

    public List<InetSocketAddress> listeners() { return listeners; }

    public String domain() { return domain; }

    public InetSocketAddress primary() { return listeners.get(0); }

    /** True when {@code uri}'s host is one of our addresses (port matching or absent) or our domain. */
    public boolean isLocal(SipUri uri) { return isLocal(uri.host(), uri.port()); }

    /**
     * {@link #isLocal(SipUri)} for a host as written in a URI or Via (an IPv6 reference in
     * brackets) and a port (-1: absent).
     */
    public boolean isLocal(String host, int port) {
        if (host.equalsIgnoreCase(domain)) return true;
        for (int i = 0; i < hostAddresses.size(); i++) {
            if (sameHost(host, hostAddresses.get(i)) && (port < 0 || port == listeners.get(i).getPort())) return true;
        }
        return false;
    }

    /** {@code written} (IPv6 in brackets) names {@code address} (getHostAddress text), ignoring case. */
    private static boolean sameHost(String written, String address) {
        if (address.isEmpty()) return false;
        return written.startsWith("[") && written.endsWith("]")
                ? address.length() == written.length() - 2 && written.regionMatches(true, 1, address, 0, address.length())
                : address.equalsIgnoreCase(written);
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

    /**
     * {@link #isListener(InetSocketAddress)} for a host as written in a Via (an IP literal, IPv6
     * in brackets) and its port ({@code port} < 0: 5060). Compares text first, so the common case
     * (a Via of someone else) parses and allocates nothing.
     */
    public boolean isListener(String host, int port) {
        if (host == null) return false;
        int p = port < 0 ? 5060 : port;
        boolean wildcard = false;
        for (int i = 0; i < hostAddresses.size(); i++) {
            InetSocketAddress l = listeners.get(i);
            if (l.getAddress() != null && l.getAddress().isAnyLocalAddress()) wildcard = true;
            if (l.getPort() == p && sameHost(host, hostAddresses.get(i))) return true;
        }
        // Our own Via (what a loop brings back) carries exactly host()'s text, matched above. Parse
        // only where another spelling can mean us: a wildcard listener, or IPv6 (zero compression).
        if (!wildcard && host.indexOf(':') < 0) return false;
        InetAddress ip = io.sipfleet.sip.transport.IpLiterals.parse(host);
        return ip != null && isListener(new InetSocketAddress(ip, p));
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
        return new Via("SIP/2.0", transport.name(), host(local), local.getPort(),
                io.sipfleet.sip.message.Params.of("branch", "z9hG4bK", "rport", null));
    }

    /** The Record-Route value for a request that arrived on, and leaves from, {@code local}. */
    public String recordRoute(InetSocketAddress local, Transport transport) {
        String t = transport == Transport.UDP ? "" : ";transport=" + transport.name().toLowerCase(Locale.ROOT);
        return "<sip:" + host(local) + ":" + local.getPort() + t + ";lr>";
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

    /** {@code a}'s address as a URI or Via writes it (IPv6 in brackets); a listener's from the text kept above. */
    private String host(InetSocketAddress a) {
        int i = listeners.indexOf(a);
        String h = i >= 0 && !hostAddresses.get(i).isEmpty() ? hostAddresses.get(i) : a.getAddress().getHostAddress();
        return a.getAddress() instanceof java.net.Inet6Address ? "[" + h + "]" : h;
    }

    @Override public String toString() { return "LocalIdentity[" + listeners + ", " + domain + "]"; }
}
